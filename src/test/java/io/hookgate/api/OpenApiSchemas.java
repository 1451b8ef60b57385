package io.hookgate.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;

/**
 * JSON Schema 2020-12 validation (networknt) for the OpenAPI tests: against a schema inside the
 * OpenAPI document, found by its JSON pointer so that its {@code $ref}s resolve within the document,
 * or against the official OpenAPI 3.1 schema (with its dialect, so that every Schema Object is
 * checked too). The official schemas are the copies vertx-openapi ships; nothing is fetched.
 */
final class OpenApiSchemas {
    /** The OpenAPI 3.1 schema that also validates Schema Objects against the 3.1 dialect. */
    static final String OPENAPI_31 = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
    private static final String DOCUMENT = "https://hookgate.test/openapi.json";

    private final SchemaRegistry registry;

    /** {@code document}: the OpenAPI document's text. */
    OpenApiSchemas(String document) {
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
            .schemas(Map.of(DOCUMENT, document))
            .schemaLoader(l -> l.schemaIdResolvers(r -> r.mapPrefix("https://spec.openapis.org/oas/3.1/",
                "classpath:spec.openapis.org/oas/3.1/")))
            // "format" asserts (a date-time example must be one), as OpenAPI tools read it.
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    /** The schema at {@code pointer} (e.g. /components/schemas/Webhook) of the document. */
    Schema at(String pointer) {
        return registry.getSchema(SchemaLocation.of(DOCUMENT + "#" + pointer));
    }

    Schema openApi31() {
        return registry.getSchema(SchemaLocation.of(OPENAPI_31));
    }

    static List<String> messages(List<Error> errors) {
        return errors.stream().map(Error::toString).toList();
    }
}
