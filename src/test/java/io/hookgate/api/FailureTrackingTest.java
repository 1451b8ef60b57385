package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.HookgateConfig;
import org.junit.jupiter.api.Test;

/** The failed-authentication counts of a replica stay bounded, whatever the number of addresses. */
class FailureTrackingTest {

    @Test
    void beyondAHundredThousandAddressesWithRecentFailuresNewOnesAreNotTracked() {
        FrontDoor door = new FrontDoor(new HookgateConfig.FrontDoorConfig(65536, 1 << 26, 10_000, 0, 0, 1));
        for (int i = 0; i < 100_000; i++) {
            door.authFailed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
        }

        // One failure a minute each: every one of them waits, none can be swept.
        assertThat(door.authRetryAfterSeconds("10.0.0.0")).isPositive();
        assertThat(door.authRetryAfterSeconds("10.1.134.159")).isPositive();
        door.authFailed("192.0.2.1");
        assertThat(door.authRetryAfterSeconds("192.0.2.1")).isZero();
    }
}
