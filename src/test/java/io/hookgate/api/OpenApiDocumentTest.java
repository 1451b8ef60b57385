package io.hookgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is valid OpenAPI 3.1, twice over: swagger-parser (the reference Java parser,
 * which resolves every {@code $ref}) reads it without a message, and it validates against the
 * official OpenAPI 3.1 JSON Schema, Schema Objects included. Each check is also shown to refuse a
 * broken copy, so that a pass means something.
 */
class OpenApiDocumentTest {
    private static OpenApiDocument document;
    private static String text;

    @BeforeAll
    static void read() {
        document = OpenApiDocument.load();
        text = document.text;
    }

    @Test
    void swaggerParserReadsItWithoutAMessage() {
        SwaggerParseResult result = parse(text);

        assertThat(result.getMessages()).as("swagger-parser's messages").isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getPaths()).hasSizeGreaterThan(15);
        assertThat(api.getComponents().getSecuritySchemes()).containsOnlyKeys("Project", "Key");
        assertThat(api.getComponents().getSchemas()).containsKeys("Error", "Webhook", "LegacyWebhook", "Project", "Key",
            "Delivery");
    }

    @Test
    void swaggerParserReportsABrokenCopy() {
        JsonObject broken = new JsonObject(text);
        broken.getJsonObject("paths").getJsonObject("/webhooks").getJsonObject("get").remove("responses");
        broken.getJsonObject("components").getJsonObject("schemas").remove("Attempt");

        assertThat(parse(broken.encode()).getMessages()).as("swagger-parser's messages on a broken copy")
            .anyMatch(m -> m.contains("responses")).anyMatch(m -> m.contains("Attempt"));
    }

    @Test
    void itIsValidForTheOfficialOpenApi31Schema() {
        assertThat(OpenApiDocument.messages(document.openApi31().validate(document.root)))
            .as("errors against %s", OpenApiDocument.OPENAPI_31).isEmpty();
    }

    @Test
    void theOfficialOpenApi31SchemaRefusesABrokenCopy() {
        ObjectNode broken = document.root.deepCopy();
        ((ObjectNode) broken.at("/paths/~1events/post")).put("responses", "none");
        ((ObjectNode) broken.at("/components/schemas/Error/properties/code")).put("type", "int");

        assertThat(OpenApiDocument.messages(document.openApi31().validate(broken)))
            .anyMatch(m -> m.contains("/paths/~1events/post/responses"))
            .anyMatch(m -> m.contains("/components/schemas/Error/properties/code/type"));
    }

    private static SwaggerParseResult parse(String json) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(json, null, options);
    }
}
