package io.hookgate.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's files, served from the jar's {@code console/} folder (HTML, CSS and ES modules; no
 * build step). Only names of lowercase words, digits and dashes in folders, ending in {@code .html},
 * {@code .css} or {@code .js}, are looked up, so no path can leave the folder; and only the classpath
 * is read, never the working directory (where Vert.x's static handler would look first). A file is
 * read once, off the event loop, and kept.
 *
 * <p>Every answer carries the console's security headers: a Content-Security-Policy that allows
 * scripts and styles from the gateway only (no {@code unsafe-inline}, no {@code eval}), no framing,
 * no referrer, no MIME sniffing.
 */
final class ConsoleAssets {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final String ROOT = "console/";
    private static final String PREFIX = "/console/";
    private static final Pattern NAME = Pattern.compile("([a-z0-9][a-z0-9-]*/){0,3}[a-z0-9][a-z0-9-]*\\.(html|css|js)");
    private static final Map<String, String> TYPES = Map.of(
        "html", "text/html; charset=utf-8",
        "css", "text/css; charset=utf-8",
        "js", "text/javascript; charset=utf-8");

    /** A file as it is served. */
    private record Asset(Buffer bytes, String type, String etag) {
    }

    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** The security headers of every console answer, a missing file's too. */
    static void securityHeaders(RoutingContext ctx) {
        ctx.response()
            .putHeader("Content-Security-Policy", CSP)
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Referrer-Policy", "no-referrer")
            .putHeader("X-Frame-Options", "DENY")
            .putHeader("Cross-Origin-Opener-Policy", "same-origin");
        ctx.next();
    }

    /** {@code GET /console/<name>}; {@code /console/} is {@code index.html}. Unknown names go on to the API's 404. */
    void serve(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!path.startsWith(PREFIX)) {
            ctx.next();
            return;
        }
        String name = path.substring(PREFIX.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        if (!NAME.matcher(name).matches()) {
            ctx.next();
            return;
        }
        String file = name;
        Asset cached = cache.get(file);
        Future<Optional<Asset>> asset = cached != null ? Future.succeededFuture(Optional.of(cached))
            : load(ctx.vertx(), file);
        asset.onSuccess(a -> {
            if (a.isEmpty()) {
                ctx.next();
                return;
            }
            Asset found = a.get();
            // Revalidated on every use: an upgraded gateway must not meet the modules of the previous one.
            ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").putHeader(HttpHeaders.ETAG, found.etag());
            if (found.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                ctx.response().setStatusCode(304).end();
                return;
            }
            // A HEAD request gets the headers only: Vert.x leaves the body out itself.
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, found.type()).end(found.bytes());
        }).onFailure(ctx::fail);
    }

    private Future<Optional<Asset>> load(Vertx vertx, String name) {
        return vertx.executeBlocking(() -> {
            try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
                if (in == null) {
                    return Optional.<Asset>empty();
                }
                byte[] bytes = in.readAllBytes();
                String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
                Asset asset = new Asset(Buffer.buffer(bytes), type, etag(bytes));
                cache.put(name, asset);
                return Optional.of(asset);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read console file " + name, e);
            }
        }, false);
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
