package io.hookgate.dispatch;

import java.util.List;

/** The Appwrite-format text of a failed try, kept in the webhook's {@code logs} (contract section 3). */
public final class FailureLog {
    /** How much of a response body the log keeps. */
    public static final int BODY_BYTES = 10_000;

    private FailureLog() {
    }

    public static String status(String url, int status, String body) {
        return "URL: " + url + "\nMethod: POST\nStatus code: " + status + "\nBody: \n" + body + "\n";
    }

    public static String clientError(String url, String message, List<String> events) {
        return "URL: " + url + "\nMethod: POST\nClient Error: " + message + "\nEvents: " + String.join(", ", events) + "\n";
    }
}
