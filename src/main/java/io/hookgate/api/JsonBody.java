package io.hookgate.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A strictly parsed JSON object body with typed readers. Every problem is a 400 naming the field:
 * malformed JSON, duplicate keys, a value of the wrong type, and on Hookgate's own routes unknown fields
 * (Appwrite's routes ignore parameters they do not declare, see {@link #parseIgnoringUnknown}). The
 * parser's own messages never reach the caller ({@link #malformed}): they name its classes and settings.
 */
final class JsonBody {
    /** Nesting allowed in the bodies of the management routes (event payloads: see EventRoutes). */
    static final int MAX_DEPTH = 64;
    static final ObjectMapper MAPPER = strictMapper();
    private static final int MAX_NAME_SHOWN = 64;

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
        return m;
    }

    /**
     * Parses the body of an Appwrite route: fields the route does not know are ignored, as Appwrite ignores
     * parameters a route does not declare (newer SDKs send some that older servers do not know); the known
     * ones keep their types and limits.
     */
    static JsonBody parseIgnoringUnknown(byte[] bytes) {
        return parse(bytes, null);
    }

    /**
     * Parses the body; an empty body is an empty object (Appwrite clients send none for some calls). A field
     * outside {@code allowedFields} is a 400 ({@code null}: any field is let through, for the reader to ignore).
     */
    static JsonBody parse(byte[] bytes, Set<String> allowedFields) {
        if (bytes == null || bytes.length == 0) {
            return new JsonBody(MAPPER.createObjectNode());
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw malformed(e, MAX_DEPTH);
        }
        if (n == null || n.isMissingNode()) {
            return new JsonBody(MAPPER.createObjectNode());
        }
        if (!n.isObject()) {
            throw invalid("The request body must be a JSON object.");
        }
        for (var it = n.fieldNames(); allowedFields != null && it.hasNext(); ) {
            String f = it.next();
            if (!allowedFields.contains(f)) {
                throw invalid("Unknown parameter '" + f + "'. Allowed: " + String.join(", ", sorted(allowedFields)) + ".");
            }
        }
        return new JsonBody((ObjectNode) n);
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    String string(String field, boolean required, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid("Param \"" + field + "\" is not optional.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw invalid("Invalid `" + field + "` param: must be a string.");
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            throw invalid("Invalid `" + field + "` param: must be at most " + maxLength + " chars.");
        }
        return s;
    }

    Boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw invalid("Invalid `" + field + "` param: must be a boolean.");
        }
        return v.booleanValue();
    }

    Long integer(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid("Invalid `" + field + "` param: must be an integer.");
        }
        return v.longValue();
    }

    List<String> strings(String field, boolean required, int maxItems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw invalid("Param \"" + field + "\" is not optional.");
            }
            return null;
        }
        if (!v.isArray()) {
            throw invalid("Invalid `" + field + "` param: must be an array of strings.");
        }
        if (v.size() > maxItems) {
            throw invalid("Invalid `" + field + "` param: at most " + maxItems + " items are allowed.");
        }
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw invalid("Invalid `" + field + "` param: must be an array of strings.");
            }
            out.add(item.textValue());
        }
        return out;
    }

    static RequestFailure invalid(String message) {
        return new RequestFailure(ErrorCode.ARGUMENT_INVALID, message);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /**
     * What is wrong with a body the parser refused, in the API's words: by the kind of failure, never
     * the parser's message (it names Jackson's classes, methods and settings).
     */
    static RequestFailure malformed(IOException e, int maxDepth) {
        String original = e instanceof JsonProcessingException j ? String.valueOf(j.getOriginalMessage()) : "";
        String message;
        if (e instanceof StreamConstraintsException) {
            if (original.startsWith("Document nesting depth")) {
                message = "The JSON body is nested too deeply (at most " + maxDepth + " levels).";
            } else if (original.startsWith("Number")) {
                message = "A number in the JSON body has too many digits.";
            } else if (original.startsWith("String")) {
                message = "A string in the JSON body is too long.";
            } else if (original.startsWith("Name")) {
                message = "A field name in the JSON body is too long.";
            } else {
                message = "The JSON body is too large or too complex.";
            }
        } else if (e instanceof MismatchedInputException && original.startsWith("Trailing token")) {
            message = "Unexpected content after the JSON body.";
        } else if (e instanceof JsonEOFException) {
            message = "The JSON body ends before its value is complete.";
        } else if (original.startsWith("Duplicate field '") && original.endsWith("'")) {
            String name = original.substring("Duplicate field '".length(), original.length() - 1);
            message = "The JSON body has the field '" + (name.length() > MAX_NAME_SHOWN
                ? name.substring(0, MAX_NAME_SHOWN) + "..." : name) + "' more than once.";
        } else if (original.startsWith("Invalid UTF-8") || e instanceof CharConversionException) {
            message = "The request body is not valid UTF-8.";
        } else {
            message = "The request body is not valid JSON" + where(e) + ".";
        }
        return invalid(message);
    }

    /** " (line L, column C)" where the parser stopped, when it knows. */
    private static String where(IOException e) {
        if (e instanceof JsonProcessingException j && j.getLocation() != null && j.getLocation().getLineNr() > 0) {
            return " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
        }
        return "";
    }
}
