package dev.charms.ops;

import java.util.Set;

/**
 * What a charm declares in metadata.yaml and actions.yaml, as far as dispatch needs it: relation
 * endpoints (and which are peers), storage names and action names. Declared in code so a hook need not parse YAML at
 * start-up; a unit test keeps it equal to the YAML files.
 */
public record CharmSpec(Set<String> peers, Set<String> endpoints, Set<String> storages, Set<String> actions) {
    /** {@code endpoints} must include the peer endpoints. */
    public CharmSpec {
        peers = Set.copyOf(peers);
        endpoints = Set.copyOf(endpoints);
        if (!endpoints.containsAll(peers)) {
            throw new IllegalArgumentException("peer endpoints must be listed among the endpoints");
        }
        storages = Set.copyOf(storages);
        actions = Set.copyOf(actions);
    }
}
