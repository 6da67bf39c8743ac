package dev.charms.runner.controller;

import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;

/**
 * A relation as one unit sees it: its id, the unit's own endpoint, the application on the other side
 * (its own for a peer relation) and whether it is a peer relation.
 */
record RelationView(int id, String endpoint, String remoteApp, boolean peer) {
    /** {@code r} as the units of application {@code app} see it. */
    static RelationView of(Relation r, String app) {
        RelationEndpoint ep = r.endpointOf(app).orElseThrow();
        return new RelationView(r.id(), ep.name(), r.remoteApplication(app), r.isPeer());
    }
}
