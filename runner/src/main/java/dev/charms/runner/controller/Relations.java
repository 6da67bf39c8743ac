package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;
import dev.charms.runner.model.Unit;
import dev.charms.runner.model.UnitNames;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relations and their scopes: {@code juju integrate} and {@code remove-relation}, units entering and
 * leaving scope, and the created, joined, departed and broken hooks that follow. A removed relation is
 * forgotten once every member ran its broken hook.
 */
final class Relations {
    private final ControllerState state;
    /** Per relation being removed: the members whose broken hook has not run yet. */
    private final Map<Integer, Set<String>> brokenPending = new HashMap<>();

    Relations(ControllerState state) {
        this.state = state;
    }

    /** {@code juju integrate a[:ep] b[:ep]}: every unit of both sides gets created, then joined+changed per remote. */
    int integrate(String sideA, String sideB) {
        state.requireAlive();
        synchronized (state) {
            Relation r = state.model().integrate(sideA, sideB);
            List<UnitAgent> members = new ArrayList<>();
            for (RelationEndpoint ep : r.endpoints()) {
                for (UnitAgent a : state.liveAgents(ep.application())) {
                    a.enqueue(enterScope(r, a.unit()));
                    members.add(a);
                }
            }
            for (UnitAgent a : members) {
                announce(r, a);
            }
            state.log().log("controller", "INFO", "juju.controller", "integrated " + r.key() + " as relation "
                + r.id());
            return r.id();
        }
    }

    /** {@code juju remove-relation}: departed for every remote unit, then broken, on every member. */
    void removeRelation(String sideA, String sideB) {
        state.requireAlive();
        synchronized (state) {
            Relation r = findRelation(sideA, sideB);
            r.setDying(true);
            Set<String> members = new HashSet<>(r.unitsInScope());
            for (String u : members) {
                r.leaveScope(u);
            }
            brokenPending.put(r.id(), new HashSet<>());
            for (String u : members) {
                UnitAgent a = state.agents().get(u);
                if (a != null && !a.unit().isDying()) {
                    brokenPending.get(r.id()).add(u);
                    a.leaveRelation(RelationView.of(r, UnitNames.application(u)));
                }
            }
            if (brokenPending.get(r.id()).isEmpty()) {
                brokenPending.remove(r.id());
                state.model().removeRelation(r.id());
            }
        }
    }

    private Relation findRelation(String sideA, String sideB) {
        for (Relation r : state.model().relations()) {
            if (r.isPeer() || r.isDying()) {
                continue;
            }
            if (matches(r, sideA) && matches(r, sideB) && !sideA.split(":")[0].equals(sideB.split(":")[0])) {
                return r;
            }
        }
        throw new ModelException("relation \"" + sideA + " " + sideB + "\" not found");
    }

    private static boolean matches(Relation r, String side) {
        int colon = side.indexOf(':');
        String app = colon < 0 ? side : side.substring(0, colon);
        return r.endpointOf(app).map(ep -> colon < 0 || ep.name().equals(side.substring(colon + 1))).orElse(false);
    }

    /** {@code unit} enters {@code r}'s scope (under the lock); returns its relation-created hook. */
    Hook enterScope(Relation r, Unit unit) {
        r.enterScope(unit);
        RelationView v = RelationView.of(r, unit.applicationName());
        return Hook.relation(Hook.Kind.RELATION_CREATED, v.endpoint(), r.id(), null, v.remoteApp(), null);
    }

    /**
     * {@code agent}'s unit has entered {@code r} (under the lock): it and the other members see each other
     * join, and it hears of application data already there.
     */
    void announce(Relation r, UnitAgent agent) {
        announceJoin(r, agent.name());
        announceAppData(r, agent);
    }

    /** {@code unitName} entered {@code r}: it and every other member see each other join (under the lock). */
    private void announceJoin(Relation r, String unitName) {
        String app = UnitNames.application(unitName);
        RelationView mine = RelationView.of(r, app);
        for (String other : r.unitsInScope()) {
            if (other.equals(unitName) || !UnitNames.application(other).equals(mine.remoteApp())) {
                continue;
            }
            UnitAgent otherAgent = state.agents().get(other);
            UnitAgent self = state.agents().get(unitName);
            if (otherAgent == null || self == null || otherAgent.unit().isDying()) {
                continue;
            }
            self.enqueueJoin(r.id(), mine.endpoint(), other, mine.remoteApp());
            RelationView theirs = RelationView.of(r, UnitNames.application(other));
            otherAgent.enqueueJoin(r.id(), theirs.endpoint(), unitName, theirs.remoteApp());
        }
    }

    /** A unit entering {@code r} hears about application data already there (app-level relation-changed). */
    private static void announceAppData(Relation r, UnitAgent agent) {
        RelationView v = RelationView.of(r, agent.unit().applicationName());
        if (r.appBag(v.remoteApp()).version() > 0) {
            agent.enqueue(Hook.relation(Hook.Kind.RELATION_CHANGED, v.endpoint(), r.id(), null, v.remoteApp(), null));
        }
    }

    /**
     * Takes the unit out of every relation's scope; the others get relation-departed (under the lock).
     * Returns the relations it left, as it sees them.
     */
    List<RelationView> leaveScopes(Unit unit) {
        Application app = unit.application();
        List<RelationView> views = new ArrayList<>();
        for (Relation r : state.model().relationsOf(app.name())) {
            if (!r.inScope(unit.name())) {
                continue;
            }
            views.add(RelationView.of(r, app.name()));
            r.leaveScope(unit.name());
            for (String other : r.unitsInScope()) {
                UnitAgent o = state.agents().get(other);
                if (o != null && !other.equals(unit.name())) {
                    RelationView theirs = RelationView.of(r, UnitNames.application(other));
                    o.enqueueDeparted(r.id(), theirs.endpoint(), unit.name(), app.name(), unit.name());
                }
            }
        }
        return views;
    }

    /** {@code unitName}'s relation-broken hook for {@code relationId} succeeded. */
    void brokenDone(int relationId, String unitName) {
        synchronized (state) {
            Set<String> waiting = brokenPending.get(relationId);
            if (waiting != null && waiting.remove(unitName) && waiting.isEmpty()) {
                brokenPending.remove(relationId);
                state.model().removeRelation(relationId);
            }
        }
    }

    /** A removed unit runs no more broken hooks (under the lock). */
    void unitRemoved(String unitName) {
        brokenPending.values().forEach(s -> s.remove(unitName));
    }
}
