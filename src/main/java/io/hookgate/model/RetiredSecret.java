package io.hookgate.model;

/** A webhook secret replaced by a rotation with a grace period: it still signs until {@code validUntil} (epoch ms). */
public record RetiredSecret(String secret, long validUntil) {
}
