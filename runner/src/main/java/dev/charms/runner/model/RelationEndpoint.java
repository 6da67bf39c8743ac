package dev.charms.runner.model;

import dev.charms.charmfiles.Endpoint;

/** One side of a relation: an application's endpoint. */
public record RelationEndpoint(String application, Endpoint spec) {
    /** The endpoint name, e.g. {@code db}. */
    public String name() {
        return spec.name();
    }

    /** {@code app:endpoint}, as {@code juju integrate} and {@code juju status} write it. */
    @Override
    public String toString() {
        return application + ":" + spec.name();
    }
}
