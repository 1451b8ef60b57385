package io.hookgate.model;

/** A tenant: its webhooks, keys and events are isolated from every other project. */
public record Project(String id, String name, long createdAt, long updatedAt) {
}
