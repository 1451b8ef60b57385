package io.hookgate.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /v1/openapi.json}, without a key: the OpenAPI 3.1 document of the public API, the
 * resource {@value #RESOURCE}, read once when the verticle starts. The document is written by hand;
 * the tests hold it to the router (every route in it, nothing else), to a real OpenAPI parser, to its
 * own schemas (every example validates) and to the gateway's answers.
 */
final class OpenApiRoutes {
    static final String RESOURCE = "openapi/hookgate.json";
    static final String PATH = "/v1/openapi.json";

    private final Buffer document;

    private OpenApiRoutes(Buffer document) {
        this.document = document;
    }

    /** Reads the document off the event loop. */
    static Future<OpenApiRoutes> load(Vertx vertx) {
        return vertx.executeBlocking(() -> new OpenApiRoutes(Buffer.buffer(read())));
    }

    static byte[] read() throws IOException {
        try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the classpath");
            }
            return in.readAllBytes();
        }
    }

    void mount(Router router) {
        router.get(PATH).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(document));
    }
}
