package io.hookgate.security;

import static io.hookgate.security.Fixtures.QUIET;
import static io.hookgate.security.Fixtures.WAIT;
import static io.hookgate.security.Fixtures.awaitFinalDeliveries;
import static io.hookgate.security.Fixtures.delivery;
import static io.hookgate.security.Fixtures.projectId;
import static io.hookgate.security.Fixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.config.ConfigKey;
import io.hookgate.security.ScriptedResolver.Call;
import io.hookgate.security.ScriptedResolver.Caller;
import io.hookgate.testsupport.Answer;
import io.hookgate.testsupport.Gateway;
import io.hookgate.testsupport.GatewayEnv;
import io.hookgate.testsupport.Receiver;
import io.hookgate.testsupport.RecordedRequest;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DNS rebinding: each try looks the host up exactly once, checks that answer and connects to that very
 * address, so an answer that changes between the check and the connection cannot get through. Only
 * 127.0.0.1 is allowed; the resolver answers 127.0.0.1 (allowed, a receiver listens) or 127.0.0.2
 * (refused, still loopback), in a scripted order per host. Were the dispatcher to look up again for the
 * connection, (a) would connect to 127.0.0.2 (nothing listens there, the try fails) and (b) would
 * deliver the refused try to the receiver. Retries come after about 300 ms, so one event shows two
 * tries and two lookups. A redirect cannot move a try elsewhere either: it is never followed.
 */
class RebindingTest {
    private static final ScriptedResolver resolver = new ScriptedResolver()
        .onCheck("first-good.test", "127.0.0.1").onDelivery("first-good.test", "127.0.0.1", "127.0.0.2")
        .onCheck("first-bad.test", "127.0.0.1").onDelivery("first-bad.test", "127.0.0.2", "127.0.0.1");

    @RegisterExtension
    static final GatewayEnv env = GatewayEnv.create(Map.of(ConfigKey.ALLOWED_TARGET_CIDRS, "127.0.0.1/32",
        ConfigKey.RETRY_SCHEDULE, "300ms"), resolver);

    @Test
    void aTryConnectsToTheAddressItsOneLookupAnswered() {
        Gateway.ProjectClient p = env.gateway().project(projectId("rebind-a"));
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            p.webhook("a", "http://first-good.test:" + r.port() + "/a", "users.*.create");
            assertThat(resolver.calls("first-good.test", Caller.CHECK)).hasSize(1);

            // e1: one try, one lookup (127.0.0.1): delivered, although every later lookup says 127.0.0.2.
            send(p, "e1");
            RecordedRequest got = r.awaitRequest(WAIT);
            assertThat(got.bodyJson().getString("n")).isEqualTo("e1");
            assertThat(awaitFinalDeliveries(p, "a", 1).get(0).getString("status")).isEqualTo("delivered");
            assertThat(resolver.calls("first-good.test", Caller.DELIVERY))
                .containsExactly(new Call("first-good.test", Caller.DELIVERY, "127.0.0.1"));

            // e2: every lookup now says 127.0.0.2: both tries (first + one retry) refused, one lookup each.
            send(p, "e2");
            awaitFinalDeliveries(p, "a", 2);
            JsonObject e2 = delivery(p, "a", "e2");
            assertThat(e2.getString("status")).isEqualTo("failed");
            assertThat(e2.getInteger("attemptCount")).isEqualTo(2);
            assertThat(e2.getJsonArray("attempts")).hasSize(2).allSatisfy(t -> {
                JsonObject attempt = (JsonObject) t;
                assertThat(attempt.getInteger("statusCode")).isZero();
                assertThat(attempt.getString("error")).isEqualTo("the host resolves to an address that deliveries may not reach");
            });
            // No request went out: as in Appwrite, the webhook's failure bookkeeping is not touched.
            JsonObject webhook = p.get("a");
            assertThat(webhook.getInteger("attempts")).isZero();
            assertThat(webhook.getString("logs")).isEmpty();
            assertThat(webhook.getString("status")).isEqualTo("healthy");
            JsonObject e1 = delivery(p, "a", "e1");
            assertThat(e1.getInteger("attemptCount")).isEqualTo(1);
            assertThat(e1.getJsonArray("attempts").getJsonObject(0).getInteger("statusCode")).isEqualTo(200);

            assertThat(r.assertCountStays(1, QUIET)).containsExactly(got);
            // Three tries in all, three lookups: exactly one per try.
            assertThat(resolver.calls("first-good.test", Caller.DELIVERY)).extracting(Call::answer)
                .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.2");
        }
    }

    @Test
    void aRedirectIsNeverFollowed() {
        Gateway.ProjectClient p = env.gateway().project(projectId("redirect"));
        try (Receiver r = Fixtures.receiver(env.vertx()); Receiver trap = Fixtures.receiver(env.vertx(), "127.0.0.2")) {
            // To a refused address, and to the very receiver: neither is followed.
            r.respond(req -> Answer.status(req.path().equals("/to-refused") ? 302 : 307)
                .withHeader("Location", req.path().equals("/to-refused") ? trap.url("/stolen") : r.url("/again")));
            p.webhook("refused", r.url("/to-refused"), "users.*.create");
            p.webhook("same", r.url("/to-same"), "users.*.create");

            send(p, "e1");

            for (String id : List.of("refused", "same")) {
                JsonObject d = awaitFinalDeliveries(p, id, 1).get(0);
                // Appwrite's rule: a status below 400 is a success; the Location is data, not a destination.
                assertThat(d.getString("status")).isEqualTo("delivered");
                assertThat(d.getJsonArray("attempts").getJsonObject(0).getInteger("statusCode")).isIn(302, 307);
            }
            assertThat(r.assertCountStays(2, QUIET)).extracting(RecordedRequest::path)
                .containsExactlyInAnyOrder("/to-refused", "/to-same");
            assertThat(trap.count()).isZero();
        }
    }

    @Test
    void aTryRefusedOnItsOneLookupIsNotDeliveredByAnother() {
        Gateway.ProjectClient p = env.gateway().project(projectId("rebind-b"));
        try (Receiver r = Fixtures.receiver(env.vertx())) {
            p.webhook("b", "http://first-bad.test:" + r.port() + "/b", "users.*.create");
            assertThat(resolver.calls("first-bad.test", Caller.CHECK)).hasSize(1);

            send(p, "e1");

            // Try 1 looks up once (127.0.0.2) and is refused; the retry looks up once (127.0.0.1) and delivers.
            RecordedRequest got = r.awaitRequest(WAIT);
            JsonObject d = awaitFinalDeliveries(p, "b", 1).get(0);
            assertThat(d.getString("status")).isEqualTo("delivered");
            assertThat(d.getInteger("attemptCount")).isEqualTo(2);
            List<JsonObject> tries = d.getJsonArray("attempts").stream().map(JsonObject.class::cast)
                .sorted(Comparator.comparing(t -> t.getString("$createdAt"))).toList();
            assertThat(tries.get(0).getInteger("statusCode")).isZero();
            // The owner is not told what the name resolved to (internal DNS stays unmapped).
            assertThat(tries.get(0).getString("error"))
                .isEqualTo("the host resolves to an address that deliveries may not reach");
            assertThat(tries.get(1).getInteger("statusCode")).isEqualTo(200);
            assertThat(tries.get(1).getString("error")).isEmpty();
            // The refused try reached nobody: the receiver has the retry only.
            assertThat(r.assertCountStays(1, QUIET)).containsExactly(got);
            assertThat(got.header("webhook-id")).isEqualTo(d.getString("$id"));
            assertThat(resolver.calls("first-bad.test", Caller.DELIVERY)).extracting(Call::answer)
                .containsExactly("127.0.0.2", "127.0.0.1");
            // The refusal is in the delivery's try only: the webhook's logs and attempts never saw it.
            assertThat(p.get("b").getString("logs")).isEmpty();
            assertThat(p.get("b").getInteger("attempts")).isZero();
        }
    }
}
