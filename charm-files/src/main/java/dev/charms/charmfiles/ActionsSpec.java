package dev.charms.charmfiles;

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
 * unknown params are rejected unless the spec sets {@code additionalProperties: true}. Params are checked
 * as Juju checks them for {@code juju run} (see {@link #validate}).
 */
public final class ActionsSpec {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");

    /**
     * One action: its description, whether it may run in parallel, and its full JSON schema.
     *
     * @param unevaluatedKeywords schema keywords no check here evaluates, as {@code field: keyword}
     *                            ({@code (root)} for the action itself); Juju accepts them, a stricter
     *                            reader may refuse them
     */
    public record Action(String name, String description, boolean parallel, Map<String, Object> schema,
                         List<String> unevaluatedKeywords) {
    }

    private final Map<String, Action> actions;

    private ActionsSpec(Map<String, Action> actions) {
        this.actions = Collections.unmodifiableMap(actions);
    }

    /** No actions (a charm without actions.yaml). */
    public static ActionsSpec empty() {
        return new ActionsSpec(new LinkedHashMap<>());
    }

    /** Parses actions.yaml text; throws {@link CharmFileException} naming the action and the problem. */
    public static ActionsSpec parse(String yaml) {
        Map<String, Object> doc = YamlMaps.load(yaml, "actions.yaml");
        Map<String, Action> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : doc.entrySet()) {
            String name = e.getKey();
            String what = "actions.yaml action \"" + name + "\"";
            if (!NAME.matcher(name).matches() || name.equals("juju") || name.startsWith("juju-")) {
                throw new CharmFileException("invalid " + what + ": bad action name");
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
                    case "$ref", "$schema" -> throw new CharmFileException("invalid " + what + ": schema key \""
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
            List<String> unevaluated = new ArrayList<>();
            JsonSchema.unevaluated(schema, "(root)", unevaluated);
            out.put(name, new Action(name, description, parallel, schema, List.copyOf(unevaluated)));
        }
        return new ActionsSpec(out);
    }

    /** All actions by name, in file order. */
    public Map<String, Action> actions() {
        return actions;
    }

    public Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /**
     * Validates {@code params} of action {@code name} against its schema and returns a copy with schema
     * defaults inserted. Throws {@link CharmFileException}
     * ({@code validation failed: (root): Additional property x is not allowed; ...}) when invalid, with
     * every problem gojsonschema would report, sorted.
     */
    public Map<String, Object> validate(String name, Map<String, Object> params) {
        Action action = actions.get(name);
        if (action == null) {
            throw new CharmFileException("action \"" + name + "\" not defined");
        }
        List<String> errors = new ArrayList<>();
        JsonSchema.validate(params, action.schema(), "(root)", errors);
        if (!errors.isEmpty()) {
            Collections.sort(errors);
            throw new CharmFileException("validation failed: " + String.join("; ", errors));
        }
        return JsonSchema.insertDefaults(params, action.schema());
    }
}
