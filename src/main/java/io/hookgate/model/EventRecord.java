package io.hookgate.model;

/**
 * An accepted event as stored: {@code payload} holds the bytes exactly as they were ingested, and
 * is never re-serialised. Treat the array as immutable: it is shared, not copied, on the event bus.
 * {@code requestId} is the ingesting request's ID, so the log lines of its deliveries can be found.
 */
public record EventRecord(String id, String projectId, String name, String userId, byte[] payload, long acceptedAt,
                          String requestId) {
}
