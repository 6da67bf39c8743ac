package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.controller.StatusSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code rebuild-cluster} through the local runner with the real charm and real etcd: recovery after a
 * majority of a 5-unit cluster is lost for good, from the surviving member that holds the most data,
 * and the two refusals that keep it from destroying a working cluster.
 */
class RebuildIT {
    private static final Duration REJOIN = Duration.ofMinutes(4);
    private static final List<String> KEYS_A = List.of("a/1", "a/2", "a/3");
    private static final List<String> KEYS_B = List.of("b/1", "b/2", "b/3");

    /**
     * <ol>
     * <li>{@code deploy -n 5} forms one initial cluster of the five units (every member new, no learner
     * added), all active and healthy. On it, rebuild-cluster is refused, even with force=true.</li>
     * <li>The Juju leader's unit is cut off the network and keys B are written on the other side, which
     * keeps its quorum: from the cut-off leader the cluster looks lost (1 of 5 answer), but the silent
     * members' units are still deployed, so the rebuild is refused naming them; nothing changes.</li>
     * <li>Three of the other four machines go for good ({@code remove-unit --force --no-wait}) and the
     * leader is healed: two of five members answer, the leader's own behind (it missed keys B). The
     * leader's status says so and names the action; a dry run picks the other survivor as the source
     * and changes nothing.</li>
     * <li>rebuild-cluster snapshots that survivor (the file is kept, 0600) and rebuilds the leader's
     * member from it: keys A and B are there, the survivor rejoins as a learner and is promoted, no
     * member of the gone units is left, and a client without a certificate is refused.</li>
     * <li>add-unit brings the cluster back to three voting members with every key.</li>
     * </ol>
     */
    @Test
    void aLostMajorityIsRebuiltFromTheSurvivorWithTheMostDataAndAWorkingClusterIsNeverTouched() throws Exception {
        try (LocalCluster c = new LocalCluster("rebuild")) {
            c.deploy(5, Map.of());
            c.settle();
            c.assertMembershipMatchesUnits();
            c.assertFormedStatically();
            for (String key : KEYS_A) {
                c.put(key, "value-of-" + key);
            }
            String leader = c.leaderUnit();
            List<String> others = c.units().stream().filter(u -> !u.equals(leader)).toList();

            aHealthyClusterIsNotRebuilt(c);
            aPartitionedLeaderDoesNotRebuild(c, leader, others);

            String survivor = others.get(0);
            List<String> gone = others.subList(1, others.size());
            c.controller().forceRemoveUnit(gone.toArray(String[]::new));
            c.controller().heal(leader);
            c.await("the leader reports the lost quorum and names rebuild-cluster", Duration.ofSeconds(90), () ->
                    c.unit(leader).workloadMessage().startsWith("(leader) no quorum reachable from this unit: ")
                            && c.unit(leader).workloadMessage().endsWith(
                            "; if they are lost for good: juju run etcd/leader rebuild-cluster"));
            assertEquals("blocked", c.unit(leader).workload());
            StatusSnapshot.App app = c.status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst().orElseThrow();
            assertEquals("blocked", app.status(), app.toString());
            assertTrue(app.message().startsWith("no quorum: "), app.toString());
            // the leader cannot remove the gone units' members without a quorum: it says so, its hooks do not fail
            c.await("the leader tried to remove the gone units' members", Duration.ofSeconds(60), () ->
                    Files.readAllLines(c.controller().debugLogFile()).stream().anyMatch(l -> l.contains(
                            "the cluster has no quorum (2 of 5 voting members healthy); the leader tries again in its next hooks")));
            assertEquals(0, Files.readAllLines(c.controller().debugLogFile()).stream()
                    .filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).count(), "a hook failed");
            // The leader has run its -departed hook for each gone unit (Juju lists a unit as a relation
            // member until then): without a quorum, none of them waits for the unit to leave by itself.
            c.idle();

            aDryRunPicksTheSurvivorAndChangesNothing(c, leader, survivor, gone);
            theRebuildRestoresEveryKeyFromTheSurvivor(c, leader, survivor, gone);

            c.controller().addUnit("etcd", 1);
            c.settle();
            c.awaitMembershipMatchesUnits(REJOIN);
            assertEquals(3, c.members().size());
            assertKeys(c, KEYS_A);
            assertKeys(c, KEYS_B);
        }
    }

    private static Set<String> memberIds(LocalCluster c) throws Exception {
        return c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet());
    }

    private static void assertKeys(LocalCluster c, List<String> keys) throws Exception {
        for (String key : keys) {
            assertEquals("value-of-" + key, c.get(key), key);
        }
    }

    private static void aHealthyClusterIsNotRebuilt(LocalCluster c) throws Exception {
        Set<String> ids = memberIds(c);
        for (Map<String, Object> params : List.<Map<String, Object>>of(Map.of(), Map.of("force", true))) {
            ActionTask refused = c.run("etcd/leader", "rebuild-cluster", params);
            assertEquals(ActionTask.State.FAILED, refused.state(), String.valueOf(refused.results()));
            assertTrue(refused.message().startsWith("the cluster has not lost its quorum: 5 of 5 voting members answer"
                    + " (3 needed) and etcd-"), refused.message());
            assertTrue(refused.message().endsWith("nothing was changed (remove a dead unit with juju remove-unit,"
                    + " or roll back with the restore action)"), refused.message());
        }
        assertEquals(ids, memberIds(c));
    }

    private static void aPartitionedLeaderDoesNotRebuild(LocalCluster c, String leader, List<String> others) throws Exception {
        Set<String> ids = memberIds(c);
        c.controller().cut(leader);
        // if the cut-off member led, the others elect a new leader first
        for (String key : KEYS_B) {
            c.await("the other side writes " + key, Duration.ofSeconds(30),
                    () -> c.etcdctlRawAt("etcd", others, "put", key, "value-of-" + key).code() == 0);
        }
        String names = others.stream().map(u -> u.replace('/', '-')).sorted().collect(Collectors.joining(", "));
        String units = others.stream().sorted().collect(Collectors.joining(" "));
        for (boolean dryRun : List.of(true, false)) {
            ActionTask refused = c.run("etcd/leader", "rebuild-cluster", Map.of("dry-run", dryRun));
            assertEquals(ActionTask.State.FAILED, refused.state(), String.valueOf(refused.results()));
            assertEquals(names + " do not answer, but their units are still deployed (" + units + "): they may be"
                    + " alive on the other side of a network partition, with a quorum of their own. If their machines"
                    + " are gone, remove them first (juju remove-unit --force " + units + ") and run rebuild-cluster"
                    + " again once this unit has seen them leave (its cluster-relation-departed hooks); force=true"
                    + " rebuilds anyway and discards whatever they hold. Nothing was changed",
                    refused.message());
        }
        LocalCluster.Result list = c.etcdctlRawAt("etcd", others, "member", "list");
        assertEquals(0, list.code(), list.output());
        assertEquals(ids, list.output().lines().map(l -> l.split(",")[0].strip()).collect(Collectors.toSet()));
        assertEquals("", c.controller().exec(leader, "ls -d /var/lib/etcd/data.pre-rebuild-* 2>/dev/null",
                Duration.ofSeconds(10)).stdout());
    }

    private static void aDryRunPicksTheSurvivorAndChangesNothing(LocalCluster c, String leader, String survivor,
                                                               List<String> gone) throws Exception {
        String survivorMember = survivor.replace('/', '-');
        String leaderMember = leader.replace('/', '-');
        ActionTask dry = c.runOk("etcd/leader", "rebuild-cluster", Map.of("dry-run", true));
        assertEquals("true", LocalCluster.result(dry, "dry-run"));
        assertEquals(survivorMember, LocalCluster.result(dry, "source.member"), String.valueOf(dry.results()));
        long leaderApplied = Long.parseLong(LocalCluster.result(dry, "survey.members." + leaderMember + ".raft-applied-index"));
        long survivorApplied = Long.parseLong(LocalCluster.result(dry, "source.raft-applied-index"));
        assertTrue(survivorApplied > leaderApplied, survivorApplied + " <= " + leaderApplied);
        assertEquals("this unit", LocalCluster.result(dry, "survey.members." + leaderMember + ".unit"));
        assertEquals(survivor, LocalCluster.result(dry, "survey.members." + survivorMember + ".unit"));
        for (String unit : gone) {
            String member = unit.replace('/', '-');
            assertEquals("false", LocalCluster.result(dry, "survey.members." + member + ".reachable"));
            assertEquals("gone (not in the peer relation)", LocalCluster.result(dry, "survey.members." + member + ".unit"));
        }
        assertEquals("2", LocalCluster.result(dry, "survey.cluster.reachable-voters"));
        assertEquals("3", LocalCluster.result(dry, "survey.cluster.quorum"));
        String droppedMembers = gone.stream().sorted().map(u -> u.replace('/', '-')).collect(Collectors.joining(", "));
        assertEquals("save a snapshot of " + survivorMember + " (the answering member with the most data) in"
                + " /home/ubuntu/etcd-snapshots, rebuild " + leader + "'s member from it as a new one-member cluster;"
                + " then " + survivor + " leaves the old cluster (its data moved aside) and rejoins as a learner;"
                + " the members of units that are gone (" + droppedMembers + ") are not part of the new"
                + " cluster", LocalCluster.result(dry, "plan"));
        assertEquals("", c.controller().exec(leader, "ls /home/ubuntu/etcd-snapshots 2>/dev/null; ls -d"
                + " /var/lib/etcd/data.pre-rebuild-* 2>/dev/null", Duration.ofSeconds(10)).stdout(), "the dry run wrote something");
        assertEquals("blocked", c.unit(leader).workload());
    }

    private static void theRebuildRestoresEveryKeyFromTheSurvivor(LocalCluster c, String leader, String survivor,
                                                                List<String> gone) throws Exception {
        Set<String> oldIds = memberIds(c.etcdctlRawAt("etcd", List.of(leader), "member", "list"));
        ActionTask rebuild = c.runOk("etcd/leader", "rebuild-cluster", Map.of());
        String right = c.unit(leader).workloadMessage();
        assertTrue(!right.contains("remove member") && !right.contains("no quorum"), "status after the rebuild: " + right);
        assertEquals(survivor.replace('/', '-'), LocalCluster.result(rebuild, "source.member"));
        String snapshot = LocalCluster.result(rebuild, "snapshot.path");
        assertTrue(snapshot.startsWith("/home/ubuntu/etcd-snapshots/etcd-snapshot-etcd-"), snapshot);
        Path file = c.controller().hostPath(leader, snapshot);
        assertTrue(Files.size(file) > 0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(LocalCluster.result(rebuild, "rebuild.previous-data").startsWith("/var/lib/etcd/data.pre-rebuild-"),
                String.valueOf(rebuild.results()));
        assertTrue(Long.parseLong(LocalCluster.result(rebuild, "rebuild.keys")) >= KEYS_A.size() + KEYS_B.size());
        String newId = LocalCluster.result(rebuild, "rebuild.member-id");
        assertTrue(!oldIds.contains(newId), "the rebuilt member kept an old id " + newId);
        assertTrue(LocalCluster.result(rebuild, "next").startsWith("the cluster is " + leader + "'s member alone; then "
                + survivor + " leaves the old cluster"), LocalCluster.result(rebuild, "next"));

        c.await("the survivor rejoined the rebuilt cluster as a voting member", REJOIN, () -> {
            LocalCluster.Result r = c.etcdctlRaw(true, "member", "list");
            return r.code() == 0 && r.output().lines().filter(l -> l.contains(", started, ") && l.endsWith("false")).count() == 2;
        });
        c.settle();
        c.awaitMembershipMatchesUnits(REJOIN);
        List<LocalCluster.Member> members = c.members();
        assertEquals(2, members.size());
        for (String unit : gone) {
            assertTrue(members.stream().noneMatch(m -> m.name().equals(unit.replace('/', '-'))), unit);
        }
        assertTrue(members.stream().noneMatch(m -> oldIds.contains(m.id())), "an old member is left: " + members);
        assertKeys(c, KEYS_A);
        assertKeys(c, KEYS_B);
        assertEquals("(leader) cluster is healthy, 2 members", c.unit(leader).workloadMessage());
        assertNotEquals(0, c.etcdctlRaw(false, "get", "a/1").code(), "a client without a certificate was served");
        String aside = c.controller().exec(survivor, "ls -d /var/lib/etcd/data.replaced-* 2>/dev/null",
                Duration.ofSeconds(10)).stdout();
        assertTrue(!aside.isBlank(), "the survivor's old data was not kept aside");
    }

    private static Set<String> memberIds(LocalCluster.Result list) {
        assertEquals(0, list.code(), list.output());
        return list.output().lines().map(l -> l.split(",")[0].strip()).collect(Collectors.toSet());
    }
}
