package dev.charms.runner.model;

import dev.charms.charmfiles.Metadata;
import dev.charms.charmfiles.Resource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A deployed charm's metadata.yaml, with its endpoints and storage as the controller and the model use them. */
public final class CharmMeta {
    private final Metadata metadata;
    private final Map<String, EndpointSpec> endpoints = new LinkedHashMap<>();
    private final Map<String, StorageSpec> storage = new LinkedHashMap<>();

    CharmMeta(Metadata metadata) {
        this.metadata = metadata;
        metadata.endpoints().forEach((name, e) -> endpoints.put(name, new EndpointSpec(e)));
        metadata.storage().forEach((name, s) -> storage.put(name, new StorageSpec(s)));
    }

    public String name() {
        return metadata.name();
    }

    /** All relation endpoints by name, in declaration order (peers, provides, requires). */
    public Map<String, EndpointSpec> endpoints() {
        return Collections.unmodifiableMap(endpoints);
    }

    public Optional<EndpointSpec> endpoint(String endpointName) {
        return Optional.ofNullable(endpoints.get(endpointName));
    }

    /** Whether {@code binding} names an endpoint or an extra binding. */
    public boolean hasBinding(String binding) {
        return metadata.hasBinding(binding);
    }

    public Map<String, Resource> resources() {
        return metadata.resources();
    }

    public Map<String, StorageSpec> storage() {
        return Collections.unmodifiableMap(storage);
    }
}
