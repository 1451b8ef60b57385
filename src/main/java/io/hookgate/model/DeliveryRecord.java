package io.hookgate.model;

import java.util.List;
import java.util.Map;

/**
 * A delivery as recorded in Redis: what was sent where, where it stands, and its tries (JSON
 * objects, newest first, as the queue writes them).
 */
public record DeliveryRecord(String id, String webhookId, String projectId, String eventId, String eventName,
                             DeliveryStatus status, long createdAt, long updatedAt, long nextTryAt, int tries,
                             int partition, List<String> triesJson) {

    public static DeliveryRecord of(int partition, Map<String, String> h, List<String> tries) {
        return new DeliveryRecord(h.get("id"), h.getOrDefault("wh", ""), h.getOrDefault("pr", ""),
            h.getOrDefault("ev", ""), h.getOrDefault("nm", ""),
            DeliveryStatus.of(h.getOrDefault("st", "pending")).orElse(DeliveryStatus.PENDING),
            num(h.get("at")), num(h.get("up")), num(h.get("nx")), (int) num(h.get("n")), partition, List.copyOf(tries));
    }

    private static long num(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }
}
