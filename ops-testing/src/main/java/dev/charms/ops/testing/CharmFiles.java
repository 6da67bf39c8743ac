package dev.charms.ops.testing;

import dev.charms.ops.CharmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What the harness knows about a charm from its own files: metadata.yaml (endpoints and their roles,
 * extra bindings, storage, resources), config.yaml (option types and defaults) and actions.yaml (parameter
 * schemas). Parsed with SnakeYAML, which is fine here: only tests load it.
 */
public final class CharmFiles {
    /** A relation endpoint from metadata.yaml: role is {@code peers}, {@code provides} or {@code requires}. */
    public record Endpoint(String name, String role, String interfaceName, Integer limit) {
    }

    /** A storage from metadata.yaml. */
    public record Storage(String name, String type, String location) {
    }

    private final Path dir;
    private final String name;
    private final Map<String, Endpoint> endpoints;
    private final Set<String> extraBindings;
    private final Map<String, Storage> storages;
    private final Set<String> resources;
    private final Map<String, ConfigOption> options;
    private final Map<String, ActionSpec> actions;

    private CharmFiles(Path dir, String name, Map<String, Endpoint> endpoints, Set<String> extraBindings,
                       Map<String, Storage> storages, Set<String> resources, Map<String, ConfigOption> options,
                       Map<String, ActionSpec> actions) {
        this.dir = dir;
        this.name = name;
        this.endpoints = Collections.unmodifiableMap(endpoints);
        this.extraBindings = Collections.unmodifiableSet(extraBindings);
        this.storages = Collections.unmodifiableMap(storages);
        this.resources = Collections.unmodifiableSet(resources);
        this.options = Collections.unmodifiableMap(options);
        this.actions = Collections.unmodifiableMap(actions);
    }

    /** Reads metadata.yaml (required), config.yaml and actions.yaml (optional) from a charm directory. */
    public static CharmFiles load(Path dir) {
        Map<String, Object> meta = yaml(dir.resolve("metadata.yaml"), true);
        String name = meta.get("name") instanceof String s && !s.isBlank() ? s : null;
        if (name == null) {
            throw new IllegalArgumentException(dir.resolve("metadata.yaml") + ": 'name' is missing");
        }
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (String role : List.of("peers", "provides", "requires")) {
            section(meta, role, "metadata.yaml").forEach((ep, spec) -> {
                if (ep.equals("juju") || ep.startsWith("juju-")) {
                    throw new IllegalArgumentException("metadata.yaml: endpoint name '" + ep + "' is reserved");
                }
                if (endpoints.containsKey(ep)) {
                    throw new IllegalArgumentException("metadata.yaml: endpoint '" + ep + "' is declared twice");
                }
                String iface = spec instanceof String s ? s : spec instanceof Map<?, ?> m && m.get("interface")
                        instanceof String s2 ? s2 : null;
                if (iface == null) {
                    throw new IllegalArgumentException("metadata.yaml: endpoint '" + ep + "' has no interface");
                }
                Integer limit = spec instanceof Map<?, ?> m && m.get("limit") instanceof Integer l ? l : null;
                endpoints.put(ep, new Endpoint(ep, role, iface, limit));
            });
        }
        Set<String> extra = new TreeSet<>(section(meta, "extra-bindings", "metadata.yaml").keySet());
        Map<String, Storage> storages = new LinkedHashMap<>();
        section(meta, "storage", "metadata.yaml").forEach((s, spec) -> {
            Map<?, ?> m = spec instanceof Map<?, ?> mm ? mm : Map.of();
            String type = m.get("type") instanceof String t ? t : "filesystem";
            String location = m.get("location") instanceof String l ? l : null;
            storages.put(s, new Storage(s, type, location));
        });
        Set<String> resources = new TreeSet<>(section(meta, "resources", "metadata.yaml").keySet());

        Map<String, ConfigOption> options = new LinkedHashMap<>();
        Map<String, Object> config = yaml(dir.resolve("config.yaml"), false);
        if (config != null) {
            section(config, "options", "config.yaml").forEach((opt, spec) -> {
                Map<?, ?> m = spec instanceof Map<?, ?> mm ? mm : Map.of();
                options.put(opt, new ConfigOption(opt, (String) m.get("type"), m.get("default")));
            });
        }
        Map<String, ActionSpec> actions = new LinkedHashMap<>();
        Map<String, Object> acts = yaml(dir.resolve("actions.yaml"), false);
        if (acts != null) {
            acts.forEach((action, spec) -> actions.put(action, actionSpec(action, spec)));
        }
        return new CharmFiles(dir, name, endpoints, extra, storages, resources, options, actions);
    }

    @SuppressWarnings("unchecked")
    private static ActionSpec actionSpec(String action, Object spec) {
        if (!action.matches("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$") || action.equals("juju")
                || action.startsWith("juju-")) {
            throw new IllegalArgumentException("actions.yaml: bad action name '" + action + "'");
        }
        Map<String, Object> m = spec instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
        Map<String, Map<String, Object>> params = new LinkedHashMap<>();
        if (m.get("params") instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put(String.valueOf(k),
                    v instanceof Map<?, ?> vm ? (Map<String, Object>) vm : Map.of()));
        }
        List<String> required = new ArrayList<>();
        if (m.get("required") instanceof List<?> r) {
            r.forEach(x -> required.add(String.valueOf(x)));
        }
        return new ActionSpec(action, params, required, Boolean.TRUE.equals(m.get("additionalProperties")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> doc, String key, String file) {
        Object v = doc.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + ": '" + key + "' must be a map");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(Path file, boolean required) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalArgumentException("cannot read " + file + ": no such file");
            }
            return null;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage().lines().findFirst()
                    .orElse(""));
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        if (!(doc instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(file + " must hold a YAML map");
        }
        return (Map<String, Object>) doc;
    }

    /**
     * Fails unless the {@link CharmSpec} declared in code says exactly what the YAML files say, so the
     * fast path of a hook (which never parses YAML) cannot drift from the charm's metadata.
     */
    public void checkSpec(CharmSpec spec) {
        Set<String> peers = new TreeSet<>();
        endpoints.values().stream().filter(e -> e.role().equals("peers")).forEach(e -> peers.add(e.name()));
        compare("peer endpoints", peers, spec.peers());
        compare("endpoints", endpoints.keySet(), spec.endpoints());
        compare("storages", storages.keySet(), spec.storages());
        compare("actions", actions.keySet(), spec.actions());
    }

    private void compare(String what, Set<String> files, Set<String> code) {
        if (!new TreeSet<>(files).equals(new TreeSet<>(code))) {
            throw new IllegalArgumentException("CharmSpec " + what + " " + new TreeSet<>(code) + " differ from the"
                    + " charm's YAML files in " + dir + ": " + new TreeSet<>(files));
        }
    }

    public Path dir() {
        return dir;
    }

    /** The charm name from metadata.yaml (the default application name). */
    public String name() {
        return name;
    }

    public Map<String, Endpoint> endpoints() {
        return endpoints;
    }

    public Set<String> extraBindings() {
        return extraBindings;
    }

    /** Names a unit may pass to {@code network-get}: every endpoint and extra binding. */
    public Set<String> bindings() {
        Set<String> all = new LinkedHashSet<>(endpoints.keySet());
        all.addAll(extraBindings);
        return all;
    }

    public Map<String, Storage> storages() {
        return storages;
    }

    public Set<String> resources() {
        return resources;
    }

    public Map<String, ConfigOption> options() {
        return options;
    }

    public Map<String, ActionSpec> actions() {
        return actions;
    }
}
