package io.hookgate.redis;

/**
 * The layout new delivery records and events-stream entries are written in: {@code recordLayout} as
 * configured, lowered while a replica that cannot read it shares the Redis (see {@link ReplicaRepository}).
 * Replicas of a version before 4 drop an events-stream entry whose fields are packed as one (they find no
 * event name in it), and do not see records in layouts newer than theirs: a rolling update from such a
 * version writes what the oldest replica reads until it is gone, and then the configured layout again.
 * Layout 5 differs from 4 only in the archive: a delivered first try recorded after a newer one of its
 * webhook may be appended behind a key of its own (lua/lib/archive.lua, ARCHIVE_SHIFT), which replicas of
 * layout 4 would read as a broken record.
 * Read once per script call, so one call's arguments are all of one layout.
 */
public final class RecordLayout {
    /** The newest layout this version writes and reads (RecordFormat, lua/lib/archive.lua). */
    public static final int NEWEST = 5;
    /** What a replica that does not say which layouts it reads is taken to read: the first. */
    public static final int OLDEST = 1;

    private final int configured;
    private volatile int current;

    public RecordLayout(int configured) {
        if (configured < OLDEST || configured > NEWEST) {
            throw new IllegalArgumentException("record layout " + configured);
        }
        this.configured = configured;
        this.current = configured;
    }

    public int configured() {
        return configured;
    }

    /** The layout to write now. */
    public int current() {
        return current;
    }

    /** Events-stream entries packed in one field ({@code e}, lua/ingest.lua): layout 4 and above. */
    static boolean packed(int layout) {
        return layout >= 4;
    }

    /**
     * Writes at most {@code readable} (the newest layout that every replica sharing the Redis reads) from
     * now on, the configured layout when that is older. Returns the layout now written.
     */
    public int limitTo(int readable) {
        current = Math.max(OLDEST, Math.min(configured, readable));
        return current;
    }
}
