package dev.charms.runner.controller;

import dev.charms.runner.model.Unit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Failures the runner can inflict on a model, as real machines and networks suffer them: a unit's
 * network partitioned and healed, a service's process killed, a unit's machine gone (forced removal).
 */
final class Faults {
    private final ControllerState state;
    private final Relations relations;
    private final Leadership leadership;
    private final UnitRemoval removal;

    Faults(ControllerState state, Relations relations, Leadership leadership, UnitRemoval removal) {
        this.state = state;
        this.relations = relations;
        this.leadership = leadership;
        this.removal = removal;
    }

    /** Partitions a unit's machine from the network. */
    void cut(String unitName) throws IOException {
        state.unitHost(unitName).machine().cutNetwork();
    }

    /** Joins a partitioned unit's machine to the network again. */
    void heal(String unitName) throws IOException {
        state.unitHost(unitName).machine().healNetwork();
    }

    /** SIGKILLs {@code service}'s main process in the unit. */
    void crash(String unitName, String service) {
        state.unitHost(unitName).machine().systemd().crash(service);
    }

    /**
     * {@code juju remove-unit --force --no-wait}, as when a unit's machine is gone: the unit is removed at
     * once and runs none of its own hooks (its services stop with its machine); the other units see it
     * depart, and a new leader is elected if it led.
     */
    void forceRemoveUnit(String... unitNames) {
        state.requireAlive();
        List<UnitAgent> gone = new ArrayList<>();
        synchronized (state) {
            for (String name : unitNames) {
                state.model().requireUnit(name);
            }
            for (String name : unitNames) {
                Unit unit = state.model().requireUnit(name);
                unit.setDying(true);
                relations.leaveScopes(unit);
                if (unit.isLeader()) {
                    leadership.electLeader(unit.application());
                }
                UnitAgent agent = state.agents().get(name);
                if (agent != null) {
                    gone.add(agent);
                }
            }
        }
        gone.forEach(removal::tearDown);
    }
}
