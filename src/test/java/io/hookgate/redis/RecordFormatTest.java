package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hookgate.testsupport.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The delivery record's layout: what the gateway writes, the scripts read back and rewrite the same
 * way (against a real Redis, so Lua's cjson and Jackson agree).
 */
class RecordFormatTest {
    private static final String TRY = "{\"$createdAt\":\"2026-11-27T23:29:18.430+00:00\",\"durationMs\":28,"
        + "\"statusCode\":200,\"error\":\"\",\"responseHeaders\":{\"x-say\":\"a \\\"quoted\\\" word\"},\"responseBody\":\"ok\"}";
    /** A payload with the record's own separators in it, and text beyond ASCII. */
    private static final String PAYLOAD = "{\"text\":\"line one\\nline two | bar\",\"raw\":\"é€\"}\n|\n";

    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    /** Encodes a record given as a map of its prefix and header fields (absent ones left out). */
    private static byte[] encode(Map<String, String> fields, String tryJson, byte[] payload) {
        String[] head = new String[RecordFormat.HEAD.length];
        for (int i = 0; i < head.length; i++) {
            head[i] = fields.get(RecordFormat.HEAD[i]);
        }
        return RecordFormat.encode(fields.getOrDefault("st", "pending"), fields.get("so"), fields.get("ev"),
            fields.get("pr"), fields.get("wh"), head, tryJson, payload);
    }

    private static Map<String, String> fields() {
        Map<String, String> f = new HashMap<>();
        f.put("st", "delivered");
        f.put("so", "1");
        f.put("ev", "ev-1");
        f.put("pr", "shop");
        f.put("wh", "orders");
        f.put("id", "dl-1");
        f.put("nm", "users.u1.create");
        f.put("at", "1795822158429");
        f.put("up", "1795822158465");
        f.put("nx", "0");
        f.put("n", "1");
        f.put("s", "0");
        f.put("us", "");
        f.put("ea", "1795822158420");
        f.put("rq", "req-\"9\"");
        return f;
    }

    /** The fields a record holds: not the ID (its key holds it), nor nx, n, s at 0 and us empty. */
    private static Map<String, String> written(Map<String, String> fields) {
        Map<String, String> w = new HashMap<>(fields);
        w.remove("id");
        w.remove("nx", "0");
        w.remove("n", "0");
        w.remove("s", "0");
        w.remove("us", "");
        return w;
    }

    @Test
    void decodesWhatItEncodesPayloadByteForByte() {
        byte[] payload = PAYLOAD.getBytes(StandardCharsets.UTF_8);
        byte[] encoded = encode(fields(), TRY, payload);
        assertThat(new String(encoded, StandardCharsets.UTF_8)).doesNotContain("dl-1", "\"nx\"", "\"s\"", "\"us\"");
        RecordFormat.Decoded d = RecordFormat.decode(encoded);
        assertThat(d.fields()).isEqualTo(written(fields()));
        assertThat(written(fields())).containsKeys("n", "nm", "at", "up", "ea", "rq");
        assertThat(d.tryJson()).isEqualTo(TRY);
        assertThat(d.payload()).isEqualTo(payload);
    }

    @Test
    void aRecordWithoutTryOrPayload() {
        Map<String, String> f = fields();
        f.remove("so");
        RecordFormat.Decoded d = RecordFormat.decode(encode(f, null, null));
        assertThat(d.fields()).doesNotContainKey("so").containsEntry("st", "delivered");
        assertThat(d.tryJson()).isNull();
        assertThat(d.payload()).isNull();
        assertThatThrownBy(() -> RecordFormat.decode("delivered|1|ev".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theScriptsReadAndRewriteTheSameLayout() {
        String key = "hg:{q0}:dl:lua-1";
        redis.command("SET", key, new String(encode(fields(), TRY, PAYLOAD.getBytes(StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8), "EX", "1000");
        // Read, change like COMPLETE does, write back; then the prefix as retention reads it.
        Object head = redis.call("EVAL", LuaScript.library("records") + """
            local h = readRecord(KEYS[1])
            h.st, h.n, h.up = 'failed', tonumber(h.n) + 1, '1795822159000'
            writeRecord(KEYS[1], h)
            return recordHead(KEYS[1])
            """, "1", key);
        assertThat(head).isEqualTo(List.of("shop", "orders", "failed", "ev-1", "1"));
        RecordFormat.Decoded d = RecordFormat.decode(redis.command("GET", key).getBytes(StandardCharsets.UTF_8));
        Map<String, String> want = written(fields());
        want.put("st", "failed");
        want.put("n", "2");
        want.put("up", "1795822159000");
        assertThat(d.fields()).isEqualTo(want);
        assertThat(d.tryJson()).isEqualTo(TRY);
        assertThat(new String(d.payload(), StandardCharsets.UTF_8)).isEqualTo(PAYLOAD);
        assertThat(Long.parseLong(redis.command("TTL", key))).as("TTL kept").isBetween(990L, 1000L);
    }

    @Test
    void aRecordThatIsGoneHasAnEmptyHead() {
        assertThat(redis.call("EVAL", LuaScript.library("records") + "return recordHead(KEYS[1])", "1", "hg:{q0}:dl:none"))
            .isEqualTo(List.of());
    }

}
