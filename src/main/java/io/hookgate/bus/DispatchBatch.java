package io.hookgate.bus;

import java.util.List;

/**
 * The tries that a delivery pump started in one turn of its event loop, sent to one dispatcher in one
 * message ({@link Addresses#DISPATCH}). The dispatcher answers the message at once with
 * {@link Replies.Done} (it has the tries), then sends each try's {@link TryOutcome} to {@code replyTo}
 * as the try ends, those of one turn of its own event loop together in a {@link TryOutcomes}. One
 * message per turn instead of a request and its reply per try: each message is a hop between event
 * loops, a reply handler registered and removed, and a timer set and cancelled.
 */
public record DispatchBatch(String replyTo, List<DeliveryJob> jobs) {
    public DispatchBatch {
        jobs = List.copyOf(jobs);
    }
}
