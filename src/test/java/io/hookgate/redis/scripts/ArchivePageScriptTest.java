package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/archive_page.lua}: a page of a webhook's archive, newest first, after a cursor of the API's
 * listing ("at:id" of the previous page's last item).
 */
class ArchivePageScriptTest extends ScriptHarness {
    /** The page's items ("at:id"), each second element (the record, null for an item without) left out. */
    private static List<String> page(String maxAt, String afterId, int limit) {
        List<?> out = (List<?>) run("archive_page", List.of(archiveOrder(PR, WH)), List.of(maxAt, afterId, limit, PR, WH));
        List<String> items = new ArrayList<>();
        for (int i = 0; i < out.size(); i += 2) {
            assertThat(out.get(i + 1)).as("items without a record").isNull();
            items.add((String) out.get(i));
        }
        return items;
    }

    /** 450 items (more than two of the script's chunks): three share each creation time. */
    private static List<String> fill() {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            String item = (NOW + i / 3) + ":d-" + (char) ('a' + i % 3) + (1000 + i);
            redis.command("RPUSH", archiveOrder(PR, WH), item);
            items.add(0, item);
        }
        return items;
    }

    @Test
    void theFirstPageIsTheNewest() {
        List<String> newestFirst = fill();

        assertThat(page("", "", 4)).isEqualTo(newestFirst.subList(0, 4));
    }

    @Test
    void aCursorWithinItemsOfOneTimeGoesOnAfterItsIdAcrossChunks() {
        List<String> newestFirst = fill();
        // Item 301 (newest first) is one of three created at the same time: the page starts after it.
        String cursor = newestFirst.get(301);
        int colon = cursor.indexOf(':');

        List<String> got = page(cursor.substring(0, colon), cursor.substring(colon + 1), 100);

        assertThat(got).isEqualTo(newestFirst.subList(302, 402));
    }

    @Test
    void anItemHoldingItsRecordIsAnsweredWithTheRecordAsItsKeyWouldHoldIt() {
        TestRecord older = TestRecord.of("delivered", PR, WH, "ev-1", NOW).with("nm", "users.u1.create")
            .holdingEvent("user-1", NOW - 300, "req-1", "{\"n\":1}").newestTry("{\"a\":" + NOW + ",\"d\":4,\"c\":200}", 1);
        TestRecord newer = TestRecord.of("delivered", PR, WH, "ev-2", NOW + 1).with("nm", "users.u2.create")
            .holdingEvent("", NOW - 2, "req-2", "{\"n\":2}").newestTry("{\"a\":" + (NOW + 3) + ",\"d\":4,\"c\":500}", 1);
        putArchived(deliveryId(NOW, "one"), older);
        putArchived(deliveryId(NOW, "two"), newer);
        assertThat(older.text(4)).as("stored without what the item and key say").startsWith("ev-1|[\"users.u1.create\",\"\",")
            .contains("\n{\"d\":4,");
        assertThat(newer.text(4)).as("a try that did not start at the creation: its distance from it").contains("\n{\"o\":2,\"d\":4,");

        List<?> out = (List<?>) run("archive_page", List.of(archiveOrder(PR, WH)), List.of("", "", 10, PR, WH));

        assertThat(out).isEqualTo(List.of((NOW + 1) + ":" + deliveryId(NOW, "two"), newer.text(),
            NOW + ":" + deliveryId(NOW, "one"), older.text()));
    }

    @Test
    void itemsShiftedBehindNewerOnesArePagedInCreationOrderWithoutGapsOrRepeats() {
        // recordLayout 5: three records archived late, each behind the list's last item (lib/archive.lua's
        // ARCHIVE_SHIFT), created well before many items that come before them in the list.
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String item = (NOW + i) + ":d-" + (1000 + i);
            redis.command("RPUSH", archiveOrder(PR, WH), item);
            expected.add(item);
        }
        long[] created = {NOW + 50, NOW + 120, NOW + 199};
        List<String> records = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            String id = "s-" + k;
            TestRecord r = TestRecord.of("delivered", PR, WH, "ev-s" + k, created[k]).with("nm", "users.u1.create")
                .holdingEvent("", created[k] - 2, "req-s" + k, "{}").newestTry("{\"a\":" + (created[k] + 1)
                    + ",\"d\":4,\"c\":200}", 1);
            redis.command("RPUSH", archiveOrder(PR, WH), (NOW + 200) + ":" + id + ":~" + created[k] + ":" + id + ":"
                + r.text(4));
            expected.add(created[k] + ":" + id);
            records.add(r.text());
        }
        expected.sort(NEWEST_FIRST);

        Map<String, Object> paged = archivePages(7);

        assertThat(new ArrayList<>(paged.keySet())).isEqualTo(expected);
        for (int k = 0; k < 3; k++) {
            assertThat(paged.get(created[k] + ":s-" + k)).as("with its own record").isEqualTo(records.get(k));
        }
    }

    @Test
    void theLastPageIsShortAndAnEmptyArchiveHasNone() {
        assertThat(page("", "", 10)).isEmpty();
        List<String> newestFirst = fill();
        String cursor = newestFirst.get(444);
        int colon = cursor.indexOf(':');

        assertThat(page(cursor.substring(0, colon), cursor.substring(colon + 1), 10))
            .isEqualTo(newestFirst.subList(445, 450));
    }
}
