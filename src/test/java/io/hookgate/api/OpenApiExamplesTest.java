package io.hookgate.api;

import static io.hookgate.api.OpenApiDocument.escape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example of the OpenAPI document validates against its schema with a JSON Schema 2020-12
 * validator (OpenAPI 3.1's schema dialect): those of request bodies, responses and parameters, in the
 * operations and in the components, and those of the schemas themselves. And every operation has
 * one: of its request body when it takes one, and of its success answer when that has a body.
 */
class OpenApiExamplesTest {
    private static OpenApiDocument document;

    /** An example and the schema it must validate against, both by their place in the document. */
    private record Example(String where, JsonNode value, String schemaPointer) {
    }

    @BeforeAll
    static void read() {
        document = OpenApiDocument.load();
    }

    @Test
    void everyExampleValidatesAgainstItsSchema() {
        List<Example> examples = examples();
        List<String> failures = new ArrayList<>();
        for (Example e : examples) {
            List<String> errors = OpenApiDocument.messages(document.schemaAt(e.schemaPointer()).validate(e.value()));
            if (!errors.isEmpty()) {
                failures.add(e.where() + ": " + errors);
            }
        }

        assertThat(examples).as("examples found").hasSizeGreaterThan(60);
        assertThat(failures).as("examples that do not validate against their schema").isEmpty();
    }

    @Test
    void everyOperationHasAnExampleOfItsBodyAndOfItsSuccessAnswer() {
        List<String> missing = new ArrayList<>();
        for (OpenApiDocument.Operation operation : document.operations()) {
            String pointer = operation.pointer();
            JsonNode op = operation.node();
            JsonNode body = document.resolve(op.path("requestBody"));
            if (!body.isMissingNode() && !hasExample(body.path("content"))) {
                missing.add(pointer + ": request body");
            }
            boolean success = false;
            for (Iterator<Map.Entry<String, JsonNode>> it = op.path("responses").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                if (r.getKey().startsWith("2")) {
                    success = true;
                    JsonNode content = document.resolve(r.getValue()).path("content");
                    if (!content.isMissingNode() && !hasExample(content)) {
                        missing.add(pointer + ": " + r.getKey() + " answer");
                    }
                }
            }
            if (!success) {
                missing.add(pointer + ": no success answer");
            }
        }

        assertThat(missing).as("operations without an example").isEmpty();
    }

    @Test
    void anExampleThatBreaksItsSchemaIsRefused() {
        String answer = "/paths/~1webhooks~1{webhookId}/get/responses/200/content/application~1json";
        ObjectNode webhook = document.root.at(answer + "/examples/orders/value").deepCopy();
        String schema = answer + "/schema";
        assertThat(document.schemaAt(schema).validate(webhook)).isEmpty();

        webhook.put("$updatedAt", "yesterday");
        assertThat(OpenApiDocument.messages(document.schemaAt(schema).validate(webhook)))
            .as("a date-time that is not one").isNotEmpty();
        webhook.remove("$updatedAt");
        assertThat(OpenApiDocument.messages(document.schemaAt("/components/schemas/Webhook").validate(webhook)))
            .as("a missing field").anyMatch(m -> m.contains("$updatedAt"));
    }

    /** Every example in the document with the pointer of its schema. */
    private static List<Example> examples() {
        List<Example> out = new ArrayList<>();
        for (OpenApiDocument.Operation op : document.operations()) {
            JsonNode parameters = op.node().path("parameters");
            for (int i = 0; i < parameters.size(); i++) {
                collect(op.pointer() + "/parameters/" + i, parameters.get(i), out);
            }
            mediaTypes(op.pointer() + "/requestBody/content", op.node().path("requestBody").path("content"), out);
            op.node().path("responses").fields().forEachRemaining(r -> mediaTypes(op.pointer() + "/responses/"
                + r.getKey() + "/content", r.getValue().path("content"), out));
        }
        JsonNode components = document.root.path("components");
        components.path("parameters").fields().forEachRemaining(p ->
            collect("/components/parameters/" + escape(p.getKey()), p.getValue(), out));
        components.path("responses").fields().forEachRemaining(r ->
            mediaTypes("/components/responses/" + escape(r.getKey()) + "/content", r.getValue().path("content"), out));
        components.path("requestBodies").fields().forEachRemaining(b ->
            mediaTypes("/components/requestBodies/" + escape(b.getKey()) + "/content", b.getValue().path("content"),
                out));
        components.path("schemas").fields().forEachRemaining(s ->
            schemaExamples("/components/schemas/" + escape(s.getKey()), s.getValue(), out));
        return out;
    }

    private static void mediaTypes(String pointer, JsonNode content, List<Example> out) {
        content.fields().forEachRemaining(m -> collect(pointer + "/" + escape(m.getKey()), m.getValue(), out));
    }

    /** The example and examples of a media type or parameter object (a $ref has none of its own). */
    private static void collect(String pointer, JsonNode holder, List<Example> out) {
        if (holder.has("example")) {
            out.add(new Example(pointer + "/example", holder.get("example"), pointer + "/schema"));
        }
        holder.path("examples").fields().forEachRemaining(e -> {
            assertThat(e.getValue().has("value")).as("%s/examples/%s has a value", pointer, e.getKey()).isTrue();
            out.add(new Example(pointer + "/examples/" + escape(e.getKey()), e.getValue().get("value"),
                pointer + "/schema"));
        });
    }

    /** The {@code examples} keyword of a schema and of the schemas inside it. */
    private static void schemaExamples(String pointer, JsonNode schema, List<Example> out) {
        if (!schema.isObject()) {
            return;
        }
        JsonNode examples = schema.path("examples");
        for (int i = 0; i < examples.size(); i++) {
            out.add(new Example(pointer + "/examples/" + i, examples.get(i), pointer));
        }
        schema.fields().forEachRemaining(f -> {
            switch (f.getKey()) {
                case "properties" -> f.getValue().fields().forEachRemaining(p ->
                    schemaExamples(pointer + "/properties/" + escape(p.getKey()), p.getValue(), out));
                case "items", "additionalProperties", "contentSchema" ->
                    schemaExamples(pointer + "/" + f.getKey(), f.getValue(), out);
                case "anyOf", "oneOf", "allOf" -> {
                    for (int i = 0; i < f.getValue().size(); i++) {
                        schemaExamples(pointer + "/" + f.getKey() + "/" + i, f.getValue().get(i), out);
                    }
                }
                default -> {
                }
            }
        });
    }

    private static boolean hasExample(JsonNode content) {
        for (JsonNode media : content) {
            if (media.has("example") || !media.path("examples").isEmpty()) {
                return true;
            }
        }
        return false;
    }
}
