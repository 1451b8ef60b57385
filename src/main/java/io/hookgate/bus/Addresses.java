package io.hookgate.bus;

/** Every event-bus address of the gateway. All consumers are local to one replica. */
public final class Addresses {
    /** {@link StoreRequest}s to the subscription store; replies are the records named on each request. */
    public static final String STORE = "hookgate.store";
    /**
     * {@link DispatchBatch}es to the dispatcher pool (round-robin); each is answered with {@link Replies.Done}
     * at once, and its tries' outcomes go to the batch's own {@code replyTo} as {@link TryOutcomes}.
     */
    public static final String DISPATCH = "hookgate.dispatch";

    private Addresses() {
    }
}
