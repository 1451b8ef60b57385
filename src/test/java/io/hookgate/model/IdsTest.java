package io.hookgate.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void aDeliveryIdIsOnePerEventAndWebhook() {
        String id = Ids.forDelivery("shop", "evt-1", "orders", 1_764_000_000_123L);
        assertThat(Ids.forDelivery("shop", "evt-1", "orders", 1_764_000_000_123L)).as("fanned out again").isEqualTo(id);
        assertThat(id).hasSize(28).matches("[0-9a-f]{28}");
        assertThat(Ids.isValid(id)).isTrue();
        assertThat(Ids.forDelivery("shop", "evt-1", "invoices", 1_764_000_000_123L)).isNotEqualTo(id);
        assertThat(Ids.forDelivery("shop", "evt-2", "orders", 1_764_000_000_123L)).isNotEqualTo(id);
        assertThat(Ids.forDelivery("other", "evt-1", "orders", 1_764_000_000_123L)).as("event IDs are per project")
            .isNotEqualTo(id);
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assertThat(Ids.forDelivery("p", "ab", "c", 1L)).isNotEqualTo(Ids.forDelivery("p", "a", "bc", 1L));
    }

    @Test
    void deliveryIdsSortByTheEventsAcceptanceTime() {
        String earlier = Ids.forDelivery("p", "zzz", "w", 1_764_000_000_000L);
        String later = Ids.forDelivery("p", "aaa", "w", 1_764_000_000_001L);
        assertThat(earlier.substring(0, 13)).isEqualTo(Long.toHexString(1_764_000_000_000L * 1000));
        assertThat(earlier).isLessThan(later);
    }

    @Test
    void oneEventFannedOutToManyWebhooksGetsDistinctIds() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(Ids.forDelivery("p", "evt", "wh" + i, 1_764_000_000_000L));
        }
        assertThat(ids).hasSize(100_000);
    }
}
