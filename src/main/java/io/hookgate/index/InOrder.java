package io.hookgate.index;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after the other per key, in the order they were submitted; tasks of
 * different keys run concurrently. The store applies the change feed through it: a change is applied
 * by reading the changed webhook back from Redis, and two reads of one webhook sent at once may be
 * answered in either order (pooled connections), so an older state could overwrite a newer one.
 * Owned by one event loop: not thread-safe.
 */
public final class InOrder {
    private final Map<String, Future<?>> last = new HashMap<>();

    /** Runs {@code task} once every earlier task of {@code key} has ended (succeeded or failed). */
    public <T> Future<T> run(String key, Supplier<Future<T>> task) {
        Future<?> before = last.get(key);
        Future<T> mine = before == null ? task.get() : before.transform(x -> task.get());
        last.put(key, mine);
        mine.onComplete(x -> last.remove(key, mine));
        return mine;
    }

    /** Keys with a task under way or waiting. */
    int size() {
        return last.size();
    }
}
