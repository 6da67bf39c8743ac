package dev.charms.ops.testing;

import dev.charms.ops.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One action of actions.yaml with the JSON-schema checks Juju applies before it queues the action:
 * parameter types, enum, pattern, numeric and length bounds, required parameters, and unknown parameters
 * (refused unless the action sets {@code additionalProperties: true}). Schema defaults are inserted, as
 * Juju does. Error texts follow Juju's {@code validation failed: ...} shape.
 */
public record ActionSpec(String name, Map<String, Map<String, Object>> params, List<String> required,
                         boolean additionalProperties) {
    private static final Set<String> KEYWORDS = Set.of("type", "description", "title", "default", "enum",
            "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
            "examples");

    /** Checks that every schema keyword is one the harness evaluates, so no rule is silently skipped. */
    public ActionSpec {
        params = Map.copyOf(params);
        required = List.copyOf(required);
        for (Map.Entry<String, Map<String, Object>> p : params.entrySet()) {
            for (String keyword : p.getValue().keySet()) {
                if (!KEYWORDS.contains(keyword)) {
                    throw new IllegalArgumentException("actions.yaml: action '" + name + "' parameter '"
                            + p.getKey() + "' uses JSON-schema keyword '" + keyword + "', which the harness does"
                            + " not check");
                }
            }
            Object pattern = p.getValue().get("pattern");
            if (pattern != null) {
                try {
                    Pattern.compile(pattern.toString());
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("actions.yaml: action '" + name + "' parameter '"
                            + p.getKey() + "' has a bad pattern: " + e.getDescription());
                }
            }
        }
        for (String r : required) {
            if (!params.containsKey(r)) {
                throw new IllegalArgumentException("actions.yaml: action '" + name + "' requires unknown parameter '"
                        + r + "'");
            }
        }
    }

    /** The parameters Juju would hand the charm: validated, with defaults inserted. */
    public Map<String, Object> validate(Map<String, ?> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : given.entrySet()) {
            Map<String, Object> schema = params.get(e.getKey());
            if (schema == null) {
                if (!additionalProperties) {
                    throw invalid("(root) : additional property \"" + e.getKey() + "\" is not allowed");
                }
            } else {
                check(e.getKey(), schema, e.getValue());
            }
            out.put(e.getKey(), e.getValue());
        }
        for (String r : required) {
            if (!given.containsKey(r)) {
                throw invalid("(root) : " + r + " is required");
            }
        }
        params.forEach((key, schema) -> {
            if (!out.containsKey(key) && schema.containsKey("default")) {
                out.put(key, schema.get("default"));
            }
        });
        return Copies.viaJson(out);
    }

    private InconsistentStateException invalid(String what) {
        return new InconsistentStateException("action '" + name + "': validation failed: " + what);
    }

    private void check(String key, Map<String, Object> schema, Object value) {
        String at = "(root)." + key + " : ";
        Object type = schema.get("type");
        if (type != null) {
            List<String> allowed = type instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : List.of(type.toString());
            if (allowed.stream().noneMatch(t -> hasType(value, t))) {
                throw invalid(at + "Invalid type. Expected: " + String.join(" or ", allowed) + ", given: "
                        + typeOf(value));
            }
        }
        if (schema.get("enum") instanceof List<?> choices) {
            String v = canonical(value);
            boolean ok = choices.stream().anyMatch(c -> canonical(c).equals(v));
            if (!ok) {
                List<String> shown = new ArrayList<>();
                choices.forEach(c -> shown.add(Json.write(c)));
                throw invalid(at + key + " must be one of the following: " + String.join(", ", shown));
            }
        }
        if (value instanceof String s) {
            if (schema.get("pattern") != null && !Pattern.compile(schema.get("pattern").toString()).matcher(s).find()) {
                throw invalid(at + "Does not match pattern '" + schema.get("pattern") + "'");
            }
            if (schema.get("minLength") instanceof Number min && s.codePointCount(0, s.length()) < min.longValue()) {
                throw invalid(at + "String length must be greater than or equal to " + min);
            }
            if (schema.get("maxLength") instanceof Number max && s.codePointCount(0, s.length()) > max.longValue()) {
                throw invalid(at + "String length must be less than or equal to " + max);
            }
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            boolean exclMin = Boolean.TRUE.equals(schema.get("exclusiveMinimum"));
            boolean exclMax = Boolean.TRUE.equals(schema.get("exclusiveMaximum"));
            if (schema.get("minimum") instanceof Number min && (exclMin ? d <= min.doubleValue() : d < min.doubleValue())) {
                throw invalid(at + "Must be greater than " + (exclMin ? "" : "or equal to ") + min);
            }
            if (schema.get("maximum") instanceof Number max && (exclMax ? d >= max.doubleValue() : d > max.doubleValue())) {
                throw invalid(at + "Must be less than " + (exclMax ? "" : "or equal to ") + max);
            }
        }
    }

    /** JSON text of a value after a JSON round trip, so 5, 5L and 5.0 compare equal as in JSON schema. */
    private static String canonical(Object value) {
        return Json.write(Copies.viaJson(Collections.singletonMap("v", value)).get("v"));
    }

    private static boolean hasType(Object v, String type) {
        return switch (type) {
            case "string" -> v instanceof String;
            case "boolean" -> v instanceof Boolean;
            case "integer" -> isWhole(v);
            case "number" -> v instanceof Number;
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "null" -> v == null;
            default -> false;
        };
    }

    private static boolean isWhole(Object v) {
        if (v instanceof Double d) {
            return d == Math.rint(d) && !d.isInfinite();
        }
        if (v instanceof Float f) {
            return f == Math.rint(f) && !f.isInfinite();
        }
        return v instanceof Number;
    }

    private static String typeOf(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Number) {
            return isWhole(v) ? "integer" : "number";
        }
        if (v instanceof Map) {
            return "object";
        }
        return v instanceof List ? "array" : v.getClass().getSimpleName();
    }
}
