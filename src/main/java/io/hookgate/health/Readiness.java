package io.hookgate.health;

import java.util.concurrent.atomic.AtomicBoolean;

/** Lifecycle flags that readiness reports: set by the bootstrap, read by the management routes. */
public final class Readiness {
    private final AtomicBoolean deployed = new AtomicBoolean();
    private final AtomicBoolean draining = new AtomicBoolean();

    public void deployed() {
        deployed.set(true);
    }

    /** Shutdown started: readiness turns false before anything else stops. */
    public void draining() {
        draining.set(true);
    }

    public boolean isDeployed() {
        return deployed.get();
    }

    public boolean isDraining() {
        return draining.get();
    }
}
