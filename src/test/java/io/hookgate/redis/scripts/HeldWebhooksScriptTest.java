package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.model.DeliveryStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/held_webhooks.lua}: a walk, page by page, over the partition's open set answers the webhooks
 * whose held index has records, and no other.
 */
class HeldWebhooksScriptTest extends ScriptHarness {
    @SuppressWarnings("unchecked")
    private static List<Object> page(String cursor, int count) {
        return (List<Object>) run("held_webhooks", List.of(OPEN), List.of(cursor, count));
    }

    @Test
    void answersOnlyTheWebhooksWithHeldRecords() {
        redis.command("SADD", OPEN, PR + ":" + WH, PR + ":" + OTHER_WH, OTHER_PR + ":" + WH);
        zadd(index(PR, WH, DeliveryStatus.HELD), NOW, "h-1");
        zadd(index(PR, OTHER_WH, DeliveryStatus.RETRYING), NOW, "r-1");
        zadd(index(OTHER_PR, WH, DeliveryStatus.HELD), NOW, "h-2");

        List<Object> all = page("0", 100);

        assertThat(all.get(0)).as("one page walks a small set").isEqualTo("0");
        assertThat(all.subList(1, all.size())).containsExactlyInAnyOrder(PR + ":" + WH, OTHER_PR + ":" + WH);
        assertThat(isMember(OPEN, PR + ":" + OTHER_WH)).as("retrying: stays").isTrue();
    }

    @Test
    void aMemberWithNothingUnfinishedLeavesTheSetWithItsDeliveredIndex() {
        redis.command("SADD", OPEN, PR + ":" + WH, PR + ":" + OTHER_WH);
        zadd(index(PR, WH, DeliveryStatus.DELIVERED), NOW, "d-1");
        zadd(index(PR, OTHER_WH, DeliveryStatus.PARKED), NOW, "p-1");
        zadd(index(PR, OTHER_WH, DeliveryStatus.DELIVERED), NOW, "d-2");

        assertThat(page("0", 100)).containsExactly("0");

        assertThat(isMember(OPEN, PR + ":" + WH)).isFalse();
        assertThat(exists(index(PR, WH, DeliveryStatus.DELIVERED))).isFalse();
        assertThat(isMember(OPEN, PR + ":" + OTHER_WH)).as("parked: stays").isTrue();
        assertThat(zset(index(PR, OTHER_WH, DeliveryStatus.DELIVERED))).containsOnlyKeys("d-2");
    }

    @Test
    void aWalkInSmallPagesMeetsEveryWebhookWithHeldRecords() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            String w = PR + ":w" + i;
            redis.command("SADD", OPEN, w);
            if (i % 3 == 0) {
                zadd(index(PR, "w" + i, DeliveryStatus.HELD), NOW, "h-" + i);
                expected.add(w);
            }
        }
        List<Object> found = new ArrayList<>();
        String cursor = "0";
        int pages = 0;
        do {
            List<Object> page = page(cursor, 10);
            cursor = (String) page.get(0);
            found.addAll(page.subList(1, page.size()));
            pages++;
        } while (!cursor.equals("0") && pages < 1_000);

        assertThat(pages).as("a walk of pages, not one call").isGreaterThan(5);
        assertThat(new HashSet<>(found)).isEqualTo(expected);
    }

    @Test
    void anEmptySetEndsAtOnce() {
        assertThat(page("0", 100)).containsExactly("0");
    }
}
