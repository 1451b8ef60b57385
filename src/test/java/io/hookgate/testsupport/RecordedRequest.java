package io.hookgate.testsupport;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request as a {@link Receiver} got it, copied so it can be inspected from any thread.
 *
 * @param method the HTTP method name, e.g. {@code POST}
 * @param uri the request target exactly as received: path plus raw query, e.g. {@code /hook?a=%20b}
 * @param path the path part of {@code uri} (still percent-encoded)
 * @param headers every header in arrival order; names lower-cased, values in arrival order
 * @param body the exact body bytes (empty, never null, when there was none)
 * @param receivedAtNanos {@link System#nanoTime()} when the request head arrived
 * @param receivedAtMillis epoch milliseconds when the request head arrived
 */
public record RecordedRequest(
        String method,
        String uri,
        String path,
        Map<String, List<String>> headers,
        byte[] body,
        long receivedAtNanos,
        long receivedAtMillis) {

    /** Copies the headers (lower-casing names, merging duplicates) and the body. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(path, "path");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((name, values) -> copy
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(values));
        copy.replaceAll((name, values) -> List.copyOf(values));
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new byte[0] : body.clone();
    }

    /**
     * @return a copy of the exact body bytes
     */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * @param name a header name in any case
     * @return the first value of that header, or null if absent
     */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * @param name a header name in any case
     * @return every value of that header in arrival order, empty if absent
     */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /**
     * @return the raw query string (after {@code ?}), or null if the URI has none
     */
    public String query() {
        int mark = uri.indexOf('?');
        return mark < 0 ? null : uri.substring(mark + 1);
    }

    /**
     * @return the body decoded as UTF-8
     */
    public String bodyString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * @return the body parsed as a JSON object
     * @throws io.vertx.core.json.DecodeException if it is not a JSON object
     */
    public JsonObject bodyJson() {
        return new JsonObject(Buffer.buffer(body));
    }

    /**
     * @return a one-line summary for failure messages: method, URI, size and a body preview
     */
    public String summary() {
        String text = bodyString();
        String preview = text.length() > 120 ? text.substring(0, 120) + "..." : text;
        return method + " " + uri + " (" + body.length + " bytes, at " + receivedAtMillis + "): " + preview;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedRequest that
                && method.equals(that.method)
                && uri.equals(that.uri)
                && path.equals(that.path)
                && headers.equals(that.headers)
                && Arrays.equals(body, that.body)
                && receivedAtNanos == that.receivedAtNanos
                && receivedAtMillis == that.receivedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, uri, path, headers, Arrays.hashCode(body), receivedAtNanos, receivedAtMillis);
    }

    @Override
    public String toString() {
        return "RecordedRequest[" + summary() + ", headers=" + headers + "]";
    }
}
