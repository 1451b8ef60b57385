package io.hookgate.health;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every metric of the gateway, in one Prometheus registry scraped at {@code /metrics} on the
 * management port. Labels stay bounded: outcomes, stream names, partitions and Redis command names,
 * never webhook IDs or URLs. Thread-safe: meters are shared by all verticles.
 */
public final class GatewayMetrics {
    /** What became of a stream entry of the deliveries stream. */
    public enum Outcome { DELIVERED, RETRY, FAILED, PARKED, HELD, DEFERRED, DROPPED, REQUEUED }

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)};

    private final PrometheusMeterRegistry registry;
    private final Counter eventsAccepted;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final Timer tryDuration;
    private final Timer eventToDelivery;
    private final Map<String, Timer> redisCommands = new ConcurrentHashMap<>();

    public GatewayMetrics() {
        this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        promtoolClean(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        eventsAccepted = Counter.builder("hookgate.events.accepted").description("Events answered 202 (stored in Redis)")
            .register(registry);
        for (Outcome o : Outcome.values()) {
            outcomes.put(o, Counter.builder("hookgate.deliveries").tag("outcome", o.name().toLowerCase())
                .description("Stream entries of the deliveries stream finished, by what became of them")
                .register(registry));
        }
        tryDuration = Timer.builder("hookgate.delivery.duration").description("One try: request sent to response read")
            .serviceLevelObjectives(BUCKETS).register(registry);
        eventToDelivery = Timer.builder("hookgate.event.to.delivery")
            .description("From the event's acceptance to a successful delivery (retries included)")
            .serviceLevelObjectives(BUCKETS).register(registry);
    }

    /**
     * Two of Micrometer's processor meters break Prometheus' naming rules ({@code promtool check
     * metrics}): {@code process_cpu_time_ns_total} abbreviates its unit, and {@code system_cpu_count}
     * is a gauge ending in {@code _count}, a suffix that belongs to histograms and summaries. The first
     * is served as {@code process_cpu_seconds_total} (the name Prometheus' own clients give it), the
     * second as {@code system_cpus}. Filters apply to meters registered after them: this runs first.
     */
    private static void promtoolClean(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                .description("CPU time used by the process").register(registry);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void eventsAccepted(int n) {
        eventsAccepted.increment(n);
    }

    public void outcome(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    public void tryDuration(long ms) {
        tryDuration.record(Duration.ofMillis(ms));
    }

    public void eventToDelivery(long ms) {
        eventToDelivery.record(Duration.ofMillis(Math.max(0, ms)));
    }

    /** The latency timer of one Redis command (bounded: command names). */
    public Timer redisCommand(String command) {
        return redisCommands.computeIfAbsent(command, c -> Timer.builder("hookgate.redis.command.duration")
            .tag("command", c).description("Redis round trips, by command").serviceLevelObjectives(BUCKETS)
            .register(registry));
    }

    /** A gauge read when scraped; {@code value} must be cheap and thread-safe. */
    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    public MeterRegistry meters() {
        return registry;
    }
}
