package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Unit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who leads each application and what the units hear about it: leader-elected on a new leader,
 * leader-settings-changed on the others when the leader changes or writes leader settings.
 */
final class Leadership {
    private final ControllerState state;
    private final Map<String, Long> leaderSettingsSeen = new HashMap<>();

    Leadership(ControllerState state) {
        this.state = state;
    }

    /** A new unit leads its application when nobody does (under the lock). */
    void claimIfVacant(Application app, Unit unit) {
        if (app.leader().isEmpty()) {
            app.setLeader(unit.name());
        }
    }

    /**
     * {@code elect UNIT}: the application's leadership moves to {@code unitName}, as when the leader's lease
     * lapses and another unit claims it (the Juju contract (docs/juju-contract.md), section 5: the leader may
     * change at any hook boundary, and nobody can choose it -- this is the runner's way to make it happen in
     * tests). The current leader finishes the hook or action it is running and starts nothing more until
     * the move is done, so no hook of it loses leadership after {@code is-leader} said true.
     */
    void elect(String unitName) throws InterruptedException {
        state.requireAlive();
        Application app;
        UnitAgent current;
        synchronized (state) {
            Unit unit = electable(unitName);
            if (unit.isLeader()) {
                return;
            }
            app = unit.application();
            current = app.leader().map(state.agents()::get).orElse(null);
        }
        if (current != null) {
            current.pause();
        }
        try {
            synchronized (state) {
                Unit unit = electable(unitName);
                if (!unit.isLeader()) {
                    handLeadership(app, unit);
                }
            }
        } finally {
            if (current != null) {
                current.resume();
            }
        }
    }

    /** The unit, unless it is unknown or being removed (checked again after the leader's agent paused). */
    private Unit electable(String unitName) {
        Unit unit = state.model().requireUnit(unitName);
        if (unit.isDying()) {
            throw new ModelException("unit \"" + unitName + "\" is being removed and cannot become leader");
        }
        return unit;
    }

    /**
     * The leader is gone (under the lock): the lowest live unit becomes leader, leader-elected there,
     * leader-settings-changed on the others. A dying leader keeps its lease through its departed, stop and
     * remove hooks, so this runs when it is removed, not when it starts dying.
     */
    void electLeader(Application app) {
        List<Unit> live = liveUnits(app);
        if (live.isEmpty()) {
            app.setLeader(null);
            return;
        }
        handLeadership(app, live.get(0));
    }

    /**
     * The leases of the units in {@code unreachable} (machines off) lapsed: each application they led moves
     * to its lowest live unit that is reachable, as Juju lets another unit claim an expired lease
     * (docs/juju-contract.md, section 5: the lease lasts about {@link #LEASE}). An application whose units
     * are all unreachable keeps its leader (nobody can claim). Returns the units that became leader.
     */
    List<String> leasesLapsed(java.util.Set<String> unreachable) {
        List<String> elected = new java.util.ArrayList<>();
        synchronized (state) {
            for (Application app : state.model().applications()) {
                String leader = app.leader().orElse(null);
                if (leader == null || !unreachable.contains(leader)) {
                    continue;
                }
                List<Unit> candidates = liveUnits(app).stream().filter(u -> !unreachable.contains(u.name())).toList();
                if (candidates.isEmpty()) {
                    continue;
                }
                state.log().log(leader, "INFO", "juju.worker.leadership", "leadership lease of " + leader
                    + " lapsed while its machine was off");
                handLeadership(app, candidates.get(0));
                elected.add(candidates.get(0).name());
            }
        }
        return elected;
    }

    /** How long a leader's lease outlives its agent (docs/juju-contract.md, section 5). */
    static final java.time.Duration LEASE = java.time.Duration.ofSeconds(30);

    /** {@code next} becomes leader: leader-elected there, leader-settings-changed on the other live units. */
    private void handLeadership(Application app, Unit next) {
        List<Unit> live = liveUnits(app);
        app.setLeader(next.name());
        state.log().log(next.name(), "INFO", "juju.worker.leadership", next.name() + " promoted to leadership of "
            + app.name());
        for (Unit u : live) {
            UnitAgent a = state.agents().get(u.name());
            if (a != null) {
                a.enqueue(Hook.unit(u == next ? "leader-elected" : "leader-settings-changed"));
            }
        }
    }

    private static List<Unit> liveUnits(Application app) {
        return app.units().stream().filter(u -> !u.isDying()).toList();
    }

    /** After any hook of a leader: a leader-set since last time means leader-settings-changed on the others. */
    void checkLeaderSettings(Unit unit) {
        synchronized (state) {
            Application app = unit.application();
            long version = app.leaderSettingsVersion();
            Long seen = leaderSettingsSeen.put(app.name(), version);
            if (seen == null ? version == 0 : seen == version) {
                return;
            }
            for (UnitAgent a : state.liveAgents(app.name())) {
                if (!a.unit().isLeader()) {
                    a.enqueue(Hook.unit("leader-settings-changed"));
                }
            }
        }
    }
}
