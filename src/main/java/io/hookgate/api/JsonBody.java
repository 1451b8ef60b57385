package io.hookgate.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hookgate.bus.ErrorCode;
import io.hookgate.bus.RequestFailure;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A strictly parsed JSON object body with typed readers. Every problem is a 400 naming the field:
 * malformed JSON, duplicate keys, a value of the wrong type, unknown fields.
 */
final class JsonBody {
    static final ObjectMapper MAPPER = strictMapper();

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    static ObjectMapper strictMapper() {
        ObjectMapper m = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
        return m;
    }

    /** Parses the body; an empty body is an empty object (Appwrite clients send none for some calls). */
    static JsonBody parse(byte[] bytes, Set<String> allowedFields) {
        if (bytes == null || bytes.length == 0) {
            return new JsonBody(MAPPER.createObjectNode());
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw invalid("Invalid JSON body: " + firstLine(e.getMessage()));
        }
        if (n == null || n.isMissingNode()) {
            return new JsonBody(MAPPER.createObjectNode());
        }
        if (!n.isObject()) {
            throw invalid("The request body must be a JSON object.");
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
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

    static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
