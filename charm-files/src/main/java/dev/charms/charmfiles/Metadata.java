package dev.charms.charmfiles;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * metadata.yaml: name, relation endpoints (peers/provides/requires with interface), extra bindings,
 * resources and storage, checked as Juju checks them when it reads a charm.
 */
public final class Metadata {
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:(-)(\\d+)?|(\\+))?");

    private final String name;
    private final Map<String, Endpoint> endpoints;
    private final Set<String> extraBindings;
    private final Map<String, Resource> resources;
    private final Map<String, Storage> storage;

    private Metadata(String name, Map<String, Endpoint> endpoints, Set<String> extraBindings,
                     Map<String, Resource> resources, Map<String, Storage> storage) {
        this.name = name;
        this.endpoints = Collections.unmodifiableMap(endpoints);
        this.extraBindings = Collections.unmodifiableSet(extraBindings);
        this.resources = Collections.unmodifiableMap(resources);
        this.storage = Collections.unmodifiableMap(storage);
    }

    /** Parses metadata.yaml text; throws {@link CharmFileException} naming the offending key. */
    public static Metadata parse(String yaml) {
        Map<String, Object> doc = YamlMaps.load(yaml, "metadata.yaml");
        for (String required : new String[] {"name", "summary", "description"}) {
            if (!(doc.get(required) instanceof String)) {
                throw new CharmFileException("invalid metadata.yaml: \"" + required + "\" must be a string");
            }
        }
        Map<String, Endpoint> endpoints = new LinkedHashMap<>();
        for (Endpoint.Role role : Endpoint.Role.values()) {
            addEndpoints(doc, role, endpoints);
        }
        Set<String> extra = new LinkedHashSet<>();
        if (doc.get("extra-bindings") != null) {
            extra.addAll(YamlMaps.map(doc.get("extra-bindings"), "metadata.yaml extra-bindings").keySet());
        }
        return new Metadata((String) doc.get("name"), endpoints,
                extra, resources(doc), storage(doc));
    }

    private static void addEndpoints(Map<String, Object> doc, Endpoint.Role role, Map<String, Endpoint> out) {
        String section = role.section();
        Object raw = doc.get(section);
        if (raw == null) {
            return;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(raw, "metadata.yaml " + section).entrySet()) {
            String ep = e.getKey();
            String what = "metadata.yaml " + section + "." + ep;
            if (ep.equals("juju") || ep.startsWith("juju-")) {
                throw new CharmFileException("invalid " + what + ": endpoint name \"" + ep + "\" is reserved");
            }
            if (out.containsKey(ep)) {
                throw new CharmFileException("invalid " + what + ": endpoint \"" + ep + "\" declared twice");
            }
            Endpoint spec;
            if (e.getValue() instanceof String iface) {
                spec = new Endpoint(ep, role, iface, 0, false, "global");
            } else {
                Map<String, Object> m = YamlMaps.map(e.getValue(), what);
                String iface = YamlMaps.string(m.get("interface"), what + ".interface");
                if (iface.isEmpty()) {
                    throw new CharmFileException("invalid " + what + ": \"interface\" is required");
                }
                int limit = m.get("limit") instanceof Integer i ? i : 0;
                boolean optional = Boolean.TRUE.equals(m.get("optional"));
                String scope = m.get("scope") == null ? "global" : YamlMaps.string(m.get("scope"), what + ".scope");
                spec = new Endpoint(ep, role, iface, limit, optional, scope);
            }
            out.put(ep, spec);
        }
    }

    private static Map<String, Resource> resources(Map<String, Object> doc) {
        Map<String, Resource> out = new LinkedHashMap<>();
        if (doc.get("resources") == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(doc.get("resources"), "metadata.yaml resources").entrySet()) {
            String what = "metadata.yaml resources." + e.getKey();
            Map<String, Object> m = e.getValue() == null ? Map.of() : YamlMaps.map(e.getValue(), what);
            String type = m.get("type") == null ? "file" : YamlMaps.string(m.get("type"), what + ".type");
            if (!type.equals("file") && !type.equals("oci-image")) {
                throw new CharmFileException("invalid " + what + ": unknown resource type \"" + type + "\"");
            }
            String filename = YamlMaps.string(m.get("filename"), what + ".filename");
            if (type.equals("file") && filename.isEmpty()) {
                throw new CharmFileException("invalid " + what + ": \"filename\" is required for file resources");
            }
            out.put(e.getKey(), new Resource(e.getKey(), type, filename,
                    YamlMaps.string(m.get("description"), what + ".description")));
        }
        return out;
    }

    private static Map<String, Storage> storage(Map<String, Object> doc) {
        Map<String, Storage> out = new LinkedHashMap<>();
        if (doc.get("storage") == null) {
            return out;
        }
        for (Map.Entry<String, Object> e : YamlMaps.map(doc.get("storage"), "metadata.yaml storage").entrySet()) {
            String what = "metadata.yaml storage." + e.getKey();
            Map<String, Object> m = YamlMaps.map(e.getValue(), what);
            String type = YamlMaps.string(m.get("type"), what + ".type");
            if (!type.equals("filesystem") && !type.equals("block")) {
                throw new CharmFileException("invalid " + what + ": type must be filesystem or block, got \"" + type + "\"");
            }
            int min = 1;
            int max = 1;
            if (m.get("multiple") != null) {
                Object range = YamlMaps.map(m.get("multiple"), what + ".multiple").get("range");
                Matcher r = RANGE.matcher(String.valueOf(range));
                if (!r.matches()) {
                    throw new CharmFileException("invalid " + what + ".multiple.range: \"" + range + "\"");
                }
                min = Integer.parseInt(r.group(1));
                max = r.group(4) != null || (r.group(2) != null && r.group(3) == null) ? -1
                        : r.group(3) != null ? Integer.parseInt(r.group(3)) : min;
            }
            long minimumSize = 0;
            if (m.get("minimum-size") != null) {
                try {
                    minimumSize = Storage.parseSizeMb(String.valueOf(m.get("minimum-size")));
                } catch (IllegalArgumentException bad) {
                    throw new CharmFileException("invalid " + what + ".minimum-size: " + bad.getMessage());
                }
            }
            out.put(e.getKey(), new Storage(e.getKey(), type,
                    YamlMaps.string(m.get("location"), what + ".location"), min, max, minimumSize));
        }
        return out;
    }

    /** The charm name (the default application name). */
    public String name() {
        return name;
    }

    /** All relation endpoints by name, in declaration order (peers, provides, requires). */
    public Map<String, Endpoint> endpoints() {
        return endpoints;
    }

    public Optional<Endpoint> endpoint(String endpointName) {
        return Optional.ofNullable(endpoints.get(endpointName));
    }

    /** Extra binding names (network-get accepts them as well as endpoint names). */
    public Set<String> extraBindings() {
        return extraBindings;
    }

    /** Whether {@code binding} names an endpoint or an extra binding. */
    public boolean hasBinding(String binding) {
        return endpoints.containsKey(binding) || extraBindings.contains(binding);
    }

    public Map<String, Resource> resources() {
        return resources;
    }

    public Map<String, Storage> storage() {
        return storage;
    }
}
