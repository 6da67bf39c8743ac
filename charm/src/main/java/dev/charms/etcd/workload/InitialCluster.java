package dev.charms.etcd.workload;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** etcd's {@code initial-cluster} string: {@code name=peerURL[,name=peerURL...]}, in a stable order. */
public final class InitialCluster {
    private InitialCluster() {
    }

    /** Formats members (name to peer URLs, in iteration order); a member with two URLs appears twice. */
    public static String format(Map<String, List<URI>> members) {
        List<String> parts = new ArrayList<>();
        members.forEach((name, urls) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("initial-cluster member with peer URLs " + urls + " has no name");
            }
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("initial-cluster member '" + name + "' has no peer URL");
            }
            urls.forEach(u -> parts.add(name + "=" + u));
        });
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("initial-cluster needs at least one member");
        }
        return String.join(",", parts);
    }

    /** Parses an initial-cluster string into name to peer URLs, keeping order. */
    public static Map<String, List<URI>> parse(String text) {
        Map<String, List<URI>> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0 || eq == part.length() - 1) {
                throw new IllegalArgumentException("initial-cluster entry '" + part.strip() + "' is not name=peerURL");
            }
            URI url;
            try {
                url = URI.create(part.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("initial-cluster entry '" + part.strip() + "' has a bad URL");
            }
            out.computeIfAbsent(part.substring(0, eq).strip(), k -> new ArrayList<>()).add(url);
        }
        return out;
    }
}
