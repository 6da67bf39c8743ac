package dev.charms.charmfiles;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The JSON-Schema draft-4 subset Juju action params use: type, enum, minimum/maximum (with the draft-4
 * boolean exclusive flags), minLength/maxLength, pattern, required, properties, additionalProperties,
 * items, minItems/maxItems, default. Error texts follow gojsonschema ({@code field: description}).
 */
final class JsonSchema {
    /** Keywords {@link #validate} and {@link #insertDefaults} evaluate, and annotations that carry no rule. */
    private static final Set<String> KEYWORDS = Set.of("type", "enum", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "minLength", "maxLength", "pattern", "required", "properties",
            "additionalProperties", "items", "minItems", "maxItems", "default", "description", "title", "examples");

    private JsonSchema() {
    }

    /**
     * Adds {@code field: keyword} to {@code out} for each keyword outside {@link #KEYWORDS} in the schema
     * or in a schema nested in it (properties, items, additionalProperties).
     */
    static void unevaluated(Map<String, Object> schema, String field, List<String> out) {
        schema.keySet().stream().filter(k -> !KEYWORDS.contains(k)).forEach(k -> out.add(field + ": " + k));
        if (schema.get("properties") instanceof Map<?, ?> props) {
            YamlMaps.map(props, field).forEach((k, v) -> {
                if (v instanceof Map<?, ?> sub) {
                    unevaluated(YamlMaps.map(sub, k), field.equals("(root)") ? k : field + "." + k, out);
                }
            });
        }
        if (schema.get("items") instanceof Map<?, ?> items) {
            unevaluated(YamlMaps.map(items, field), field + ".items", out);
        }
        if (schema.get("additionalProperties") instanceof Map<?, ?> extra) {
            unevaluated(YamlMaps.map(extra, field), field + ".additionalProperties", out);
        }
    }

    /** Rejects malformed schemas (bad type names, uncompilable patterns) at charm load time. */
    static void checkSchema(Map<String, Object> schema, String what) {
        Object type = schema.get("type");
        for (Object t : type instanceof List<?> l ? l : type == null ? List.of() : List.of(type)) {
            if (!List.of("string", "integer", "number", "boolean", "array", "object", "null").contains(t)) {
                throw new CharmFileException("invalid " + what + ": unknown type \"" + t + "\"");
            }
        }
        if (schema.get("pattern") != null) {
            try {
                Pattern.compile(String.valueOf(schema.get("pattern")));
            } catch (PatternSyntaxException e) {
                throw new CharmFileException("invalid " + what + ": bad pattern \"" + schema.get("pattern") + "\"");
            }
        }
        if (schema.get("properties") != null) {
            YamlMaps.map(schema.get("properties"), what + " properties").forEach((k, v) ->
                    checkSchema(v == null ? Map.of() : YamlMaps.map(v, what + " param \"" + k + "\""),
                            what + " param \"" + k + "\""));
        }
        if (schema.get("items") instanceof Map<?, ?>) {
            checkSchema(YamlMaps.map(schema.get("items"), what + " items"), what + " items");
        }
    }

    /** The JSON type name of a YAML/JSON value, as gojsonschema reports it. */
    static String typeOf(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
            return "integer";
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) && d == Math.rint(d) ? "integer" : "number";
        }
        if (v instanceof List<?>) {
            return "array";
        }
        if (v instanceof Map<?, ?>) {
            return "object";
        }
        return v.getClass().getSimpleName();
    }

    private static boolean hasType(Object v, String type) {
        String actual = typeOf(v);
        return actual.equals(type) || (type.equals("number") && actual.equals("integer"));
    }

    static void validate(Object value, Map<String, Object> schema, String field, List<String> errors) {
        Object type = schema.get("type");
        if (type != null) {
            List<?> types = type instanceof List<?> l ? l : List.of(type);
            if (types.stream().noneMatch(t -> hasType(value, String.valueOf(t)))) {
                String expected = types.size() == 1 ? String.valueOf(types.get(0))
                        : types.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
                errors.add(field + ": Invalid type. Expected: " + expected + ", given: " + typeOf(value));
                return;
            }
        }
        if (schema.get("enum") instanceof List<?> allowed && allowed.stream().noneMatch(a -> jsonEquals(a, value))) {
            errors.add(field + ": " + leaf(field) + " must be one of the following: "
                    + allowed.stream().map(JsonSchema::json).collect(Collectors.joining(", ")));
        }
        if (value instanceof Number n) {
            checkNumber(new BigDecimal(n.toString()), schema, field, errors);
        }
        if (value instanceof String s) {
            checkString(s, schema, field, errors);
        }
        if (value instanceof List<?> list) {
            checkArray(list, schema, field, errors);
        }
        if (value instanceof Map<?, ?> map) {
            checkObject(YamlMaps.map(map, field), schema, field, errors);
        }
    }

    private static String leaf(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

    private static void checkNumber(BigDecimal n, Map<String, Object> schema, String field, List<String> errors) {
        if (schema.get("minimum") instanceof Number min) {
            boolean exclusive = Boolean.TRUE.equals(schema.get("exclusiveMinimum"));
            int c = n.compareTo(new BigDecimal(min.toString()));
            if (exclusive ? c <= 0 : c < 0) {
                errors.add(field + ": Must be greater than " + (exclusive ? "" : "or equal to ") + min);
            }
        }
        if (schema.get("maximum") instanceof Number max) {
            boolean exclusive = Boolean.TRUE.equals(schema.get("exclusiveMaximum"));
            int c = n.compareTo(new BigDecimal(max.toString()));
            if (exclusive ? c >= 0 : c > 0) {
                errors.add(field + ": Must be less than " + (exclusive ? "" : "or equal to ") + max);
            }
        }
    }

    private static void checkString(String s, Map<String, Object> schema, String field, List<String> errors) {
        int length = s.codePointCount(0, s.length());
        if (schema.get("minLength") instanceof Number min && length < min.intValue()) {
            errors.add(field + ": String length must be greater than or equal to " + min);
        }
        if (schema.get("maxLength") instanceof Number max && length > max.intValue()) {
            errors.add(field + ": String length must be less than or equal to " + max);
        }
        if (schema.get("pattern") != null) {
            String pattern = String.valueOf(schema.get("pattern"));
            if (!Pattern.compile(pattern).matcher(s).find()) {
                errors.add(field + ": Does not match pattern '" + pattern + "'");
            }
        }
    }

    private static void checkArray(List<?> list, Map<String, Object> schema, String field, List<String> errors) {
        if (schema.get("minItems") instanceof Number min && list.size() < min.intValue()) {
            errors.add(field + ": Array must have at least " + min + " items");
        }
        if (schema.get("maxItems") instanceof Number max && list.size() > max.intValue()) {
            errors.add(field + ": Array must have at most " + max + " items");
        }
        if (schema.get("items") instanceof Map<?, ?> items) {
            for (int i = 0; i < list.size(); i++) {
                validate(list.get(i), YamlMaps.map(items, field), field + "." + i, errors);
            }
        }
    }

    private static void checkObject(Map<String, Object> map, Map<String, Object> schema, String field,
                                    List<String> errors) {
        Map<String, Object> props = schema.get("properties") == null ? Map.of()
                : YamlMaps.map(schema.get("properties"), field);
        if (schema.get("required") instanceof List<?> required) {
            for (Object r : required) {
                if (!map.containsKey(String.valueOf(r))) {
                    errors.add(field + ": " + r + " is required");
                }
            }
        }
        Object additional = schema.get("additionalProperties");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            String child = field.equals("(root)") ? e.getKey() : field + "." + e.getKey();
            if (props.containsKey(e.getKey())) {
                Object sub = props.get(e.getKey());
                validate(e.getValue(), sub == null ? Map.of() : YamlMaps.map(sub, child), child, errors);
            } else if (Boolean.FALSE.equals(additional)) {
                errors.add(field + ": Additional property " + e.getKey() + " is not allowed");
            } else if (additional instanceof Map<?, ?> extra) {
                validate(e.getValue(), YamlMaps.map(extra, child), child, errors);
            }
        }
    }

    private static boolean jsonEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        return a == null ? b == null : a.equals(b);
    }

    private static String json(Object v) {
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return String.valueOf(v);
    }

    /** A deep copy of {@code params} with missing properties that have a default filled in (recursively). */
    static Map<String, Object> insertDefaults(Map<String, Object> params, Map<String, Object> schema) {
        Map<String, Object> out = new LinkedHashMap<>(params);
        Map<String, Object> props = schema.get("properties") == null ? Map.of()
                : YamlMaps.map(schema.get("properties"), "properties");
        for (Map.Entry<String, Object> p : props.entrySet()) {
            Map<String, Object> sub = p.getValue() == null ? Map.of() : YamlMaps.map(p.getValue(), p.getKey());
            Object present = out.get(p.getKey());
            if (present == null && sub.containsKey("default")) {
                out.put(p.getKey(), copy(sub.get("default")));
            } else if (present instanceof Map<?, ?> nested) {
                out.put(p.getKey(), insertDefaults(YamlMaps.map(nested, p.getKey()), sub));
            }
        }
        return out;
    }

    private static Object copy(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            YamlMaps.map(m, "default").forEach((k, x) -> c.put(k, copy(x)));
            return c;
        }
        if (v instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(x -> c.add(copy(x)));
            return c;
        }
        return v;
    }
}
