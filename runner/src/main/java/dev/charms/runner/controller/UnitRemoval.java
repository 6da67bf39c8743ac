package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Unit;

import java.util.ArrayList;
import java.util.List;

/**
 * Units going away: {@code juju remove-unit} starts a unit dying (its last hooks queued, the others see it
 * depart), and once its remove hook succeeded, or at once when it is removed by force, the unit is torn
 * down and a new leader is elected if it led.
 */
final class UnitRemoval {
    private final ControllerState state;
    private final Relations relations;
    private final Leadership leadership;
    private final Actions actions;

    UnitRemoval(ControllerState state, Relations relations, Leadership leadership, Actions actions) {
        this.state = state;
        this.relations = relations;
        this.leadership = leadership;
        this.actions = actions;
    }

    /**
     * {@code juju remove-unit}: each unit runs departed for its peers, departed+broken for other relations,
     * storage-detaching, stop and remove, then its machine goes away; the others see it depart; a leader stays leader
     * until it is removed, then the lowest live unit is elected.
     */
    void removeUnit(String... unitNames) {
        state.requireAlive();
        synchronized (state) {
            for (String name : unitNames) {
                Unit u = state.model().requireUnit(name);
                if (u.isDying()) {
                    throw new ModelException("unit \"" + name + "\" is already being removed");
                }
            }
            for (String name : unitNames) {
                removeOne(state.model().requireUnit(name));
            }
        }
    }

    private void removeOne(Unit unit) {
        UnitAgent agent = state.agents().get(unit.name());
        unit.setDying(true);
        List<RelationView> views = relations.leaveScopes(unit);
        List<Hook> tail = new ArrayList<>();
        unit.storage().values().forEach(s -> tail.add(Hook.storage(s.name(), "detaching", s.id())));
        tail.add(Hook.unit("stop"));
        tail.add(Hook.unit("remove"));
        agent.startDying(views, tail);
    }

    /**
     * Tears the unit down: forgets it and its agent, elects a new leader if it led, stops its agent (which
     * aborts its queued actions) and removes its machine.
     */
    void tearDown(UnitAgent agent) {
        synchronized (state) {
            Application app = agent.unit().application();
            boolean led = agent.unit().isLeader();
            state.agents().remove(agent.name());
            state.model().removeUnit(agent.name());
            relations.unitRemoved(agent.name());
            if (led) {
                leadership.electLeader(app);
            }
        }
        agent.stop().forEach(actions::taskEnded);
        agent.host().close();
        state.log().log(agent.name(), "INFO", "juju.worker.uniter", "unit " + agent.name() + " removed");
    }
}
