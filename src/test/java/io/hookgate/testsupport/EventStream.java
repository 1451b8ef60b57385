package io.hookgate.testsupport;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The events stream as the fan-out leaves it: read through a NOACK group, so no pending entries to look at. */
public final class EventStream {
    private EventStream() {
    }

    /**
     * Entries read and not finished yet: those still in the stream up to the group's last-delivered ID,
     * whoever read them.
     */
    public static long readAndUnfinished(RedisServer redis, String stream, String group) {
        String last = null;
        for (Object g : (List<?>) redis.call("XINFO", "GROUPS", stream)) {
            List<?> fields = (List<?>) g;
            Map<String, Object> m = new TreeMap<>();
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                m.put(String.valueOf(fields.get(i)), fields.get(i + 1));
            }
            if (group.equals(m.get("name"))) {
                last = String.valueOf(m.get("last-delivered-id"));
            }
        }
        return last == null ? 0 : ((List<?>) redis.call("XRANGE", stream, "-", last)).size();
    }
}
