package io.hookgate.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared wire contract and its test vectors ({@code ../shared/contract/}), read where they
 * are rather than copied into the tests, so a change to the contract shows up as a failing test.
 *
 * <p>The shared directory comes from the system property {@value #SHARED_PROPERTY} (set by the
 * surefire and failsafe configuration), or {@code ../shared} relative to the working directory.
 */
public final class Contract {

    /** System property naming the shared directory. */
    public static final String SHARED_PROPERTY = "hookgate.shared";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Contract() {
    }

    /** The contract directory ({@code <shared>/contract}), which holds the vector files. */
    public static Path dir() {
        return Path.of(System.getProperty(SHARED_PROPERTY, "../shared")).resolve("contract");
    }

    /**
     * Reads a vector file of the contract directory, e.g. {@code read("signatures.json")}.
     *
     * @throws UncheckedIOException if it is missing or not JSON
     */
    public static JsonNode read(String fileName) {
        Path file = dir().resolve(fileName);
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read contract file " + file.toAbsolutePath(), e);
        }
    }
}
