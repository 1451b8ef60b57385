package io.hookgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.bus.Replies;
import org.junit.jupiter.api.Test;

/** {@code INFO memory} as Redis 7 prints it (abridged), read by {@link RedisStore#memory(String)}. */
class RedisMemoryTest {

    @Test
    void usedMemoryMaxmemoryAndThePolicy() {
        String info = "# Memory\r\nused_memory:1049520\r\nused_memory_human:1.00M\r\nused_memory_rss:12345678\r\n"
            + "maxmemory:268435456\r\nmaxmemory_human:256.00M\r\nmaxmemory_policy:allkeys-lru\r\n"
            + "allocator_frag_ratio:1.21\r\n";

        Replies.RedisMemory m = RedisStore.memory(info);

        assertThat(m).isEqualTo(new Replies.RedisMemory(1049520, 268435456, "allkeys-lru"));
        assertThat(m.mayEvict()).isTrue();
        assertThat(RedisStore.memory("maxmemory:0\nmaxmemory_policy:noeviction\n").mayEvict()).isFalse();
    }

    @Test
    void aPolicyNotReportedCountsAsOneThatMayEvict() {
        Replies.RedisMemory m = RedisStore.memory("# Memory\r\nused_memory:12\r\n");

        assertThat(m.policy()).isEmpty();
        assertThat(m.maxBytes()).isZero();
        assertThat(m.mayEvict()).isTrue();
    }
}
