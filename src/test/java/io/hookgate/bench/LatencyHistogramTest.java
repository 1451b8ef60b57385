package io.hookgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** The benchmark's own arithmetic: a wrong percentile would make every figure wrong. */
class LatencyHistogramTest {

    @Test
    void everyValueFallsIntoABucketThatHoldsIt() {
        long previousHighest = -1;
        for (int i = 0; i < LatencyHistogram.BUCKETS - 1; i++) {
            long high = LatencyHistogram.highest(i);
            assertThat(high).isGreaterThan(previousHighest);
            assertThat(LatencyHistogram.index(high)).isEqualTo(i);
            assertThat(LatencyHistogram.index(previousHighest + 1)).isEqualTo(i);
            previousHighest = high;
        }
    }

    @Test
    void quantilesAreWithinThreePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.quantile(0.5)).isCloseTo(50_000, within(1_500.0));
        assertThat((double) h.quantile(0.99)).isCloseTo(99_000, within(3_000.0));
        assertThat((double) h.quantile(0.999)).isCloseTo(99_900, within(3_000.0));
        assertThat(h.quantile(0)).isLessThanOrEqualTo(1);
    }

    @Test
    void sparseFormMergesAcrossProcesses() {
        LatencyHistogram a = new LatencyHistogram();
        a.record(10);
        a.record(1_000_000);
        LatencyHistogram b = new LatencyHistogram();
        b.add(a.toJson());
        b.add(a.toJson());
        assertThat(b.count()).isEqualTo(4);
        assertThat(b.quantile(0.5)).isEqualTo(10);
        assertThat((double) b.quantile(1.0)).isCloseTo(1_000_000, within(32_000.0));
        assertThat(b.summary().getDouble("p50Ms")).isEqualTo(0.01);
    }

    @Test
    void receiverReadsTheSendTimeFromThePayloadStart() {
        assertThat(BenchReceiver.sentMicros(Buffer.buffer("{\"t\":1764250000123456,\"n\":7}"))).isEqualTo(1764250000123456L);
        assertThat(BenchReceiver.sentMicros(Buffer.buffer("{\"n\":7}"))).isZero();
    }
}
