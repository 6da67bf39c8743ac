package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A cluster on real etcd 3.5.30, given as the {@code etcd} resource at deploy, on one model: three units
 * form it (and a second application deployed with one unit forms a one-member cluster), two more join
 * (learners, then promoted) to five and two leave again in one command, the membership matching the units
 * at each step; every member runs 3.5.30 and the cluster version is 3.5. Then every action runs on it
 * through the runner (snapshot, compact, defrag, check-consistency, move-leader, alarm-list, member-list,
 * generate-client-certificates, rebuild-cluster's refusal, restore as a dry run and for real, which goes
 * through etcdutl on 3.5), a configuration change rolls through with one restart per member, and a
 * consumer on the {@code db} relation is served. Last, two of the three machines go for good and
 * rebuild-cluster brings the cluster back from the leader's member with its data.
 */
class Etcd35IT {
    private static final String VERSION = "3.5.30";
    /** A second application, deployed with one unit. */
    private static final String SINGLE = "etcd-single";
    private static final Duration REJOIN = Duration.ofMinutes(4);

    @Test
    void aClusterOnEtcd35FormsGrowsToFiveShrinksRunsEveryActionAndServesItsConsumers() throws Exception {
        Path release = LocalCluster.etcdRelease(VERSION);
        try (LocalCluster c = new LocalCluster("etcd35")) {
            c.controller().deploy(LocalCluster.CHARM, "etcd", 3, Map.of(), Map.of("etcd", release));
            c.controller().deploy(LocalCluster.CHARM, SINGLE, 1, Map.of(), Map.of("etcd", release));
            c.settle();
            c.assertMembershipMatchesUnits();
            c.assertEveryMemberRuns(VERSION);
            aSingleUnitApplicationRunsAOneMemberCluster(c);
            c.put("on-35", "yes");

            c.controller().addUnit("etcd", 2);
            c.settle();
            c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
            assertEquals(5, c.units().size());
            c.assertEveryMemberRuns(VERSION);
            String leader = c.leaderUnit();
            List<String> leaving = c.units().stream().filter(u -> !u.equals(leader)).limit(2).toList();
            c.controller().removeUnit(leaving.toArray(String[]::new));
            c.settle();
            c.awaitMembershipMatchesUnits(LocalCluster.SETTLE);
            assertEquals(3, c.units().size());
            assertEquals("yes", c.get("on-35"));

            String unit = c.units().get(0);
            ActionTask health = c.runOk(unit, "health", Map.of());
            assertEquals("healthy", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
            for (String u : c.units()) {
                assertEquals(VERSION, LocalCluster.result(health, "members." + u.replace('/', '-') + ".version"), u);
            }
            assertEquals("3.5.0", c.clusterVersion(unit));

            maintenanceActionsWork(c);
            Map<String, String> client = clientCertificateWorks(c);
            String[] snapshot = snapshotMatchesItsFile(c);
            c.put("after-snapshot", "yes");
            rebuildIsRefusedOnAHealthyCluster(c);
            restoreRollsBackThroughEtcdutl(c, snapshot[0], snapshot[1], client);
            aConfigurationChangeRestartsEachMemberOnce(c);

            c.deployDbClient();
            c.settle();
            Map<String, String> db = c.dbClientData("app.json");
            assertEquals(VERSION, db.get("version"));
            assertEquals(3, db.get("connection_string").split(",").length, db.get("connection_string"));
            LocalCluster.Result read = c.etcdctlWith(db, "get", "on-35", "--print-value-only");
            assertEquals(0, read.code(), read.output());
            assertEquals("yes", read.output().strip());

            aLostQuorumIsRebuiltFromTheLeadersMember(c);
        }
    }

    /**
     * The application deployed with one unit on 3.5.30: its leader bootstrapped a one-member cluster, is
     * active and healthy, runs 3.5.30 (the application's version too), and serves reads and writes.
     */
    private static void aSingleUnitApplicationRunsAOneMemberCluster(LocalCluster c) throws Exception {
        String unit = SINGLE + "/0";
        assertEquals(List.of(unit), c.unitsOf(SINGLE));
        c.assertMembershipMatchesUnitsOf(SINGLE);
        assertEquals("(leader) cluster is healthy, 1 member", c.unit(unit).workloadMessage());
        assertEquals(VERSION, c.status().applications().stream().filter(a -> a.name().equals(SINGLE)).findFirst()
                .orElseThrow().version());
        ActionTask health = c.runOk(unit, "health", Map.of());
        assertEquals("healthy", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
        assertEquals(VERSION, LocalCluster.result(health, "members." + unit.replace('/', '-') + ".version"));
        c.etcdctlOf(SINGLE, "put", "single", "yes");
        assertEquals("yes", c.etcdctlOf(SINGLE, "get", "single", "--print-value-only").strip());
    }

    /**
     * Two of the three machines go for good ({@code remove-unit --force --no-wait}): the leader's member
     * alone answers and the leader says the quorum is lost and names rebuild-cluster. rebuild-cluster
     * rebuilds a one-member cluster from the leader's own member (through etcdutl on 3.5) with every key;
     * a unit added afterwards joins it as a learner and is promoted, on 3.5.30.
     */
    private static void aLostQuorumIsRebuiltFromTheLeadersMember(LocalCluster c) throws Exception {
        c.put("before-rebuild", "yes");
        String leader = c.leaderUnit();
        List<String> gone = c.units().stream().filter(u -> !u.equals(leader)).toList();
        assertEquals(2, gone.size(), c.units().toString());
        c.controller().forceRemoveUnit(gone.toArray(String[]::new));
        c.await("the leader reports the lost quorum and names rebuild-cluster", Duration.ofSeconds(90), () ->
                c.unit(leader).workloadMessage().startsWith("(leader) no quorum reachable from this unit: ")
                        && c.unit(leader).workloadMessage().endsWith(
                        "; if they are lost for good: juju run etcd/leader rebuild-cluster"));
        // The leader has run its -departed hook for each gone unit before the rebuild plans without them.
        c.idle();

        String member = leader.replace('/', '-');
        ActionTask rebuild = c.runOk("etcd/leader", "rebuild-cluster", Map.of());
        assertEquals(member, LocalCluster.result(rebuild, "source.member"), String.valueOf(rebuild.results()));
        assertTrue(LocalCluster.result(rebuild, "rebuild.previous-data").startsWith("/var/lib/etcd/data.pre-rebuild-"),
                String.valueOf(rebuild.results()));
        c.settle();
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        assertEquals(List.of(member), c.members().stream().map(LocalCluster.Member::name).toList());
        assertEquals("yes", c.get("before-rebuild"));
        assertEquals("yes", c.get("on-35"));

        c.controller().addUnit("etcd", 1);
        c.settle();
        c.awaitMembershipMatchesUnits(REJOIN);
        assertEquals(2, c.members().size());
        c.assertEveryMemberRuns(VERSION);
        assertEquals("yes", c.get("before-rebuild"));
        ActionTask health = c.runOk("etcd/leader", "health", Map.of());
        assertEquals("healthy", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
    }

    /**
     * member-list, alarm-list, compact up to the current revision given as a bare number, defrag of every
     * member, check-consistency, and move-leader to a member that does not lead, which leads afterwards.
     */
    private static void maintenanceActionsWork(LocalCluster c) throws Exception {
        ActionTask members = c.runOk("etcd/leader", "member-list", Map.of());
        assertEquals("3", LocalCluster.result(members, "count"), String.valueOf(members.results()));
        for (String u : c.units()) {
            String name = u.replace('/', '-');
            assertEquals(name, LocalCluster.result(members, "members." + name + ".name"), String.valueOf(members.results()));
            assertEquals("false", LocalCluster.result(members, "members." + name + ".learner"));
        }
        ActionTask alarms = c.runOk(c.units().get(1), "alarm-list", Map.of());
        assertEquals("0", LocalCluster.result(alarms, "count"), String.valueOf(alarms.results()));

        long revision = currentRevision(c);
        ActionTask compact = c.runOk(c.units().get(1), "compact", Map.of("revision", revision, "physical", true));
        assertEquals(String.valueOf(revision), LocalCluster.result(compact, "revision"), String.valueOf(compact.results()));
        assertEquals("true", LocalCluster.result(compact, "physical"));
        ActionTask again = c.run(c.units().get(2), "compact", Map.of("revision", revision));
        assertEquals(ActionTask.State.FAILED, again.state(), "a compacted revision was compacted again");
        assertTrue(again.message().contains("revision " + revision + " is already compacted"), again.message());

        ActionTask defrag = c.runOk(c.units().get(2), "defrag", Map.of("member", "all"));
        assertEquals(c.units().stream().map(u -> u.replace('/', '-')).collect(Collectors.toSet()),
                Set.of(LocalCluster.result(defrag, "defragmented").split(",")), String.valueOf(defrag.results()));

        ActionTask consistency = c.runOk(c.units().get(0), "check-consistency", Map.of());
        assertEquals("consistent", LocalCluster.result(consistency, "status"), String.valueOf(consistency.results()));

        String raftLeader = c.raftLeaderUnit();
        String next = c.units().stream().filter(u -> !u.equals(raftLeader)).findFirst().orElseThrow();
        ActionTask moved = c.runOk(raftLeader, "move-leader", Map.of("member", next));
        assertEquals("true", LocalCluster.result(moved, "moved"), String.valueOf(moved.results()));
        assertEquals(raftLeader.replace('/', '-'), LocalCluster.result(moved, "previous-leader"));
        assertEquals(next.replace('/', '-'), LocalCluster.result(moved, "leader"));
        c.await("etcd names " + next + "'s member the raft leader", Duration.ofSeconds(10), () -> c.raftLeaderUnit().equals(next));
    }

    /** The cluster's current revision, from the header of a read. */
    private static long currentRevision(LocalCluster c) throws Exception {
        String fields = c.etcdctl("get", "on-35", "-w", "fields");
        return Long.parseLong(fields.lines().filter(l -> l.startsWith("\"Revision\"")).findFirst().orElseThrow()
                .replaceAll("\\D", ""));
    }

    /** generate-client-certificates: the returned key and certificate reach the cluster over mutual TLS. */
    private static Map<String, String> clientCertificateWorks(LocalCluster c) throws Exception {
        String unit = c.units().get(1);
        ActionTask cert = c.runOk(unit, "generate-client-certificates", Map.of("common-name", "etcd35-it"));
        assertEquals("etcd35-it", LocalCluster.result(cert, "common-name"));
        assertTrue(Files.size(c.controller().hostPath(unit, "/home/ubuntu/etcd_client_credentials.tar.gz")) > 0);
        Map<String, String> client = c.clientCredentials(cert);
        LocalCluster.Result put = c.etcdctlWith(client, "put", "from-client-cert", "yes");
        assertEquals(0, put.code(), put.output());
        assertEquals("yes", c.get("from-client-cert"));
        return client;
    }

    /** snapshot on the leader: the file is there, its sha256 and size are the results', taken by etcd 3.5.30. */
    private static String[] snapshotMatchesItsFile(LocalCluster c) throws Exception {
        String leader = c.leaderUnit();
        ActionTask task = c.runOk(leader, "snapshot", Map.of());
        String path = LocalCluster.result(task, "snapshot.path");
        assertTrue(path.startsWith("/home/ubuntu/etcd-snapshots/etcd-snapshot-etcd-") && path.endsWith(".db"), path);
        byte[] file = Files.readAllBytes(c.controller().hostPath(leader, path));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)),
                LocalCluster.result(task, "snapshot.sha256"));
        assertEquals(String.valueOf(file.length), LocalCluster.result(task, "snapshot.size"));
        assertEquals(VERSION, LocalCluster.result(task, "snapshot.version"));
        return new String[] {path, LocalCluster.result(task, "snapshot.sha256")};
    }

    /** rebuild-cluster on a cluster that keeps its quorum is refused, even with force=true, and changes nothing. */
    private static void rebuildIsRefusedOnAHealthyCluster(LocalCluster c) throws Exception {
        Set<String> ids = c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet());
        ActionTask refused = c.run("etcd/leader", "rebuild-cluster", Map.of("force", true));
        assertEquals(ActionTask.State.FAILED, refused.state(), String.valueOf(refused.results()));
        assertTrue(refused.message().startsWith("the cluster has not lost its quorum: 3 of 3 voting members answer"
                + " (2 needed) and etcd-"), refused.message());
        assertEquals(ids, c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet()));
    }

    /**
     * restore of the snapshot: a dry run reports the plan and changes nothing; the restore itself rebuilds
     * the leader's member from the snapshot and the others rejoin as new members: the key written after the
     * snapshot is gone, the earlier keys are there, and the client certificate issued before still works.
     */
    private static void restoreRollsBackThroughEtcdutl(LocalCluster c, String path, String sha256,
                                                       Map<String, String> client) throws Exception {
        Set<String> idsBefore = c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet());
        ActionTask dry = c.runOk("etcd/leader", "restore", Map.of("snapshot", path, "sha256", sha256, "dry-run", true));
        assertEquals("true", LocalCluster.result(dry, "dry-run"), String.valueOf(dry.results()));
        assertEquals(sha256, LocalCluster.result(dry, "snapshot.sha256"));
        assertEquals("3", LocalCluster.result(dry, "current.members"));
        assertEquals(idsBefore, c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet()));
        assertEquals("yes", c.get("after-snapshot"), "a dry run changed the data");

        long start = System.nanoTime();
        ActionTask restore = c.runOk("etcd/leader", "restore", Map.of("snapshot", path, "sha256", sha256));
        assertEquals(sha256, LocalCluster.result(restore, "restore.sha256"), String.valueOf(restore.results()));
        assertTrue(LocalCluster.result(restore, "restore.previous-data").startsWith("/var/lib/etcd/data.pre-restore-"),
                String.valueOf(restore.results()));
        c.await("every unit rejoined the restored cluster as a new voting member", REJOIN, () -> {
            LocalCluster.Result r = c.etcdctlRaw(true, "member", "list");
            return r.code() == 0 && r.output().lines().filter(l -> l.contains(", started, ") && l.endsWith("false")).count() == 3;
        });
        c.settle();
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        System.out.printf("Etcd35IT: restore and rejoin took %d s%n", Duration.ofNanos(System.nanoTime() - start).toSeconds());
        Set<String> idsAfter = c.members().stream().map(LocalCluster.Member::id).collect(Collectors.toSet());
        assertTrue(idsAfter.stream().noneMatch(idsBefore::contains), "old members " + idsBefore + " in " + idsAfter);
        assertEquals("", c.get("after-snapshot"), "a key written after the snapshot survived the restore");
        assertEquals("yes", c.get("on-35"));
        assertEquals("yes", c.get("from-client-cert"));
        c.assertEveryMemberRuns(VERSION);
        LocalCluster.Result put = c.etcdctlWith(client, "put", "after-restore", "yes");
        assertEquals(0, put.code(), "a client certificate issued before the restore was refused: " + put.output());
    }

    /**
     * heartbeat_interval changed: each member restarts exactly once, each unit's rendered configuration has
     * the new value, and the cluster is healthy with every key.
     */
    private static void aConfigurationChangeRestartsEachMemberOnce(LocalCluster c) throws Exception {
        long from = Files.readAllLines(c.controller().debugLogFile()).size();
        c.controller().config("etcd", Map.of("heartbeat_interval", "120"));
        c.settle();
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        List<String> log = Files.readAllLines(c.controller().debugLogFile()).stream().skip(from).toList();
        for (String u : c.units()) {
            String conf = Files.readString(c.controller().hostPath(u, "/etc/etcd/etcd.conf.yml"));
            assertTrue(conf.contains("heartbeat-interval: 120"), u + " config:\n" + conf);
            assertEquals(1, log.stream().filter(l -> l.startsWith("unit-" + u.replace('/', '-') + ": ")
                    && l.contains("restarted etcd with the new configuration")).count(), u + ": one restart");
        }
        assertEquals(List.of(), log.stream().filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).toList(),
                "failed hooks");
        ActionTask health = c.runOk(c.units().get(0), "health", Map.of());
        assertEquals("healthy", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
        assertEquals("yes", c.get("on-35"));
        c.assertEveryMemberRuns(VERSION);
    }
}
