package io.procmodule.e2e.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Validates an object against a CRD's openAPIV3Schema the way the API server does on create,
 * for the keywords the generated CRD uses. A keyword it does not know is an error, so a CRD that
 * grows a new kind of constraint cannot pass unchecked. CEL rules are evaluated through
 * {@link #CEL}, a table of Java equivalents keyed by the exact rule text: a new or changed rule
 * fails until its equivalent is written.
 */
final class OpenApiValidator {
    private static final Set<String> KEYWORDS = Set.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "pattern",
            "minLength",
            "maxLength",
            "minProperties",
            "maxProperties",
            "minimum",
            "maximum",
            "enum",
            "anyOf",
            "default",
            "description",
            "x-kubernetes-int-or-string",
            "x-kubernetes-validations");

    /** Transition rules compare with the old object and do not apply on create. */
    private static final Set<String> TRANSITION_RULES = Set.of("self == oldSelf");

    private static final Map<String, Predicate<JsonNode>> CEL = Map.of(
            "self != '.' && self != '..' && !self.matches('^[0-9]+$')",
            self -> !Set.of(".", "..").contains(self.asText()) && !self.asText().matches("^[0-9]+$"),
            "type(self) == int ? self >= 1 : self.matches('^(100|[1-9][0-9]?)%$')",
            self -> self.isIntegralNumber() ? self.asLong() >= 1 : self.asText().matches("^(100|[1-9][0-9]?)%$"),
            "self.metadata.name.size() <= 50 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
            self -> self.path("metadata").path("name").asText().length() <= 50
                    && self.path("metadata").path("name").asText().matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));

    /** Fields every object has that a CRD schema leaves to the API server. */
    private static final Set<String> IMPLICIT_ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

    private OpenApiValidator() {}

    /** Errors, each prefixed by the JSON path of the offending value; empty when valid. */
    static List<String> validate(JsonNode schema, JsonNode object) {
        List<String> errors = new ArrayList<>();
        check(schema, object, "", true, errors);
        return errors;
    }

    /** A copy of {@code object} with the schema's defaults filled in where fields are absent. */
    static JsonNode withDefaults(JsonNode schema, JsonNode object) {
        JsonNode copy = object.deepCopy();
        fillDefaults(schema, copy);
        return copy;
    }

    private static void fillDefaults(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object) {
            schema.path("properties").fields().forEachRemaining(p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                    object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (object.has(p.getKey())) {
                    fillDefaults(p.getValue(), object.get(p.getKey()));
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            value.forEach(item -> fillDefaults(schema.get("items"), item));
        }
    }

    private static void check(JsonNode schema, JsonNode value, String path, boolean root, List<String> errors) {
        for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!KEYWORDS.contains(keyword)) {
                errors.add(path + ": schema keyword '" + keyword + "' is not understood by this validator");
            }
        }
        if (!typeMatches(schema, value)) {
            errors.add(path + ": expected " + expectedType(schema) + ", got " + value.getNodeType());
            return;
        }
        if (value.isTextual()) {
            checkString(schema, value.asText(), path, errors);
        }
        if (value.isNumber()) {
            if (schema.has("minimum")
                    && value.asDouble() < schema.get("minimum").asDouble()) {
                errors.add(path + ": less than minimum " + schema.get("minimum"));
            }
            if (schema.has("maximum")
                    && value.asDouble() > schema.get("maximum").asDouble()) {
                errors.add(path + ": greater than maximum " + schema.get("maximum"));
            }
        }
        if (schema.has("enum") && !contains(schema.get("enum"), value)) {
            errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isObject()) {
            checkObject(schema, value, path, root, errors);
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                check(schema.get("items"), value.get(i), path + "[" + i + "]", false, errors);
            }
        }
        for (JsonNode validation : schema.path("x-kubernetes-validations")) {
            String rule = validation.path("rule").asText();
            if (TRANSITION_RULES.contains(rule)) {
                continue;
            }
            Predicate<JsonNode> equivalent = CEL.get(rule);
            if (equivalent == null) {
                errors.add(path + ": CEL rule has no Java equivalent in this validator: " + rule);
            } else if (!equivalent.test(value)) {
                errors.add(path + ": " + validation.path("message").asText(rule));
            }
        }
    }

    private static void checkString(JsonNode schema, String text, String path, List<String> errors) {
        int length = text.codePointCount(0, text.length());
        if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
            errors.add(path + ": shorter than " + schema.get("minLength"));
        }
        if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
            errors.add(path + ": longer than " + schema.get("maxLength"));
        }
        if (schema.has("pattern")
                && !goRegexp(schema.get("pattern").asText()).matcher(text).find()) {
            errors.add(path + ": does not match " + schema.get("pattern").asText());
        }
    }

    /**
     * The CRD patterns use the common subset of Go RE2 and java.util.regex, except that Go's
     * {@code $} matches only at the very end while Java's also matches before a final newline.
     */
    private static Pattern goRegexp(String pattern) {
        boolean endAnchor = pattern.endsWith("$") && !pattern.endsWith("\\$");
        return Pattern.compile(endAnchor ? pattern.substring(0, pattern.length() - 1) + "\\z" : pattern);
    }

    private static void checkObject(JsonNode schema, JsonNode value, String path, boolean root, List<String> errors) {
        for (JsonNode required : schema.path("required")) {
            if (!value.has(required.asText())) {
                errors.add(path + ": missing required field " + required.asText());
            }
        }
        if (schema.has("minProperties")
                && value.size() < schema.get("minProperties").asInt()) {
            errors.add(path + ": fewer than " + schema.get("minProperties") + " entries");
        }
        if (schema.has("maxProperties")
                && value.size() > schema.get("maxProperties").asInt()) {
            errors.add(path + ": more than " + schema.get("maxProperties") + " entries");
        }
        value.fields().forEachRemaining(field -> {
            String fieldPath = path + "." + field.getKey();
            JsonNode propertySchema = schema.path("properties").get(field.getKey());
            if (propertySchema != null) {
                check(propertySchema, field.getValue(), fieldPath, false, errors);
            } else if (schema.has("additionalProperties")) {
                check(schema.get("additionalProperties"), field.getValue(), fieldPath, false, errors);
            } else if (!(root && IMPLICIT_ROOT_FIELDS.contains(field.getKey()))) {
                // kubectl's default strict field validation rejects what the structural schema would prune.
                errors.add(fieldPath + ": unknown field");
            }
        });
    }

    private static boolean typeMatches(JsonNode schema, JsonNode value) {
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            return value.isIntegralNumber() || value.isTextual();
        }
        if (schema.has("anyOf")) {
            for (JsonNode alternative : schema.get("anyOf")) {
                if (typeMatches(alternative, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (schema.path("type").asText("")) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String expectedType(JsonNode schema) {
        return schema.has("type") ? schema.get("type").asText() : "one of " + schema.path("anyOf");
    }

    private static boolean contains(JsonNode candidates, JsonNode value) {
        for (JsonNode candidate : candidates) {
            if (candidate.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
