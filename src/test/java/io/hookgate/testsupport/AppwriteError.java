package io.hookgate.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;

/** Appwrite's error answer: exactly {@code {message, code, type, version}}, code = status, JSON typed. */
public final class AppwriteError {
    /** The Appwrite version every answer names. */
    public static final String VERSION = "1.9.5";

    private AppwriteError() {
    }

    /**
     * Asserts an Appwrite error answer: the status, {@code Content-Type: application/json} and exactly
     * {@code {message, code, type, version}} with code = status, version {@value #VERSION} and a
     * message that is not blank. Answers the message.
     */
    public static String assertError(Gateway.Reply reply, int status, String type) {
        reply.expect(status);
        assertThat(reply.header("Content-Type")).as("Content-Type of %s", reply.body()).startsWith("application/json");
        JsonObject body = reply.json();
        assertThat(body.fieldNames()).as("error fields of %s", reply.body())
            .containsExactlyInAnyOrder("message", "code", "type", "version");
        assertThat(body.getValue("code")).as("code of %s", reply.body()).isEqualTo(status);
        assertThat(body.getValue("type")).as("type of %s", reply.body()).isEqualTo(type);
        assertThat(body.getValue("version")).as("version of %s", reply.body()).isEqualTo(VERSION);
        assertThat(body.getValue("message")).as("message of %s", reply.body()).isInstanceOf(String.class);
        String message = body.getString("message");
        assertThat(message).as("message").isNotBlank();
        return message;
    }
}
