package io.hookgate.dispatch;

import java.util.List;

/**
 * The Appwrite-format text of a failed try, kept in the webhook's {@code logs}: as Appwrite's webhooks
 * worker writes it (src/Appwrite/Platform/Workers/Webhooks.php at 1.9.5), where a transport error is
 * curl's and says {@code CURL Error:}. The contract's text (section 3) still says {@code Client Error:};
 * Hookgate follows Appwrite, whose receivers and consoles read this field.
 */
public final class FailureLog {
    /** How much of a response body the log keeps. */
    public static final int BODY_BYTES = 10_000;

    private FailureLog() {
    }

    public static String status(String url, int status, String body) {
        return "URL: " + url + "\nMethod: POST\nStatus code: " + status + "\nBody: \n" + body + "\n";
    }

    public static String transportError(String url, String message, List<String> events) {
        return "URL: " + url + "\nMethod: POST\nCURL Error: " + message + "\nEvents: " + String.join(", ", events) + "\n";
    }
}
