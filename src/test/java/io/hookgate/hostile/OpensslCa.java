package io.hookgate.hostile;

import io.hookgate.testsupport.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority made with the {@code openssl} command line at test time: a CA
 * certificate and a server certificate it signed for {@code IP:127.0.0.1} and {@code DNS:localhost}
 * (RSA 2048, valid two days), as PEM files in {@code dir}.
 *
 * @param dir the directory holding the files
 * @param caFile the CA certificate, to trust
 * @param certFile the server certificate
 * @param keyFile the server's private key (unencrypted PKCS#8)
 */
record OpensslCa(Path dir, Path caFile, Path certFile, Path keyFile) {
    private static final long COMMAND_SECONDS = 30;

    /** Generates a fresh CA and server certificate into {@code dir}. */
    static OpensslCa create(Path dir) {
        requireOpenssl();
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.pem");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path cert = dir.resolve("server.pem");
        Path ext = dir.resolve("server.ext");
        try {
            Files.writeString(ext, """
                basicConstraints = CA:FALSE
                keyUsage = critical, digitalSignature, keyEncipherment
                extendedKeyUsage = serverAuth
                subjectAltName = IP:127.0.0.1, DNS:localhost
                """, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2",
            "-subj", "/CN=Hookgate Test CA " + dir.getFileName(), "-keyout", caKey.toString(), "-out", ca.toString());
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=localhost",
            "-keyout", key.toString(), "-out", csr.toString());
        run(dir, "openssl", "x509", "-req", "-sha256", "-days", "2", "-in", csr.toString(), "-CA", ca.toString(),
            "-CAkey", caKey.toString(), "-CAcreateserial", "-extfile", ext.toString(), "-out", cert.toString());
        return new OpensslCa(dir, ca, cert, key);
    }

    /** The files as {@link RedisServer.Options#withTls} wants them. */
    RedisServer.Tls redisTls() {
        return new RedisServer.Tls(certFile, keyFile, caFile);
    }

    private static void requireOpenssl() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("`openssl version` failed; the TLS tests need the openssl command");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the TLS tests need the `openssl` command on the PATH (Debian package"
                + " openssl; bin/test installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(Path dir, String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        Path log = dir.resolve("openssl.log");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n"
                    + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
