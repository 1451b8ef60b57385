package io.hookgate.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.hookgate.bus.Replies;
import io.hookgate.bus.StoreRequest;
import io.hookgate.config.HookgateConfig;
import io.hookgate.events.EventCatalogue;
import io.hookgate.events.InvalidEventException;
import io.hookgate.model.EventRecord;
import io.hookgate.model.Ids;
import io.hookgate.model.JsonText;
import io.hookgate.model.Scope;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /v1/events}: one event ({@code {"event", "payload", "userId", "$id"}}) or a batch
 * ({@code {"events": [...]}}). The body is read with a streaming parser that notes where each
 * {@code payload} value starts and ends, so the payload is kept as the exact bytes the platform sent
 * and is never re-serialised. Answers 202 once every event of the request is in Redis.
 */
final class EventRoutes {
    /** Nesting allowed in an event body, its payloads included. */
    private static final int MAX_DEPTH = 256;
    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
        .build();

    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final StoreClient store;
    private final Auth auth;
    private final Handler<RoutingContext> body;
    private final EventCatalogue catalogue;
    private final HookgateConfig.ApiConfig config;

    /** {@code body}: reads the request body (up to maxRequestBytes), after authentication. */
    EventRoutes(StoreClient store, Auth auth, Handler<RoutingContext> body, EventCatalogue catalogue,
                HookgateConfig.ApiConfig config) {
        this.store = store;
        this.auth = auth;
        this.body = body;
        this.catalogue = catalogue;
        this.config = config;
    }

    void mount(Router router) {
        router.post("/v1/events").handler(auth.project(Scope.EVENTS_WRITE)).handler(body).handler(this::ingest);
    }

    /** A parsed event before it is accepted. */
    private record Incoming(String id, String name, String userId, byte[] payload) {
    }

    private void ingest(RoutingContext ctx) {
        byte[] bytes = RequestBodies.bytes(ctx);
        List<Incoming> incoming = parse(bytes == null ? new byte[0] : bytes);
        String header = ctx.request().getHeader("Idempotency-Key");
        if (header != null && (header.isEmpty() || header.length() > MAX_IDEMPOTENCY_KEY
            || !header.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw JsonBody.invalid("Invalid Idempotency-Key header: 1-" + MAX_IDEMPOTENCY_KEY
                + " visible ASCII characters.");
        }
        String projectId = Auth.projectId(ctx);
        List<String> keys = new ArrayList<>(incoming.size());
        long now = System.currentTimeMillis();
        List<EventRecord> events = new ArrayList<>(incoming.size());
        List<List<String>> expansions = new ArrayList<>(incoming.size());
        for (int i = 0; i < incoming.size(); i++) {
            Incoming in = incoming.get(i);
            List<String> expansion;
            try {
                expansion = catalogue.expand(in.name());
            } catch (InvalidEventException e) {
                throw JsonBody.invalid(where(incoming.size(), i) + "invalid event name: " + e.getMessage());
            }
            String id = in.id() == null ? Ids.unique() : in.id();
            events.add(new EventRecord(id, projectId, in.name(), in.userId(), in.payload(), now,
                ctx.get(ErrorHandler.REQUEST_ID, "")));
            expansions.add(expansion);
            keys.add(idempotencyKey(header, in.id(), incoming.size(), i));
        }
        store.<Replies.Ingested>request(new StoreRequest.IngestEvents(projectId, List.copyOf(events),
                List.copyOf(expansions), List.copyOf(keys)))
            .onSuccess(ingested -> Responses.json(ctx, 202, answer(ingested.eventIds(), events, expansions)))
            .onFailure(ctx::fail);
    }

    /**
     * The 202's body, {@code {"total":N,"events":[{"$id","event","expansion":[...]},...]}}, written by hand:
     * one answer per event, and {@code JsonObject.encode}'s generic walk was a visible part of the gateway's
     * CPU per delivery (docs/performance.md, item 20).
     */
    static String answer(List<String> ids, List<EventRecord> events, List<List<String>> expansions) {
        StringBuilder b = new StringBuilder(64 + events.size() * 256).append("{\"total\":").append(events.size())
            .append(",\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            JsonText.quoted(b.append(i == 0 ? "{\"$id\":" : ",{\"$id\":"), ids.get(i));
            JsonText.quoted(b.append(",\"event\":"), events.get(i).name()).append(",\"expansion\":[");
            List<String> names = expansions.get(i);
            for (int j = 0; j < names.size(); j++) {
                JsonText.quoted(j == 0 ? b : b.append(','), names.get(j));
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    private List<Incoming> parse(byte[] body) {
        if (body.length == 0) {
            throw JsonBody.invalid("The request body is empty; send {\"event\", \"payload\"} or {\"events\": [...]}.");
        }
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw JsonBody.invalid("The request body must be a JSON object.");
            }
            List<Incoming> out;
            p.nextToken();
            if (p.currentToken() == JsonToken.FIELD_NAME && "events".equals(p.currentName())) {
                out = parseBatch(p, body);
                if (p.nextToken() != JsonToken.END_OBJECT) {
                    throw JsonBody.invalid("A batch body holds only \"events\".");
                }
            } else {
                out = List.of(parseEvent(p, body, 1, 0, true));
            }
            if (p.nextToken() != null) {
                throw JsonBody.invalid("Unexpected content after the JSON body.");
            }
            return out;
        } catch (IOException e) {
            throw JsonBody.malformed(e, MAX_DEPTH);
        }
    }

    private List<Incoming> parseBatch(JsonParser p, byte[] body) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw JsonBody.invalid("Invalid `events` param: must be an array of events.");
        }
        List<Incoming> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (out.size() >= config.maxBatchEvents()) {
                throw JsonBody.invalid("Invalid `events` param: at most " + config.maxBatchEvents() + " events per request.");
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw JsonBody.invalid("events[" + out.size() + "]: must be an object.");
            }
            p.nextToken();
            out.add(parseEvent(p, body, 2, out.size(), false));
        }
        if (out.isEmpty()) {
            throw JsonBody.invalid("Invalid `events` param: the batch is empty.");
        }
        return out;
    }

    /** Reads one event object's fields; the parser stands on its first field (or its end). */
    private Incoming parseEvent(JsonParser p, byte[] body, int count, int index, boolean root) throws IOException {
        String at = root ? "" : "events[" + index + "]: ";
        String name = null;
        String userId = "";
        String id = null;
        byte[] payload = null;
        for (; p.currentToken() == JsonToken.FIELD_NAME; p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "event" -> name = text(p, value, at + "`event`", 512);
                case "userId" -> {
                    userId = text(p, value, at + "`userId`", Ids.MAX_LENGTH);
                    if (!userId.isEmpty() && !Ids.isValid(userId)) {
                        throw JsonBody.invalid(at + "invalid `userId`: not a valid ID.");
                    }
                }
                case "$id" -> {
                    id = text(p, value, at + "`$id`", Ids.MAX_LENGTH);
                    if (!Ids.isValid(id)) {
                        throw JsonBody.invalid(at + "invalid `$id`: at most 36 chars of a-z, A-Z, 0-9, period,"
                            + " hyphen and underscore, not starting with a special char.");
                    }
                }
                case "payload" -> {
                    if (value != JsonToken.START_OBJECT) {
                        throw JsonBody.invalid(at + "`payload` must be a JSON object.");
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getByteOffset();
                    if (start < 0 || end < start) {
                        // Jackson reads UTF-16/32 bodies through a char reader: no byte offsets.
                        throw JsonBody.invalid("The request body must be JSON encoded in UTF-8.");
                    }
                    if (end - start > config.maxEventBytes()) {
                        throw JsonBody.invalid(at + "`payload` is " + (end - start) + " bytes; the limit is "
                            + config.maxEventBytes() + " bytes per event.");
                    }
                    payload = Arrays.copyOfRange(body, start, end);
                }
                default -> throw JsonBody.invalid(at + "unknown field '" + field
                    + "'. An event has: event, payload, userId, $id" + (root ? "; a batch has: events." : "."));
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw JsonBody.invalid("Invalid JSON body.");
        }
        if (name == null) {
            throw JsonBody.invalid(at + "`event` is required (a concrete event name such as users.u1.create).");
        }
        if (payload == null) {
            throw JsonBody.invalid(at + "`payload` is required (a JSON object).");
        }
        return new Incoming(id, name, userId, payload);
    }

    private static String text(JsonParser p, JsonToken value, String what, int max) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw JsonBody.invalid(what + " must be a string.");
        }
        String s = p.getText();
        if (s.length() > max) {
            throw JsonBody.invalid(what + " must be at most " + max + " chars.");
        }
        return s;
    }

    /**
     * The key that makes a repeat harmless: the event's own {@code $id}, which names one event
     * whatever the request around it (so a batch that repeats a {@code $id} stores it once), else the
     * request's {@code Idempotency-Key}: {@code h:KEY} for a single event, {@code b<index>:KEY} for the
     * event at that index of a batch; "" when there is neither. The three forms differ before the first
     * colon, which a key's own characters come after, so no two of them can be equal (a single event's
     * {@code order-7#0} once equalled the first event of a batch sent under {@code order-7}).
     */
    private static String idempotencyKey(String header, String eventId, int count, int index) {
        if (eventId != null) {
            return "id:" + eventId;
        }
        if (header == null) {
            return "";
        }
        return count == 1 ? "h:" + header : "b" + index + ":" + header;
    }

    private static String where(int count, int index) {
        return count == 1 ? "" : "events[" + index + "]: ";
    }
}
