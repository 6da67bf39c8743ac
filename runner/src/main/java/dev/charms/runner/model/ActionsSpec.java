package dev.charms.runner.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * actions.yaml: the actions with their parameter schemas. Each action's schema is wrapped the way Juju
 * does ({@code {type: object, title: <name>, properties: <params>, additionalProperties: false, ...}}) so
 * unknown params are rejected unless the spec sets {@code additionalProperties: true}.
 */
public final class ActionsSpec {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");

    /** One action: its description, whether it may run in parallel, and its full JSON schema. */
    public record Action(String name, String description, boolean parallel, Map<String, Object> schema) {
    }

    private final Map<String, Action> actions;

    private ActionsSpec(Map<String, Action> actions) {
        this.actions = Collections.unmodifiableMap(actions);
    }

    public static ActionsSpec empty() {
        return new ActionsSpec(new LinkedHashMap<>());
    }

    /** Parses actions.yaml text; throws {@link ModelException} naming the action and the problem. */
    public static ActionsSpec parse(String yaml) {
        Map<String, Object> doc = YamlMaps.load(yaml, "actions.yaml");
        Map<String, Action> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            String name = e.getKey();
            String what = "actions.yaml action \"" + name + "\"";
            if (!NAME.matcher(name).matches() || name.equals("juju") || name.startsWith("juju-")) {
                throw new ModelException("invalid " + what + ": bad action name");
            }
            Map<String, Object> spec = e.getValue() == null ? Map.of() : YamlMaps.map(e.getValue(), what);
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", "object");
            schema.put("title", name);
            schema.put("additionalProperties", false);
            String description = "No description";
            boolean parallel = false;
            for (Map.Entry<String, Object> s : spec.entrySet()) {
                switch (s.getKey()) {
                    case "$ref", "$schema" -> throw new ModelException("invalid " + what + ": schema key \""
                            + s.getKey() + "\" not compatible with this version of juju");
                    case "description" -> {
                        description = YamlMaps.string(s.getValue(), what + " description");
                        schema.put("description", description);
                    }
                    case "params" -> schema.put("properties", s.getValue() == null ? Map.of()
                            : YamlMaps.map(s.getValue(), what + " params"));
                    case "parallel" -> parallel = Boolean.TRUE.equals(s.getValue());
                    case "execution-group" -> YamlMaps.string(s.getValue(), what + " execution-group");
                    default -> schema.put(s.getKey(), s.getValue());
                }
            }
            schema.putIfAbsent("description", description);
            schema.putIfAbsent("properties", Map.of());
            JsonSchema.checkSchema(schema, what);
            out.put(name, new Action(name, description, parallel, schema));
        }
        return new ActionsSpec(out);
    }

    public Map<String, Action> actions() {
        return actions;
    }

    public Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /**
     * Validates {@code params} of action {@code name} against its schema and returns a copy with schema
     * defaults inserted. Throws {@link ModelException}
     * ({@code validation failed: (root): Additional property x is not allowed; ...}) when invalid.
     */
    public Map<String, Object> validate(String name, Map<String, Object> params) {
        Action action = actions.get(name);
        if (action == null) {
            throw new ModelException("action \"" + name + "\" not defined");
        }
        List<String> errors = new ArrayList<>();
        JsonSchema.validate(params, action.schema(), "(root)", errors);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new ModelException("validation failed: " + String.join("; ", errors));
        }
        return JsonSchema.insertDefaults(params, action.schema());
    }
}
