package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Juju may move leadership at any hook boundary and runs the units' hooks in no guaranteed order across
 * units (docs/juju-contract.md, sections 5 and 6). Through the runner with real etcd: every hook waits a random
 * 0-1 s first (the runner's hook-jitter), and leadership is moved at the awkward moments, to a unit
 * that has not joined the cluster yet, to a unit still installing, to a learner, away from a leader that
 * is being removed (or, as Juju does, only once it is gone), and through a rolling restart that moves both
 * ports. The cluster must form
 * and grow each time on the hooks Juju would run anyway: update-status is set to 5 minutes, so that a
 * cluster that stalls until the next update-status fails the test.
 */
class LeadershipIT {
    private static final Duration CONVERGE = Duration.ofMinutes(2);
    private final Map<String, String> written = new LinkedHashMap<>();

    private void check(LocalCluster c, int units, String key) throws Exception {
        c.controller().waitIdle(CONVERGE);
        assertEquals(units, c.units().size(), "units: " + c.units());
        c.assertMembershipMatchesUnits();
        c.put(key, "value-of-" + key);
        written.put(key, "value-of-" + key);
        for (Map.Entry<String, String> e : written.entrySet()) {
            assertEquals(e.getValue(), c.get(e.getKey()), "key " + e.getKey());
        }
    }

    private static void awaitLog(LocalCluster c, String line) throws Exception {
        c.await("the debug log says \"" + line + "\"", CONVERGE, () ->
                Files.readAllLines(c.controller().debugLogFile()).stream().anyMatch(l -> l.contains(line)));
    }

    @Test
    void theClusterFormsAndGrowsWhereverLeadershipMoves() throws Exception {
        try (LocalCluster c = new LocalCluster("leadership")) {
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "5m", "hook-jitter", "1s"));
            c.deploy(3, Map.of());
            // etcd/0 has published the initial cluster of the three units and started its member; etcd/2
            // becomes leader, maybe before its own member runs. The published initial cluster stays the
            // truth: the new leader publishes no other.
            awaitLog(c, "bootstrapped the etcd cluster on etcd/0");
            c.controller().elect("etcd/2");
            assertEquals("etcd/2", c.leaderUnit());
            check(c, 3, "three");

            // A unit that is still installing becomes leader.
            c.controller().addUnit("etcd", 1);
            c.controller().elect("etcd/3");
            check(c, 4, "four");
            assertEquals("etcd/3", c.leaderUnit());

            // The learner being admitted becomes leader: it promotes itself.
            c.controller().addUnit("etcd", 1);
            awaitLog(c, "added etcd/4 as a learner");
            c.controller().elect("etcd/4");
            check(c, 5, "five");

            // The leader is removed while hooks are still shuffled. As in Juju, it stays leader through its
            // own departure; the next leader is elected once it is gone, and finds nothing left to remove.
            c.controller().removeUnit("etcd/4");
            check(c, 4, "four-again");

            // The other order the contract allows: leadership moves away while the leader is still leaving.
            String leader = c.leaderUnit();
            String next = c.units().stream().filter(u -> !u.equals(leader)).reduce((a, b) -> b).orElseThrow();
            c.controller().removeUnit(leader);
            c.controller().elect(next);
            check(c, 3, "three-again");
            assertEquals(next, c.leaderUnit());

            // Both ports move in one rolling restart while hooks are shuffled: whichever turn the leader
            // gets, it passes it on, and members are reached on their old port until they restart.
            c.controller().config("etcd", Map.of("port", "2382", "management_port", "2390"));
            check(c, 3, "new-ports");
            for (LocalCluster.Member m : c.members()) {
                assertEquals(true, m.clientUrls().get(0).endsWith(":2382") && m.peerUrls().get(0).endsWith(":2390"), m.toString());
            }
        }
    }
}
