package io.hookgate.process;

import io.hookgate.model.DeliveryStatus;
import io.hookgate.redis.QueueKeys;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.hookgate.testsupport.RedisServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the crash tests share besides their set-up ({@link io.hookgate.testsupport.ChildGatewayEnv}):
 * webhooks for the events of a run, a steady stream of events over several replicas that records
 * which were accepted (answered 202), and the tally of what the receiver got, per webhook and event.
 *
 * <p>Each event of a run carries {@code {"run": RUN, "seq": n}} as its payload; the gateway
 * delivers the payload bytes as the body, and {@code X-Appwrite-Webhook-Id} names the webhook, so
 * a (webhook, seq) pair identifies what an event should cause.
 */
final class Traffic {
    /**
     * The checks that no try is repeated after a Redis hiccup or a restart under the same name, and
     * that a stopping replica takes no new work (the bugs are fixed; on by default).
     * {@code -Dhookgate.it.strict=false} turns them off to look at other failures first.
     */
    static final boolean STRICT = !"false".equals(System.getProperty("hookgate.it.strict"));

    private Traffic() {
    }

    /** Creates a webhook on {@code users.*.create} (what {@link #eventBody} sends) that posts to {@code url}. */
    static void createWebhook(Gateway.ProjectClient project, String webhookId, String url) {
        project.webhook(webhookId, url, "users.*.create");
    }

    /** The body of event {@code seq} of run {@code run}. */
    static String eventBody(String run, int seq) {
        return new JsonObject().put("event", "users.u" + seq + ".create")
            .put("payload", new JsonObject().put("run", run).put("seq", seq)).encode();
    }

    /** Posts one event; answers its ID when it was accepted (202), else null. */
    static String post(ChildGateway gw, String projectId, String key, String run, int seq) {
        Gateway.Reply r = gw.call("POST", "/events", eventBody(run, seq), "X-Appwrite-Project", projectId,
            "X-Appwrite-Key", key);
        return r.status() == 202 ? r.json().getJsonArray("events").getJsonObject(0).getString("$id") : null;
    }

    /**
     * One answer to an event post: which gateway (its index in the list the post was sent from, and
     * its name), when it was sent and when it was answered (ms since the stream started), the status.
     */
    record Sent(int seq, int gateway, String replica, long atMs, int status, String eventId, String error,
                long answeredAtMs) {
    }

    /**
     * Posts events at a fixed rate, round-robin over the given gateways (a dead one simply fails
     * its share), asynchronously so a slow or failing answer never holds the pace. Bounded: it
     * stops after {@code maxEvents} or at {@link #stop()}. The gateways may be a changing list, read
     * at each post, as a Service's endpoints are.
     */
    static final class EventStream implements AutoCloseable {
        private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

        private final String run;
        private final String projectId;
        private final String key;
        private final Supplier<List<ChildGateway>> gateways;
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final ExecutorService io = Executors.newFixedThreadPool(4);
        private final HttpClient http = HttpClient.newBuilder().executor(io).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
        private final List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
        private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger next = new AtomicInteger();
        private final int maxEvents;
        private long startNanos;

        EventStream(String run, String projectId, String key, List<ChildGateway> gateways, int maxEvents) {
            this(run, projectId, key, () -> gateways, maxEvents);
        }

        /** Over {@code endpoints}, read at each post (it must never be empty). */
        EventStream(String run, String projectId, String key, Supplier<List<ChildGateway>> endpoints, int maxEvents) {
            this.run = run;
            this.projectId = projectId;
            this.key = key;
            this.gateways = endpoints;
            this.maxEvents = maxEvents;
        }

        /** Starts sending {@code perSecond} events a second. */
        EventStream start(int perSecond) {
            startNanos = System.nanoTime();
            ticker.scheduleAtFixedRate(this::sendOne, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
            return this;
        }

        long elapsedMs() {
            return (System.nanoTime() - startNanos) / 1_000_000;
        }

        private void sendOne() {
            int seq = next.getAndIncrement();
            if (seq >= maxEvents) {
                ticker.shutdown();
                return;
            }
            List<ChildGateway> now = List.copyOf(gateways.get());
            int g = seq % now.size();
            ChildGateway to = now.get(g);
            long at = elapsedMs();
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create(to.endpoint() + "/events"))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Appwrite-Project", projectId)
                .header("X-Appwrite-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(eventBody(run, seq)))
                .build();
            pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, err) -> {
                long answeredAt = elapsedMs();
                if (err != null) {
                    sent.add(new Sent(seq, g, to.name(), at, -1, null, err.toString(), answeredAt));
                } else if (r.statusCode() == 202) {
                    String id = new JsonObject(r.body()).getJsonArray("events").getJsonObject(0).getString("$id");
                    sent.add(new Sent(seq, g, to.name(), at, 202, id, null, answeredAt));
                } else {
                    sent.add(new Sent(seq, g, to.name(), at, r.statusCode(), null, r.body(), answeredAt));
                }
                return null;
            }));
        }

        /** Stops sending and waits (bounded) until every request sent has its answer or its failure. */
        void stop() {
            ticker.shutdown();
            try {
                if (!ticker.awaitTermination(5, TimeUnit.SECONDS)) {
                    throw new AssertionError("event ticker did not stop");
                }
                List<CompletableFuture<?>> all;
                synchronized (pending) {
                    all = new ArrayList<>(pending);
                }
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(REQUEST_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            } catch (TimeoutException | ExecutionException e) {
                throw new AssertionError("event requests did not all finish", e);
            }
        }

        List<Sent> sent() {
            synchronized (sent) {
                return new ArrayList<>(sent);
            }
        }

        /** Sequence numbers answered 202. */
        Set<Integer> accepted() {
            return sent().stream().filter(s -> s.status() == 202).map(Sent::seq)
                .collect(Collectors.toCollection(TreeSet::new));
        }

        /** How many answers of each status (-1: no answer). */
        Map<Integer, Long> statuses() {
            return sent().stream().collect(Collectors.groupingBy(Sent::status, TreeMap::new, Collectors.counting()));
        }

        /** Requests that got no answer, per gateway index and kind of failure. */
        Map<String, Long> unanswered() {
            return sent().stream().filter(s -> s.status() < 0)
                .collect(Collectors.groupingBy(s -> "gw" + s.gateway() + ":" + s.error().replaceAll("[:(].*", ""),
                    TreeMap::new, Collectors.counting()));
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            io.shutdownNow();
        }
    }

    /** One request the receiver got: its delivery ID, the replica that sent it, when it arrived (epoch ms). */
    record Copy(String deliveryId, String replica, long atMillis) {
        @Override
        public String toString() {
            return deliveryId + "/" + replica + "@" + atMillis % 100_000;
        }
    }

    /**
     * What the receiver got for one run: per (webhook, seq) every request ({@code webhook-id}
     * header, sending replica, arrival time), in arrival order.
     */
    record Tally(Map<String, List<Copy>> byWebhookAndSeq, int requests) {

        static Tally of(Receiver receiver, String run) {
            Tally t = new Tally(new TreeMap<>(), 0);
            return t.plus(receiver.requests(), 0, run);
        }

        /** This tally plus the requests of {@code all} from index {@code from} on. */
        Tally plus(List<RecordedRequest> all, int from, String run) {
            if (from >= all.size()) {
                return this;
            }
            Map<String, List<Copy>> out = new TreeMap<>();
            byWebhookAndSeq.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
            int n = requests;
            for (RecordedRequest r : all.subList(from, all.size())) {
                JsonObject body;
                try {
                    body = r.bodyJson();
                } catch (RuntimeException e) {
                    continue;
                }
                if (!run.equals(body.getString("run"))) {
                    continue;
                }
                n++;
                out.computeIfAbsent(key(r.header("X-Appwrite-Webhook-Id"), body.getInteger("seq")),
                    k -> new ArrayList<>()).add(new Copy(r.header("webhook-id"),
                        ChildGateway.replicaOf(r.header("User-Agent")), r.receivedAtMillis()));
            }
            return new Tally(out, n);
        }

        static String key(String webhookId, int seq) {
            return webhookId + "#" + seq;
        }

        /** The (webhook, seq) pairs of accepted events that the receiver has not got yet. */
        List<String> missing(Set<Integer> accepted, List<String> webhooks) {
            List<String> out = new ArrayList<>();
            for (int seq : accepted) {
                for (String w : webhooks) {
                    if (!byWebhookAndSeq.containsKey(key(w, seq))) {
                        out.add(key(w, seq));
                    }
                }
            }
            return out;
        }

        /** Distinct (webhook, event) pairs delivered. */
        int distinct() {
            return byWebhookAndSeq.size();
        }

        /** Requests beyond the first per (webhook, event): the duplicates. */
        int duplicates() {
            return byWebhookAndSeq.values().stream().mapToInt(l -> l.size() - 1).sum();
        }

        /** Duplicates that are the same delivery made again (same {@code webhook-id}): a try repeated. */
        int repeatedTries() {
            return byWebhookAndSeq.values().stream().mapToInt(l -> l.size() - distinctDeliveries(l)).sum();
        }

        /** Duplicates with a different delivery ID: the event was fanned out more than once. */
        int repeatedFanouts() {
            return byWebhookAndSeq.values().stream().mapToInt(l -> distinctDeliveries(l) - 1).sum();
        }

        /** The most copies of one (webhook, event) the receiver got. */
        int maxCopies() {
            return byWebhookAndSeq.values().stream().mapToInt(List::size).max().orElse(0);
        }

        /** Every copy received, flattened. */
        List<Copy> copies() {
            return byWebhookAndSeq.values().stream().flatMap(List::stream).collect(Collectors.toList());
        }

        private static int distinctDeliveries(List<Copy> l) {
            return (int) l.stream().map(Copy::deliveryId).distinct().count();
        }

        /** The duplicated (webhook, seq) pairs in short: how many copies, from which replicas. */
        String duplicatedSummary() {
            return duplicated().entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue().size() + " from " + e.getValue().stream().map(Copy::replica)
                    .collect(Collectors.toCollection(TreeSet::new)))
                .collect(Collectors.joining(", ", "[", "]"));
        }

        /** The (webhook, seq) pairs delivered more than once, with their copies. */
        Map<String, List<Copy>> duplicated() {
            return byWebhookAndSeq.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        }
    }

    /**
     * Entries each consumer of a group holds (read, not yet acknowledged), from {@code XPENDING
     * stream group}; empty when none.
     */
    static Map<String, Long> pendingByConsumer(RedisServer redis, String stream, String group) {
        Object reply = redis.call("XPENDING", stream, group);
        Map<String, Long> out = new TreeMap<>();
        if (reply instanceof List<?> summary && summary.size() == 4 && summary.get(3) instanceof List<?> consumers) {
            for (Object c : consumers) {
                List<?> pair = (List<?>) c;
                out.put(String.valueOf(pair.get(0)), Long.parseLong(String.valueOf(pair.get(1))));
            }
        }
        return out;
    }

    /** Counts a webhook's delivery records by the status that starts each record (see RecordFormat). */
    private static final String COUNT_BY_STATUS = """
        local counts, out = {}, {}
        for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          local st = string.match(redis.call('GETRANGE', ARGV[1] .. id, 0, 31), '^([^|]*)|') or 'missing'
          counts[st] = (counts[st] or 0) + 1
        end
        for st, n in pairs(counts) do
          out[#out + 1] = st
          out[#out + 1] = n
        end
        return out
        """;

    /**
     * The queue as Redis has it: delivery records of the webhooks per status (read from the records, since
     * not every status has an index), entries in the events and deliveries streams, and deliveries due
     * later (retries, deferred).
     */
    static Map<String, Long> queueState(RedisServer redis, String projectId, List<String> webhooks) {
        Map<String, Long> out = new TreeMap<>();
        for (DeliveryStatus st : DeliveryStatus.values()) {
            out.put(st.value(), 0L);
        }
        for (String w : webhooks) {
            List<?> counts = (List<?>) redis.call("EVAL", COUNT_BY_STATUS, "1", QueueKeys.webhookDeliveries(0, projectId, w),
                QueueKeys.delivery(0, ""));
            for (int i = 0; i + 1 < counts.size(); i += 2) {
                out.merge((String) counts.get(i), (Long) counts.get(i + 1), Long::sum);
            }
        }
        out.put("eventsStream", (Long) redis.call("XLEN", QueueKeys.events(0)));
        out.put("deliveriesStream", (Long) redis.call("XLEN", QueueKeys.deliveries(0)));
        out.put("due", (Long) redis.call("ZCARD", QueueKeys.retries(0)));
        return out;
    }

    /**
     * Waits until the queue is quiet: every delivery record of the webhooks delivered, nothing in the
     * streams, nothing due later. Whatever a dead replica held has then been taken over and finished,
     * and any repeated try has arrived. Answers the final state.
     */
    static Map<String, Long> awaitQueueSettled(RedisServer redis, String projectId, List<String> webhooks,
                                               Duration timeout) {
        return Await.until("the queue settled (all records delivered, streams empty, nothing due)", timeout, () -> {
            Map<String, Long> state = queueState(redis, projectId, webhooks);
            long open = state.entrySet().stream().filter(e -> !e.getKey().equals("delivered"))
                .mapToLong(Map.Entry::getValue).sum();
            if (open > 0) {
                throw new AssertionError("queue state " + state);
            }
            return state;
        });
    }

    /** Appends a line to {@code target/it-logs/summary.txt} (the numbers the report quotes). */
    static void report(String test, String line) {
        try {
            Files.writeString(ChildGateway.logDir().resolve("summary.txt"), java.time.Instant.now() + " " + test + ": " + line + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the receiver got every (webhook, seq) of the accepted events of {@code run}; answers the tally. */
    static Tally awaitAllDelivered(Receiver receiver, String run, Set<Integer> accepted, List<String> webhooks,
                                   Duration timeout) {
        Tally[] sofar = {new Tally(new TreeMap<>(), 0)};
        int[] seen = {0};
        return Await.until("every accepted event of run " + run + " at " + webhooks, timeout, () -> {
            List<RecordedRequest> all = receiver.requests();
            sofar[0] = sofar[0].plus(all, seen[0], run);
            seen[0] = all.size();
            List<String> missing = sofar[0].missing(accepted, webhooks);
            if (!missing.isEmpty()) {
                throw new AssertionError(missing.size() + " of " + accepted.size() * webhooks.size()
                    + " accepted (webhook#seq) deliveries missing, e.g. "
                    + missing.subList(0, Math.min(20, missing.size())));
            }
            return sofar[0];
        });
    }
}
