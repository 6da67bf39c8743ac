package dev.charms.runner.model;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * config.yaml: the options with their types and defaults. Parses values given to {@code juju config}
 * as Juju does (Go {@code strconv} rules per type) and rejects unknown keys and wrong types with
 * Juju's messages ({@code unknown option "x"}, {@code option "port" expected int, got "abc"}).
 */
public final class ConfigSchema {
    private static final Set<String> TYPES = Set.of("string", "int", "float", "boolean", "secret");
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");
    private static final Pattern INT = Pattern.compile("[+-]?\\d+");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])");

    private final Map<String, ConfigOption> options;

    private ConfigSchema(Map<String, ConfigOption> options) {
        this.options = Collections.unmodifiableMap(options);
    }

    /** A schema with no options (a charm without config.yaml). */
    public static ConfigSchema empty() {
        return new ConfigSchema(new LinkedHashMap<>());
    }

    /** Parses config.yaml text; defaults are checked against their types. */
    public static ConfigSchema parse(String yaml) {
        Map<String, Object> doc = YamlMaps.load(yaml, "config.yaml");
        if (!doc.containsKey("options")) {
            throw new ModelException("invalid config: empty configuration");
        }
        Map<String, ConfigOption> out = new LinkedHashMap<>();
        Object rawOptions = doc.get("options");
        if (rawOptions == null) {
            return new ConfigSchema(out);
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(rawOptions, "config.yaml options").entrySet()) {
            String name = e.getKey();
            Map<String, Object> spec = e.getValue() == null ? Map.of()
                    : YamlMaps.map(e.getValue(), "config.yaml option \"" + name + "\"");
            String type = spec.get("type") == null ? "string" : String.valueOf(spec.get("type"));
            if (!TYPES.contains(type)) {
                throw new ModelException("invalid config: option \"" + name + "\" has unknown type \"" + type + "\"");
            }
            Object def = spec.get("default");
            Object typedDefault = def == null ? null : typed(name, type, def, "invalid config default: ");
            out.put(name, new ConfigOption(name, type, spec.get("description") == null ? ""
                    : String.valueOf(spec.get("description")), typedDefault));
        }
        return new ConfigSchema(out);
    }

    /** Converts a YAML value to the option's Java type (Long, Double, Boolean or String) or fails. */
    private static Object typed(String name, String type, Object value, String prefix) {
        switch (type) {
            case "string", "secret" -> {
                if (value instanceof String) {
                    return value;
                }
            }
            case "int" -> {
                if (value instanceof Integer || value instanceof Long) {
                    return ((Number) value).longValue();
                }
            }
            case "float" -> {
                if (value instanceof Number n && !(value instanceof BigInteger)) {
                    return n.doubleValue();
                }
            }
            case "boolean" -> {
                if (value instanceof Boolean) {
                    return value;
                }
            }
            default -> throw new IllegalStateException(type);
        }
        throw new ModelException(prefix + "option \"" + name + "\" expected " + type + ", got " + goValue(value));
    }

    private static String goValue(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    /** All options by name, in file order. */
    public Map<String, ConfigOption> options() {
        return options;
    }

    public Optional<ConfigOption> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    /** The option or {@code unknown option "x"}. */
    public ConfigOption require(String name) {
        ConfigOption o = options.get(name);
        if (o == null) {
            throw new ModelException("unknown option \"" + name + "\"");
        }
        return o;
    }

    /** Options with a non-null default, typed. */
    public Map<String, Object> defaults() {
        Map<String, Object> out = new TreeMap<>();
        options.values().stream().filter(o -> o.defaultValue() != null)
                .forEach(o -> out.put(o.name(), o.defaultValue()));
        return out;
    }

    /**
     * Parses {@code juju config} string values. A value of an unknown key or of the wrong type throws
     * {@link ModelException}; an empty value for a non-string option maps to null (reset to default).
     */
    public Map<String, Object> parse(Map<String, String> raw) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : new TreeMap<>(raw).keySet()) {
            ConfigOption option = require(name);
            out.put(name, parseValue(option, raw.get(name)));
        }
        return out;
    }

    private static Object parseValue(ConfigOption option, String str) {
        String type = option.type();
        if (type.equals("string") || type.equals("secret")) {
            return str;
        }
        if (str.isEmpty()) {
            return null;
        }
        switch (type) {
            case "int" -> {
                if (INT.matcher(str).matches()) {
                    try {
                        return Long.parseLong(str);
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
            case "float" -> {
                if (FLOAT.matcher(str).matches()) {
                    String s = str.toLowerCase();
                    if (s.contains("inf")) {
                        return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    }
                    return s.contains("nan") ? Double.NaN : Double.parseDouble(str);
                }
            }
            case "boolean" -> {
                if (TRUE.contains(str)) {
                    return true;
                }
                if (FALSE.contains(str)) {
                    return false;
                }
            }
            default -> throw new IllegalStateException(type);
        }
        throw new ModelException("option \"" + option.name() + "\" expected " + type + ", got \"" + str + "\"");
    }
}
