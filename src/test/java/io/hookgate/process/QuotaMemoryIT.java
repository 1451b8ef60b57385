package io.hookgate.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Await;
import io.hookgate.testsupport.ChildGateway;
import io.hookgate.testsupport.ChildGatewayEnv;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.Receiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default quota fits the default heap with room to spare. One project is filled to
 * {@code maxWebhooksPerProject} (its default) with the largest webhooks the API accepts: 100
 * subscriptions of the longest form, none shared with another webhook, a URL of
 * {@code maxUrlLength}, the longest name and basic-auth credentials, and a last failure's
 * {@code logs} holding 10 000 bytes of response body. The gateway runs as in production, as a child
 * JVM, with a 512 MB heap (smaller than the Kubernetes pod's 717 MB). After a full GC its heap
 * must stay under half of the maximum; the next webhook is refused with 403; the gateway keeps
 * answering. The measured index memory per webhook is reported (docs: Security, quotas).
 */
class QuotaMemoryIT {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.hookgate.process.report");
    private static final int QUOTA = Integer.parseInt(ConfigKey.MAX_WEBHOOKS_PER_PROJECT.defaultValue());
    private static final int SUBSCRIPTIONS = Integer.parseInt(ConfigKey.MAX_SUBSCRIPTIONS_PER_WEBHOOK.defaultValue());
    private static final int URL_LENGTH = Integer.parseInt(ConfigKey.MAX_URL_LENGTH.defaultValue());
    private static final long HEAP_BYTES = ChildGateway.MAX_HEAP_BYTES;
    private static final String SHARED_EVENT = "databases.shared.collections.shared.documents.shared.update";

    @RegisterExtension
    static final ChildGatewayEnv env = ChildGatewayEnv.create(Map.of("HOOKGATE_RETRY_SCHEDULE", "1h"));

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aProjectFilledToItsQuotaFitsTheHeapWithRoomToSpare() throws Exception {
        Receiver receiver = env.receiver();
        ChildGateway gw = env.start("quota");
        receiver.respond(r -> Answer.of(500, "e".repeat(10_000)));
        Gateway.ProjectClient project = gw.project("full");
        long before = heapAfterFullGc(gw);

        String base = receiver.url("/");
        for (int i = 0; i < QUOTA; i++) {
            create(project, i, base).expect(201);
        }
        Gateway.Reply refused = create(project, QUOTA, base).expect(403);
        assertThat(refused.json().getString("type")).isEqualTo("webhook_limit_exceeded");

        // One event that every webhook subscribed to: each try fails, and each webhook's logs keep the body.
        project.send(new JsonObject().put("event", SHARED_EVENT).put("payload", new JsonObject()).encode()).expect(202);
        receiver.awaitCount(QUOTA, Duration.ofMinutes(3));
        Await.until("every webhook's last failure recorded", Duration.ofMinutes(2), () -> {
            JsonArray hooks = project.call("GET", "/webhooks?queries[]=" + URLEncoder.encode(
                "{\"method\":\"limit\",\"values\":[5000]}", StandardCharsets.UTF_8), null)
                .expect(200).json().getJsonArray("webhooks");
            return hooks.size() == QUOTA && hooks.stream().allMatch(h -> ((JsonObject) h).getInteger("attempts") == 1
                && ((JsonObject) h).getString("logs").length() > 10_000);
        });

        long after = heapAfterFullGc(gw);
        long perWebhook = (after - before) / QUOTA;
        // The numbers are part of the point: shown whatever level logback-test.xml sets.
        ((ch.qos.logback.classic.Logger) LOG).setLevel(ch.qos.logback.classic.Level.INFO);
        LOG.info(String.format("live heap %d MB before, %d MB with %d webhooks (%d bytes each,"
            + " worst case); max heap %d MB", before >> 20, after >> 20, QUOTA, perWebhook, HEAP_BYTES >> 20));
        assertThat(after).as("live heap with a project at its quota").isLessThan(HEAP_BYTES / 2);
        assertThat(perWebhook).as("bytes per worst-case webhook (docs/security)").isBetween(10_000L, 80_000L);
        project.call("GET", "/webhooks/w0", null).expect(200);
    }

    private static Gateway.Reply create(Gateway.ProjectClient project, int n, String base) {
        List<String> events = new ArrayList<>();
        events.add(SHARED_EVENT);
        for (int s = 1; s < SUBSCRIPTIONS; s++) {
            String id = String.format("%06d%030d", n, s);
            events.add("databases." + id + ".collections." + id + ".documents." + id + ".update");
        }
        String url = base + "w" + n + "/";
        url = url + "x".repeat(URL_LENGTH - url.length());
        JsonObject body = new JsonObject().put("webhookId", "w" + n).put("name", String.format("%-128s", "w" + n).replace(' ', 'n'))
            .put("url", url).put("events", new JsonArray(events))
            .put("authUsername", "u".repeat(256)).put("authPassword", "p".repeat(256));
        return project.call("POST", "/webhooks", body.encode());
    }

    /** The gateway's heap in use right after a full collection (jcmd GC.run), from its /metrics. */
    private static long heapAfterFullGc(ChildGateway gw) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java")
            .replaceAll("java$", "jcmd"), Long.toString(gw.pid()), "GC.run").redirectErrorStream(true).start();
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).as("jcmd GC.run").isTrue();
        assertThat(jcmd.exitValue()).as("jcmd GC.run: %s", new String(jcmd.getInputStream().readAllBytes())).isZero();
        return (long) gw.metrics().all("jvm_memory_used_bytes", "area", "heap").stream()
            .mapToDouble(s -> s.value()).sum();
    }
}
