package io.hookgate.testsupport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Receiver} answers to one request: a status, a body, headers and an optional
 * delay, or an abrupt connection close.
 *
 * @param status the HTTP status code
 * @param body the response body (UTF-8), empty for none
 * @param headers response headers to set
 * @param delay how long to wait before answering; null means the receiver's default
 *     ({@link Receiver#delay(Duration)})
 * @param closeWithoutResponse when true the connection is closed without any response (after the delay),
 *     which a client sees as a network error
 */
public record Answer(int status, String body, Map<String, String> headers, Duration delay, boolean closeWithoutResponse) {

    /** Checks the status and copies the headers. */
    public Answer {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("bad status " + status);
        }
        Objects.requireNonNull(body, "body");
        headers = Map.copyOf(headers);
        if (delay != null && delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
    }

    /**
     * @param status the HTTP status code
     * @return that status with an empty body, using the receiver's default delay
     */
    public static Answer status(int status) {
        return new Answer(status, "", Map.of(), null, false);
    }

    /**
     * @param status the HTTP status code
     * @param body the response body
     * @return that status and body, using the receiver's default delay
     */
    public static Answer of(int status, String body) {
        return new Answer(status, body, Map.of(), null, false);
    }

    /**
     * @return an answer that closes the connection without responding
     */
    public static Answer dropConnection() {
        return new Answer(200, "", Map.of(), null, true);
    }

    /**
     * @param name header name
     * @param value header value
     * @return a copy with one more response header
     */
    public Answer withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new Answer(status, body, all, delay, closeWithoutResponse);
    }

    /**
     * @param after how long to wait before answering (overrides the receiver's default)
     * @return a copy with that delay
     */
    public Answer withDelay(Duration after) {
        return new Answer(status, body, headers, Objects.requireNonNull(after), closeWithoutResponse);
    }
}
