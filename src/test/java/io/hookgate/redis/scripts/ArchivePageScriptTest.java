package io.hookgate.redis.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code lua/archive_page.lua}: a page of a webhook's archive, newest first, after a cursor of the API's
 * listing ("at:id" of the previous page's last item).
 */
class ArchivePageScriptTest extends ScriptHarness {
    @SuppressWarnings("unchecked")
    private static List<String> page(String maxAt, String afterId, int limit) {
        return (List<String>) run("archive_page", List.of(archiveOrder(PR, WH)), List.of(maxAt, afterId, limit));
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
    void theLastPageIsShortAndAnEmptyArchiveHasNone() {
        assertThat(page("", "", 10)).isEmpty();
        List<String> newestFirst = fill();
        String cursor = newestFirst.get(444);
        int colon = cursor.indexOf(':');

        assertThat(page(cursor.substring(0, colon), cursor.substring(colon + 1), 10))
            .isEqualTo(newestFirst.subList(445, 450));
    }
}
