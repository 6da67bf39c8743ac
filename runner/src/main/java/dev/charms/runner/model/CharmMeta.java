package dev.charms.runner.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of metadata.yaml the runner needs: name, relation endpoints (peers/provides/requires with
 * interface), extra bindings, resources and storage.
 */
public final class CharmMeta {
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:(-)(\\d+)?|(\\+))?");

    private final String name;
    private final boolean subordinate;
    private final Map<String, EndpointSpec> endpoints;
    private final Map<String, String> extraBindings;
    private final Map<String, ResourceSpec> resources;
    private final Map<String, StorageSpec> storage;

    private CharmMeta(String name, boolean subordinate, Map<String, EndpointSpec> endpoints,
                      Map<String, String> extraBindings, Map<String, ResourceSpec> resources,
                      Map<String, StorageSpec> storage) {
        this.name = name;
        this.subordinate = subordinate;
        this.endpoints = Collections.unmodifiableMap(endpoints);
        this.extraBindings = Collections.unmodifiableMap(extraBindings);
        this.resources = Collections.unmodifiableMap(resources);
        this.storage = Collections.unmodifiableMap(storage);
    }

    /** Parses metadata.yaml text; throws {@link ModelException} naming the offending key. */
    public static CharmMeta parse(String yaml) {
        Map<String, Object> doc = YamlMaps.load(yaml, "metadata.yaml");
        for (String required : new String[] {"name", "summary", "description"}) {
            if (!(doc.get(required) instanceof String)) {
                throw new ModelException("invalid metadata.yaml: \"" + required + "\" must be a string");
            }
        }
        Map<String, EndpointSpec> endpoints = new LinkedHashMap<>();
        addEndpoints(doc, "peers", EndpointSpec.Role.PEER, endpoints);
        addEndpoints(doc, "provides", EndpointSpec.Role.PROVIDER, endpoints);
        addEndpoints(doc, "requires", EndpointSpec.Role.REQUIRER, endpoints);
        Map<String, String> extra = new LinkedHashMap<>();
        if (doc.get("extra-bindings") != null) {
            YamlMaps.map(doc.get("extra-bindings"), "metadata.yaml extra-bindings").keySet()
                    .forEach(k -> extra.put(k, k));
        }
        return new CharmMeta((String) doc.get("name"), Boolean.TRUE.equals(doc.get("subordinate")), endpoints,
                extra, resources(doc), storage(doc));
    }

    private static void addEndpoints(Map<String, Object> doc, String section, EndpointSpec.Role role,
                                     Map<String, EndpointSpec> out) {
        Object raw = doc.get(section);
        if (raw == null) {
            return;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(raw, "metadata.yaml " + section).entrySet()) {
            String ep = e.getKey();
            String what = "metadata.yaml " + section + "." + ep;
            if (ep.equals("juju") || ep.startsWith("juju-")) {
                throw new ModelException("invalid " + what + ": endpoint name \"" + ep + "\" is reserved");
            }
            if (out.containsKey(ep)) {
                throw new ModelException("invalid " + what + ": endpoint \"" + ep + "\" declared twice");
            }
            EndpointSpec spec;
            if (e.getValue() instanceof String iface) {
                spec = new EndpointSpec(ep, role, iface, 0, false, "global");
            } else {
                Map<String, Object> m = YamlMaps.map(e.getValue(), what);
                String iface = YamlMaps.string(m.get("interface"), what + ".interface");
                if (iface.isEmpty()) {
                    throw new ModelException("invalid " + what + ": \"interface\" is required");
                }
                int limit = m.get("limit") instanceof Integer i ? i : 0;
                boolean optional = Boolean.TRUE.equals(m.get("optional"));
                String scope = m.get("scope") == null ? "global" : YamlMaps.string(m.get("scope"), what + ".scope");
                spec = new EndpointSpec(ep, role, iface, limit, optional, scope);
            }
            out.put(ep, spec);
        }
    }

    private static Map<String, ResourceSpec> resources(Map<String, Object> doc) {
        Map<String, ResourceSpec> out = new LinkedHashMap<>();
        if (doc.get("resources") == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(doc.get("resources"), "metadata.yaml resources").entrySet()) {
            String what = "metadata.yaml resources." + e.getKey();
            Map<String, Object> m = e.getValue() == null ? Map.of() : YamlMaps.map(e.getValue(), what);
            String type = m.get("type") == null ? "file" : YamlMaps.string(m.get("type"), what + ".type");
            if (!type.equals("file") && !type.equals("oci-image")) {
                throw new ModelException("invalid " + what + ": unknown resource type \"" + type + "\"");
            }
            String filename = YamlMaps.string(m.get("filename"), what + ".filename");
            if (type.equals("file") && filename.isEmpty()) {
                throw new ModelException("invalid " + what + ": \"filename\" is required for file resources");
            }
            out.put(e.getKey(), new ResourceSpec(e.getKey(), type, filename,
                    YamlMaps.string(m.get("description"), what + ".description")));
        }
        return out;
    }

    private static Map<String, StorageSpec> storage(Map<String, Object> doc) {
        Map<String, StorageSpec> out = new LinkedHashMap<>();
        if (doc.get("storage") == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(doc.get("storage"), "metadata.yaml storage").entrySet()) {
            String what = "metadata.yaml storage." + e.getKey();
            Map<String, Object> m = YamlMaps.map(e.getValue(), what);
            String type = YamlMaps.string(m.get("type"), what + ".type");
            if (!type.equals("filesystem") && !type.equals("block")) {
                throw new ModelException("invalid " + what + ": type must be filesystem or block, got \"" + type + "\"");
            }
            int min = 1;
            int max = 1;
            if (m.get("multiple") != null) {
                Object range = YamlMaps.map(m.get("multiple"), what + ".multiple").get("range");
                Matcher r = RANGE.matcher(String.valueOf(range));
                if (!r.matches()) {
                    throw new ModelException("invalid " + what + ".multiple.range: \"" + range + "\"");
                }
                min = Integer.parseInt(r.group(1));
                max = r.group(4) != null || (r.group(2) != null && r.group(3) == null) ? -1
                        : r.group(3) != null ? Integer.parseInt(r.group(3)) : min;
            }
            out.put(e.getKey(), new StorageSpec(e.getKey(), type,
                    YamlMaps.string(m.get("location"), what + ".location"), min, max));
        }
        return out;
    }

    public String name() {
        return name;
    }

    public boolean subordinate() {
        return subordinate;
    }

    /** All relation endpoints by name, in declaration order (peers, provides, requires). */
    public Map<String, EndpointSpec> endpoints() {
        return endpoints;
    }

    public Optional<EndpointSpec> endpoint(String endpointName) {
        return Optional.ofNullable(endpoints.get(endpointName));
    }

    /** Extra binding names (network-get accepts them as well as endpoint names). */
    public Map<String, String> extraBindings() {
        return extraBindings;
    }

    /** Whether {@code binding} names an endpoint or an extra binding. */
    public boolean hasBinding(String binding) {
        return endpoints.containsKey(binding) || extraBindings.containsKey(binding);
    }

    public Map<String, ResourceSpec> resources() {
        return resources;
    }

    public Map<String, StorageSpec> storage() {
        return storage;
    }
}
