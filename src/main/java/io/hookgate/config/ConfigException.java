package io.hookgate.config;

/** A configuration value is missing, malformed or out of range; the gateway refuses to start. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
