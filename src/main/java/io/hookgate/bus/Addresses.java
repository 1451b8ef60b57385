package io.hookgate.bus;

/** Every event-bus address of the gateway. All consumers are local to one replica. */
public final class Addresses {
    /** {@link StoreRequest}s to the subscription store; replies are the records named on each request. */
    public static final String STORE = "hookgate.store";
    /** {@link DeliveryJob}s to the dispatcher pool (round-robin); replies are {@link DeliveryOutcome}s. */
    public static final String DISPATCH = "hookgate.dispatch";

    private Addresses() {
    }
}
