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
        return RecordFormat.encode(fields.getOrDefault("st", "pending"), fields.get("so"), fields.get("ev"),
            fields.get("pr"), fields.get("wh"), head(fields), tryJson, payload);
    }

    private static String[] head(Map<String, String> fields) {
        String[] head = new String[RecordFormat.HEAD.length];
        for (int i = 0; i < head.length; i++) {
            head[i] = fields.get(RecordFormat.HEAD[i]);
        }
        return head;
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
    void layout3LeavesProjectAndWebhookOutOfADeliveredRecordHoldingItsEventOnly() {
        String[] head = head(fields());
        String archived = new String(RecordFormat.encode(3, "delivered", "1", "ev1", "p1", "w1", head, TRY, null),
            StandardCharsets.UTF_8);
        assertThat(archived).startsWith("delivered|1|ev1|||[");
        assertThat(RecordFormat.decode(archived.getBytes(StandardCharsets.UTF_8)).fields())
            .doesNotContainKeys("pr", "wh").containsEntry("ev", "ev1");
        // What is not archived keeps them: another status, an event hash's record, layout 2.
        for (String kept : List.of(
            new String(RecordFormat.encode(3, "failed", "1", "ev1", "p1", "w1", head, TRY, null), StandardCharsets.UTF_8),
            new String(RecordFormat.encode(3, "retrying", "1", "ev1", "p1", "w1", head, TRY, null), StandardCharsets.UTF_8),
            new String(RecordFormat.encode(3, "delivered", "", "ev1", "p1", "w1", head, TRY, null), StandardCharsets.UTF_8),
            new String(RecordFormat.encode(2, "delivered", "1", "ev1", "p1", "w1", head, TRY, null),
                StandardCharsets.UTF_8))) {
            assertThat(kept).as(kept).contains("|ev1|p1|w1|[");
        }
        assertThat(archived.substring("delivered|1|ev1|||".length())).as("the rest as layout 2 writes it")
            .isEqualTo(new String(RecordFormat.encode(2, "delivered", "1", "ev1", "p1", "w1", head, TRY, null),
                StandardCharsets.UTF_8).substring("delivered|1|ev1|p1|w1|".length()));
    }

    @Test
    void layout4GivesADeliveredRecordHoldingItsEventAsTheArchivesItemHoldsItAndTheScriptsMakeItWholeAgain() {
        String[] head = head(fields());
        String lib = LuaScript.library("records") + LuaScript.library("indexes") + LuaScript.library("archive");
        // The try's start: the creation time itself, 12 ms after it, 3 ms before it (another replica's clock).
        for (long offset : new long[] {0, 12, -3}) {
            String tryJson = "{\"a\":" + (1795822158429L + offset) + ",\"d\":5,\"c\":200,\"h\":{\"content-length\":\"0\"}}";
            byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
            String item = new String(RecordFormat.encode(4, "delivered", "1", "ev1", "p1", "w1", head, tryJson, payload),
                StandardCharsets.UTF_8);
            String whole = new String(RecordFormat.encode(2, "delivered", "1", "ev1", "p1", "w1", head, tryJson, payload),
                StandardCharsets.UTF_8);
            assertThat(item).startsWith("ev1|[\"users.u1.create\",\"\",\"36\",")
                .contains(offset == 0 ? "\n{\"d\":5," : "\n{\"o\":" + offset + ",\"d\":5,").doesNotContain("p1", "w1")
                .endsWith("\n{\"n\":1}");
            // delivered|1| p1|w1| the time, and "a":1795822158429, (or all but "o":12, of it).
            assertThat(whole.length() - item.length()).as("bytes saved").isEqualTo(offset == 0 ? 12 + 6 + 13 + 18 : 12 + 6 + 13 + 11);
            assertThat(redis.call("EVAL", lib + "return fullRecord(ARGV[1], 'p1', 'w1', '1795822158429')", "0", item))
                .isEqualTo(whole);
        }
        // What is not archived is written whole: another status, an event hash's record.
        assertThat(new String(RecordFormat.encode(4, "failed", "1", "ev1", "p1", "w1", head, TRY, null),
            StandardCharsets.UTF_8)).isEqualTo(new String(RecordFormat.encode(2, "failed", "1", "ev1", "p1", "w1", head,
                TRY, null), StandardCharsets.UTF_8));
        assertThat(new String(RecordFormat.encode(4, "delivered", "", "ev1", "p1", "w1", head, TRY, null),
            StandardCharsets.UTF_8)).startsWith("delivered||ev1|p1|w1|[");
    }

    @Test
    void aPrefixGoesBeforeTheRecordSoThatALayout4OneIsTheArchivesWholeItem() {
        String[] head = head(fields());
        byte[] payload = "{\"n\":1}".getBytes(StandardCharsets.UTF_8);
        String item = new String(RecordFormat.encode("1795822158429:d-1:", 4, "delivered", "1", "ev1", "p1", "w1", head,
            TRY, payload), StandardCharsets.UTF_8);

        assertThat(item).isEqualTo("1795822158429:d-1:" + new String(RecordFormat.encode(4, "delivered", "1", "ev1", "p1",
            "w1", head, TRY, payload), StandardCharsets.UTF_8));
    }

    @Test
    void theScriptsPutProjectAndWebhookBackIntoALayout3RecordAndLeaveAWholeOneAlone() {
        String[] head = head(fields());
        String archived = new String(RecordFormat.encode(3, "delivered", "1", "ev1", "p1", "w1", head, TRY, null),
            StandardCharsets.UTF_8);
        String whole = new String(RecordFormat.encode(2, "delivered", "1", "ev1", "p1", "w1", head, TRY, null),
            StandardCharsets.UTF_8);
        String lib = LuaScript.library("indexes") + LuaScript.library("archive");
        assertThat(redis.call("EVAL", LuaScript.library("records") + lib + "return withOwner(ARGV[1], 'p1', 'w1')", "0",
            archived)).isEqualTo(whole);
        assertThat(redis.call("EVAL", LuaScript.library("records") + lib + "return withOwner(ARGV[1], 'p9', 'w9')", "0",
            whole)).isEqualTo(whole);
    }

    @Test
    void theHeaderIsAnArrayWithoutNamesItsTimesFromTheCreation() {
        String text = new String(encode(fields(), null, null), StandardCharsets.UTF_8);
        // nm, at, up - at, n, ea - at, rq; nx, s and us at their defaults are left off the end.
        assertThat(text).isEqualTo("delivered|1|ev-1|shop|orders|[\"users.u1.create\",\"1795822158429\",\"36\",\"1\","
            + "\"-9\",\"req-\\\"9\\\"\"]\n\n");
        Map<String, String> f = fields();
        f.put("nx", "1795822160000");
        f.put("n", "0");
        f.put("us", "u|1");
        String later = new String(encode(f, null, null), StandardCharsets.UTF_8);
        assertThat(later).contains(",\"\",\"-9\",\"req-\\\"9\\\"\",\"1795822160000\",\"\",\"u|1\"]");
        assertThat(RecordFormat.decode(later.getBytes(StandardCharsets.UTF_8)).fields())
            .containsEntry("nx", "1795822160000").containsEntry("us", "u|1").doesNotContainKey("n")
            .containsEntry("up", "1795822158465").containsEntry("ea", "1795822158420");
    }

    @Test
    void theScriptsWriteTheHeaderByteForByteAsJavaDoes() {
        String key = "hg:{q0}:dl:same-1";
        String java = new String(encode(fields(), TRY, PAYLOAD.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        redis.command("SET", key, java);
        redis.call("EVAL", LuaScript.library("records") + "writeRecord(KEYS[1], readRecord(KEYS[1]))", "1", key);
        assertThat(redis.command("GET", key)).isEqualTo(java);
    }

    /** A record as the layout before wrote it: the header a JSON object of every field by name, in full. */
    private static String before() {
        return "delivered|1|ev-1|shop|orders|{\"nm\":\"users.u1.create\",\"at\":\"1795822158429\","
            + "\"up\":\"1795822158465\",\"n\":\"3\",\"ea\":\"1795822158420\",\"rq\":\"req-1\"}\n"
            + TRY + "\n" + PAYLOAD;
    }

    @Test
    void aRecordOfLayoutOneIsReadAndRewrittenInItsLayout() {
        Map<String, String> want = Map.of("st", "delivered", "so", "1", "ev", "ev-1", "pr", "shop", "wh", "orders",
            "nm", "users.u1.create", "at", "1795822158429", "up", "1795822158465", "n", "3", "ea", "1795822158420");
        RecordFormat.Decoded d = RecordFormat.decode(before().getBytes(StandardCharsets.UTF_8));
        assertThat(d.fields()).containsAllEntriesOf(want).containsEntry("rq", "req-1");
        assertThat(d.tryJson()).isEqualTo(TRY);

        // A replica of the version before reads only layout 1: the scripts keep a record in its layout.
        String key = "hg:{q0}:dl:old-1";
        redis.command("SET", key, before());
        redis.call("EVAL", LuaScript.library("records") + """
            local h = readRecord(KEYS[1])
            h.st, h.up = 'failed', '1795822159000'
            writeRecord(KEYS[1], h)
            """, "1", key);
        String rewritten = redis.command("GET", key);
        // (Lua's cjson writes an object's fields in no fixed order.)
        assertThat(rewritten).startsWith("failed|1|ev-1|shop|orders|{").endsWith("}\n" + TRY + "\n" + PAYLOAD);
        Map<String, String> after = new HashMap<>(want);
        after.put("st", "failed");
        after.put("up", "1795822159000");
        assertThat(RecordFormat.decode(rewritten.getBytes(StandardCharsets.UTF_8)).fields())
            .containsAllEntriesOf(after).containsEntry("rq", "req-1");
    }

    @Test
    void layoutOneIsWhatTheVersionBeforeWrote() {
        Map<String, String> f = fields();
        f.put("n", "3");
        f.put("rq", "req-1");
        byte[] one = RecordFormat.encode(1, "delivered", "1", "ev-1", "shop", "orders", head(f), TRY,
            PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(one, StandardCharsets.UTF_8)).isEqualTo(before());
        assertThat(RecordFormat.decode(one).fields()).isEqualTo(RecordFormat.decode(encode(f, TRY, null)).fields());
    }

    @Test
    void retentionReadsTheTriesMadeInBothLayouts() {
        Map<String, String> one = fields();
        String[] values = {new String(encode(one, TRY, null), StandardCharsets.UTF_8), null, before(),
            before().replace("\"n\":\"3\"", "\"n\":\"1\"")};
        Map<String, String> three = fields();
        three.put("n", "3");
        values[1] = new String(encode(three, TRY, null), StandardCharsets.UTF_8);
        // finishedHeadOf(v).tries: whether removing the record must delete its list of older tries.
        Object tries = redis.call("EVAL", LuaScript.library("records") + LuaScript.library("indexes")
            + LuaScript.library("retention") + """
            local out = {}
            for i, v in ipairs(ARGV) do out[i] = finishedHeadOf(v).tries and 1 or 0 end
            return out
            """, "0", values[0], values[1], values[2], values[3]);
        assertThat(tries).isEqualTo(List.of(0L, 1L, 1L, 0L));
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
