package dev.charms.runner.model;

import dev.charms.charmfiles.Endpoint;

/** A relation endpoint of a deployed charm, as the controller and the model match relations on it. */
public record EndpointSpec(Endpoint endpoint) {
    /** The endpoint name, e.g. {@code cluster}. */
    public String name() {
        return endpoint.name();
    }

    /** Peer, provider or requirer. */
    public Endpoint.Role role() {
        return endpoint.role();
    }

    /** The interface, e.g. {@code etcd-peer}. */
    public String interfaceName() {
        return endpoint.interfaceName();
    }
}
