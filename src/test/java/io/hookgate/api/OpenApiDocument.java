package io.hookgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI document as the OpenAPI tests read it: its text and tree, its operations, and JSON
 * Schema 2020-12 validation (networknt) against a schema inside it, found by its JSON pointer so that
 * its {@code $ref}s resolve within the document, or against the official OpenAPI 3.1 schema (with
 * its dialect, so that every Schema Object is checked too). The official schemas are the copies
 * vertx-openapi ships; nothing is fetched.
 */
final class OpenApiDocument {
    /** The OpenAPI 3.1 schema that also validates Schema Objects against the 3.1 dialect. */
    static final String OPENAPI_31 = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DOCUMENT = "https://hookgate.test/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
        "trace");

    final String text;
    final JsonNode root;
    private final SchemaRegistry registry;

    /** An operation: its method (upper case), its path as the document writes it, its pointer and object. */
    record Operation(String method, String path, String pointer, JsonNode node) {
        String name() {
            return method + " " + path;
        }
    }

    private OpenApiDocument(String text) throws IOException {
        this.text = text;
        root = MAPPER.readTree(text);
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
            .schemas(Map.of(DOCUMENT, text))
            .schemaLoader(l -> l.schemaIdResolvers(r -> r.mapPrefix("https://spec.openapis.org/oas/3.1/",
                "classpath:spec.openapis.org/oas/3.1/")))
            // "format" asserts (a date-time example must be one), as OpenAPI tools read it.
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The document the gateway serves. */
    static OpenApiDocument load() {
        try {
            return new OpenApiDocument(new String(OpenApiRoutes.read(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Operation> operations() {
        return root.path("paths").properties().stream().flatMap(path -> path.getValue().properties().stream()
            .filter(op -> METHODS.contains(op.getKey()))
            .map(op -> new Operation(op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                "/paths/" + escape(path.getKey()) + "/" + op.getKey(), op.getValue()))).toList();
    }

    /** A parameter, request body or response, or the component its {@code $ref} names. */
    JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText(null);
        return ref == null ? node : root.at(ref.substring(1));
    }

    /** The schema at {@code pointer} (e.g. /components/schemas/Webhook) of the document. */
    Schema schemaAt(String pointer) {
        return registry.getSchema(SchemaLocation.of(DOCUMENT + "#" + pointer));
    }

    Schema openApi31() {
        return registry.getSchema(SchemaLocation.of(OPENAPI_31));
    }

    /** A JSON pointer segment (RFC 6901). */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    static List<String> messages(List<Error> errors) {
        return errors.stream().map(Error::toString).toList();
    }
}
