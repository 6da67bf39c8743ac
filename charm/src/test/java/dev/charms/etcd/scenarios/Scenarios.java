package dev.charms.etcd.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.ops.Status;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Assertions the scenario tests share: what an operator checks after a flow settles. */
final class Scenarios {
    private Scenarios() {
    }

    /** No hook failed (Juju would show the unit in error). */
    static void assertNoFailedHook(Deployment model) {
        assertEquals(List.of(), model.failures(), "failed hooks");
    }

    /**
     * Every remaining unit is a voting member and nothing else is: etcd's member list, the leader's roster
     * and each unit's status ({@code (leader) cluster is healthy, n members} on the leader) agree.
     */
    static void assertHealthyCluster(Deployment model) {
        List<String> units = model.units();
        List<String> names = units.stream().map(Units::memberName).sorted().toList();
        assertEquals(names, model.etcd().voterNames().stream().sorted().toList(), "etcd's voting members");
        assertEquals(names.size(), model.etcd().members().size(), "etcd's members (learners and unstarted included)");
        Roster roster = Roster.parse(model.appBag().get(PeerData.MEMBERS));
        assertEquals(units, List.copyOf(roster.entries().keySet()), "the leader's roster");
        assertEquals(null, roster.pendingLearner(), "a learner left in the roster");
        String members = units.size() == 1 ? "1 member" : units.size() + " members";
        for (String unit : units) {
            String prefix = unit.equals(model.leader()) ? "(leader) " : "";
            assertEquals(Status.active(prefix + "cluster is healthy, " + members), model.status(unit), unit);
        }
        assertEquals(Status.active(members), model.appStatus(), "application status");
    }

    /** etcd's membership changes, in order: bootstraps, learners added, joined, promoted, removed. */
    static List<String> membershipChanges(Deployment model) {
        return model.etcd().history().stream().filter(l -> l.startsWith("bootstrap ") || l.startsWith("add learner ")
                || l.startsWith("joined ") || l.startsWith("promote ") || l.startsWith("remove ")).toList();
    }

    /** The statuses {@code unit} showed after its hooks, each change once. */
    static List<Status> statusesOf(Deployment model, String unit) {
        List<Status> out = new java.util.ArrayList<>();
        model.runs().stream().filter(r -> r.unit().equals(unit)).map(Deployment.HookRun::status).forEach(s -> {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                out.add(s);
            }
        });
        return out;
    }

    /** etcd moved raft leadership to {@code to} and only then removed {@code removed}, no longer its leader. */
    static void assertRaftLeadershipMovedBeforeRemoval(Deployment model, String to, String removed) {
        List<String> history = model.etcd().history();
        int moved = history.indexOf("raft leader " + to + " (moved)");
        int gone = history.indexOf("remove " + removed);
        assertTrue(moved >= 0 && gone > moved, "raft leadership must move away before the member is removed: " + history);
    }

    /** Runs hooks one at a time, in {@link Deployment#settle}'s order, until {@code member} runs as a learner. */
    static void runUntilLearnerStarted(Deployment model, String member) {
        while (!model.etcd().member(member).map(m -> m.learner() && m.started()).orElse(false)) {
            assertTrue(model.step().isPresent(), member + " never started as a learner");
        }
    }

    /**
     * Every member was removed by a caller that had read the membership as it then was: removals made one
     * at a time, each on the quorum of the cluster it changed.
     */
    static void assertRemovalsOneAtATime(Deployment model) {
        assertEquals(List.of(), history(model, "outdated: "), "removals decided on an outdated membership");
    }

    /** Writes {@code count} keys ({@code key-0} ...) through {@code unit}'s member, as a client would. */
    static void writeKeys(Deployment model, String unit, int count) {
        try (EtcdCluster client = clientOf(model, unit)) {
            for (int i = 0; i < count; i++) {
                client.put("key-" + i, "value-" + i);
            }
        }
    }

    /** The keys {@link #writeKeys} wrote are all there, read through {@code unit}'s member. */
    static void assertKeysKept(Deployment model, String unit, int count) {
        try (EtcdCluster client = clientOf(model, unit)) {
            for (int i = 0; i < count; i++) {
                assertEquals(Optional.of("value-" + i), client.get("key-" + i), "key-" + i + " read through " + unit);
            }
        }
    }

    private static EtcdCluster clientOf(Deployment model, String unit) {
        return model.host(unit).cluster(List.of(URI.create(model.unitBag(unit).get(PeerData.CLIENT_URL))));
    }

    /** The etcd history lines that start with {@code prefix}. */
    static List<String> history(Deployment model, String prefix) {
        return model.etcd().history().stream().filter(l -> l.startsWith(prefix)).toList();
    }
}
