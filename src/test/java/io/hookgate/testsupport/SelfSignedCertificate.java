package io.hookgate.testsupport;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for {@code 127.0.0.1} and {@code localhost}, generated once per
 * JVM with the JDK's {@code keytool} into a temporary directory (deleted at JVM exit).
 *
 * <p>The key is RSA 2048, valid for ten years from generation, subject {@code CN=localhost},
 * subject alternative names {@code IP:127.0.0.1} and {@code DNS:localhost}, so a client that
 * trusts {@link #certificatePem()} can verify both the chain and the host name. The key store is
 * PKCS12 with key and store password {@link #PASSWORD}. Generation takes about a second and
 * blocks; {@link Receiver#start(io.vertx.core.Vertx, boolean)} runs it on a worker thread.
 */
public final class SelfSignedCertificate {

    /** Password of the key store and of the key entry. */
    public static final String PASSWORD = "hookgate-test";

    /** Alias of the key entry in the key store. */
    public static final String ALIAS = "receiver";

    private static SelfSignedCertificate instance;

    private final Path keyStore;
    private final Path certificatePem;

    private SelfSignedCertificate(Path keyStore, Path certificatePem) {
        this.keyStore = keyStore;
        this.certificatePem = certificatePem;
    }

    /**
     * Returns the certificate of this JVM, generating it on first use.
     *
     * @return the shared certificate
     * @throws IllegalStateException if keytool fails
     */
    public static synchronized SelfSignedCertificate get() {
        if (instance == null) {
            instance = generate();
        }
        return instance;
    }

    /**
     * @return the PKCS12 key store holding the private key and certificate
     */
    public Path keyStore() {
        return keyStore;
    }

    /**
     * @return the certificate alone, PEM encoded, to be used as a trust anchor
     */
    public Path certificatePem() {
        return certificatePem;
    }

    /**
     * @return server key material for Vert.x ({@code HttpServerOptions.setKeyCertOptions})
     */
    public PfxOptions keyCertOptions() {
        return new PfxOptions().setPath(keyStore.toString()).setPassword(PASSWORD);
    }

    /**
     * @return client trust for Vert.x ({@code HttpClientOptions.setTrustOptions}) that accepts
     *     exactly this certificate
     */
    public PemTrustOptions trustOptions() {
        return new PemTrustOptions().addCertPath(certificatePem.toString());
    }

    private static SelfSignedCertificate generate() {
        try {
            Path dir = Files.createTempDirectory("hookgate-tls-");
            Path keyStore = dir.resolve("receiver.p12");
            Path pem = dir.resolve("receiver.pem");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.deleteIfExists(keyStore);
                    Files.deleteIfExists(pem);
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    // Best effort: a leftover temp directory is harmless.
                }
            }, "tls-cert-cleanup"));
            keytool(dir, "-genkeypair", "-alias", ALIAS,
                    "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                    "-dname", "CN=localhost",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt");
            keytool(dir, "-exportcert", "-rfc", "-alias", ALIAS,
                    "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-file", pem.toString());
            return new SelfSignedCertificate(keyStore, pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate a test certificate", e);
        }
    }

    private static void keytool(Path dir, String... args) throws IOException {
        Path bundled = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(Files.isExecutable(bundled) ? bundled.toString() : "keytool");
        cmd.addAll(List.of(args));
        Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " timed out");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed with " + process.exitValue() + ": " + output);
        }
    }
}
