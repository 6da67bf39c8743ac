package dev.charms.runner.controller;

import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Secret;
import dev.charms.runner.model.UnitNames;

/**
 * Turns what a hook or action committed into events on the other units: relation-changed for changed
 * application and unit relation data, secret-changed for consumers of a changed secret.
 */
final class FanOut {
    private final ControllerState state;

    FanOut(ControllerState state) {
        this.state = state;
    }

    /** Fans the changes a hook or action of {@code writer} committed out as events on the other units. */
    void publish(UnitAgent writer, CommitEffects effects) {
        synchronized (state) {
            String app = writer.unit().applicationName();
            for (int relId : effects.appBags()) {
                Relation r = state.model().relation(relId).orElse(null);
                if (r == null) {
                    continue;
                }
                for (String other : r.unitsInScope()) {
                    UnitAgent o = state.agents().get(other);
                    boolean audience = r.isPeer() || !UnitNames.application(other).equals(app);
                    if (o != null && audience && !other.equals(writer.name()) && !o.unit().isDying()) {
                        RelationView v = RelationView.of(r, UnitNames.application(other));
                        o.enqueue(Hook.relation(Hook.Kind.RELATION_CHANGED, v.endpoint(), relId, null, app, null));
                    }
                }
            }
            for (int relId : effects.unitBags()) {
                Relation r = state.model().relation(relId).orElse(null);
                if (r == null) {
                    continue;
                }
                for (String other : r.unitsInScope()) {
                    UnitAgent o = state.agents().get(other);
                    if (o != null && !other.equals(writer.name()) && o.hasJoined(relId, writer.name())
                        && !o.unit().isDying()) {
                        RelationView v = RelationView.of(r, UnitNames.application(other));
                        o.enqueue(Hook.relation(Hook.Kind.RELATION_CHANGED, v.endpoint(), relId, writer.name(), app,
                            null));
                    }
                }
            }
            for (String uri : effects.secretUris()) {
                Secret s = state.model().secret(uri).orElse(null);
                if (s == null) {
                    continue;
                }
                for (String consumer : s.staleConsumers()) {
                    UnitAgent o = state.agents().get(consumer);
                    if (o != null && !o.unit().isDying()) {
                        o.enqueue(Hook.secretChanged(s.uri()));
                    }
                }
            }
        }
    }
}
