package dev.charms.charmfiles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * config.yaml: the options with their types and defaults. Parses values given to {@code juju config}
 * as Juju does (see {@link ConfigOption#parse}) and rejects unknown keys and wrong types with
 * Juju's messages ({@code unknown option "x"}, {@code option "port" expected int, got "abc"}).
 */
public final class ConfigSchema {
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
            throw new CharmFileException("invalid config: empty configuration");
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
            if (!ConfigOption.TYPES.contains(type)) {
                throw new CharmFileException("invalid config: option \"" + name + "\" has unknown type \"" + type + "\"");
            }
            String description = spec.get("description") == null ? "" : String.valueOf(spec.get("description"));
            ConfigOption untyped = new ConfigOption(name, type, description, null);
            Object def = spec.get("default");
            Object typedDefault = def == null ? null : untyped.typed(def).orElseThrow(() -> new CharmFileException(
                    "invalid config default: option \"" + name + "\" expected " + type + ", got " + goValue(def)));
            out.put(name, new ConfigOption(name, type, description, typedDefault));
        }
        return new ConfigSchema(out);
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
            throw new CharmFileException("unknown option \"" + name + "\"");
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
     * {@link CharmFileException}; an empty value for a non-string option maps to null (reset to default).
     */
    public Map<String, Object> parse(Map<String, String> raw) {
        Map<String, Object> out = new TreeMap<>();
        for (String name : new TreeMap<>(raw).keySet()) {
            ConfigOption option = require(name);
            out.put(name, option.parse(raw.get(name)));
        }
        return out;
    }
}
