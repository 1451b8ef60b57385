package io.hookgate.api;

import static io.hookgate.testsupport.AppwriteError.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared checks of the API tests: invalid arguments, fresh IDs, timestamps, query strings. */
final class ApiAssertions {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN = Long.toHexString(System.nanoTime() & 0xffffffL);

    private ApiAssertions() {
    }

    /** A project or webhook ID no other test of this JVM uses (valid Appwrite ID, at most 36 chars). */
    static String fresh(String prefix) {
        return prefix + "-" + RUN + "-" + SEQUENCE.incrementAndGet();
    }

    /** A 400 general_argument_invalid whose message contains every given fragment. */
    static String assertInvalid(Gateway.Reply reply, String... fragments) {
        String message = assertError(reply, 400, "general_argument_invalid");
        assertThat(message).contains(fragments);
        return message;
    }

    /** Asserts an Appwrite timestamp: ISO 8601 with an offset. */
    static void assertTimestamp(String value) {
        assertThat(value).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}[+-]\\d{2}:\\d{2}");
        OffsetDateTime.parse(value);
    }

    /** {@code ?queries[0]=...&queries[1]=...}, URL-encoded. */
    static String queries(JsonObject... queries) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < queries.length; i++) {
            s.append(i == 0 ? '?' : '&').append(URLEncoder.encode("queries[" + i + "]", StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(queries[i].encode(), StandardCharsets.UTF_8));
        }
        return s.toString();
    }

    /** An Appwrite query {@code {"method": m, "values": [v...]}}. */
    static JsonObject query(String method, Object... values) {
        return new JsonObject().put("method", method).put("values", new JsonArray(List.of(values)));
    }

    /** A valid webhook create body. */
    static JsonObject webhookBody(String id, String url, String... events) {
        return new JsonObject().put("webhookId", id).put("url", url).put("name", "hook " + id)
            .put("events", new JsonArray(List.of(events)));
    }
}
