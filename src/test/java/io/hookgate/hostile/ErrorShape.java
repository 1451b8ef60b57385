package io.hookgate.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.hookgate.testsupport.Gateway;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** Appwrite's error answer: exactly {@code {message, code, type, version}}, code = status, JSON typed. */
final class ErrorShape {
    static final String VERSION = "1.9.0";
    /**
     * What Jackson's own messages carry and an API message must not: its package, class and setting
     * names, getters such as {@code getMaxNestingDepth()}, character codes and source locations.
     */
    static final Pattern PARSER_INTERNALS = Pattern.compile("com\\.fasterxml|jackson|StreamReadConstraints"
        + "|ReadFeature|DeserializationFeature|JsonToken|\\bget[A-Z]\\w*\\(\\)|\\(code -?\\d+\\)|\\[Source:",
        Pattern.CASE_INSENSITIVE);

    private ErrorShape() {
    }

    /** Asserts the status, the content type and the shape; answers the message. */
    static String assertError(Gateway.Reply reply, int status, String type) {
        reply.expect(status);
        assertThat(reply.header("Content-Type")).as("Content-Type of %s", reply.body()).startsWith("application/json");
        JsonObject body = reply.json();
        assertThat(body.fieldNames()).as("error fields of %s", reply.body())
            .containsExactlyInAnyOrder("message", "code", "type", "version");
        assertThat(body.getValue("code")).as("code of %s", reply.body()).isEqualTo(status);
        assertThat(body.getValue("type")).as("type of %s", reply.body()).isEqualTo(type);
        assertThat(body.getValue("version")).as("version of %s", reply.body()).isEqualTo(VERSION);
        assertThat(body.getValue("message")).as("message of %s", reply.body()).isInstanceOf(String.class);
        return body.getString("message");
    }
}
