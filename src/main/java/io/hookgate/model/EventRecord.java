package io.hookgate.model;

/**
 * An accepted event as stored: {@code payload} holds the bytes exactly as they were ingested, and
 * is never re-serialised. Treat the array as immutable: it is shared, not copied, on the event bus.
 */
public record EventRecord(String id, String projectId, String name, String userId, byte[] payload, long acceptedAt) {
}
