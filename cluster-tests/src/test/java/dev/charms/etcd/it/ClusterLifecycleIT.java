package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.runner.cli.LocalJuju;
import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ModelPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.charms.runner.model.ActionTask;
import org.junit.jupiter.api.Test;

/**
 * The cluster lifecycle through the local runner with the real charm and real etcd: growing and
 * shrinking, removing the raft leader and the Juju leader, with data, membership (no stale member)
 * and TLS (a client without a certificate is refused) checked at every step.
 */
class ClusterLifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> written = new LinkedHashMap<>();

    private void write(LocalCluster c, String key) throws Exception {
        String value = "value-of-" + key;
        c.put(key, value);
        written.put(key, value);
    }

    private void assertEveryKey(LocalCluster c) throws Exception {
        for (Map.Entry<String, String> e : written.entrySet()) {
            assertEquals(e.getValue(), c.get(e.getKey()), "key " + e.getKey());
        }
    }

    private void check(LocalCluster c, int units) throws Exception {
        c.settle();
        assertEquals(units, c.units().size(), "units: " + c.units());
        c.assertMembershipMatchesUnits();
        assertEveryKey(c);
    }

    @Test
    void scaleOneThreeFiveThreeOneKeepsEveryKeyAndRemovesLeadersSafely() throws Exception {
        try (LocalCluster c = new LocalCluster("scale")) {
            c.deploy(1, Map.of());
            check(c, 1);
            write(c, "one");

            c.controller().addUnit("etcd", 2);
            check(c, 3);
            write(c, "three");

            c.controller().addUnit("etcd", 2);
            check(c, 5);
            write(c, "five");

            String raftLeader = c.raftLeaderUnit();
            c.controller().removeUnit(raftLeader);
            check(c, 4);
            assertNotEquals(raftLeader, c.raftLeaderUnit(), "raft leadership moved away from the removed unit");
            write(c, "four");

            String jujuLeader = c.leaderUnit();
            c.controller().removeUnit(jujuLeader);
            check(c, 3);
            assertNotEquals(jujuLeader, c.leaderUnit());
            write(c, "three-again");

            List<String> rest = new ArrayList<>(c.units());
            rest.remove(c.leaderUnit());
            c.controller().removeUnit(rest.get(0));
            check(c, 2);
            c.controller().removeUnit(rest.get(1));
            check(c, 1);
            write(c, "one-again");
        }
    }

    /**
     * {@code remove-unit} of two of three units in one command, the Juju leader among them: their hooks
     * run at once, the members leave one at a time, and no hook fails.
     */
    /**
     * {@code deploy -n 3} where etcd/2's machine is late: its hooks are held past the leader's wait
     * (steps.Bootstrap.WAIT, 60 s), with every hook's order shuffled. The other two form the cluster
     * without it, and it joins afterwards as a learner, as an added unit does.
     */
    @Test
    void aUnitLatePastTheWaitJoinsAsALearnerAfterTheOthersFormedTheCluster() throws Exception {
        try (LocalCluster c = new LocalCluster("late-unit")) {
            c.controller().setModelConfig(Map.of("hook-jitter", "1s", "hook-hold", "etcd/2=100s"));
            c.deploy(3, Map.of());
            c.await("the cluster forms without etcd/2", Duration.ofMinutes(3), () -> Files.readAllLines(c.controller().debugLogFile())
                    .stream().anyMatch(l -> l.contains("forming the etcd cluster without etcd/2")));
            check(c, 3);
            List<String> log = Files.readAllLines(c.controller().debugLogFile());
            assertEquals(1, log.stream().filter(l -> l.matches(".*bootstrapped the etcd cluster on etcd/\\d with etcd/0, etcd/1 .*")).count(),
                    "one initial cluster of etcd/0 and etcd/1");
            assertEquals(1, log.stream().filter(l -> l.contains("added etcd/2 as a learner")).count(), "etcd/2 admitted as a learner");
            assertEquals(List.of(), log.stream().filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).toList(), "failed hooks");
        }
    }

    @Test
    void removingTwoOfThreeInOneCommandWithTheJujuLeaderKeepsOneMemberAndEveryKey() throws Exception {
        try (LocalCluster c = new LocalCluster("remove-two")) {
            c.deploy(3, Map.of());
            check(c, 3);
            write(c, "before-removal");
            String jujuLeader = c.leaderUnit();
            String other = c.units().stream().filter(u -> !u.equals(jujuLeader)).findFirst().orElseThrow();
            c.controller().removeUnit(jujuLeader, other);
            check(c, 1);
            assertEquals(List.of(), Files.readAllLines(c.controller().debugLogFile()).stream()
                    .filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).toList(), "failed hooks");
        }
    }

    @Test
    void deployThreeAtOnceBadConfigBlocksWithoutTouchingTheClusterAndGoodChangesRollThrough() throws Exception {
        try (LocalCluster c = new LocalCluster("config")) {
            c.deploy(3, Map.of());
            check(c, 3);
            c.assertFormedStatically();
            write(c, "before");

            c.controller().config("etcd", Map.of("election_timeout", "300"));
            c.idle();
            for (String unit : c.units()) {
                assertEquals("blocked", c.unit(unit).workload(), unit);
                assertEquals("invalid config: election_timeout must be at least 5 times heartbeat_interval (500 ms), got 300",
                        c.unit(unit).workloadMessage());
                assertTrue(!Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml")).contains("300"));
            }
            assertEveryKey(c);
            c.assertMembershipMatchesUnitsIgnoringStatus();

            c.controller().config("etcd", Map.of("election_timeout", "1500"));
            check(c, 3);
            for (String unit : c.units()) {
                String conf = Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml"));
                assertTrue(conf.contains("election-timeout: 1500"), unit + " config:\n" + conf);
            }
            write(c, "after");

            // A second change while the first still rolls through: the unit holding the turn for the
            // first asks for another restart before it has used that turn. The turn must move on (it
            // waited for the first restart for ever, and so did every unit).
            long from = Files.readAllLines(c.controller().debugLogFile()).size();
            c.controller().config("etcd", Map.of("heartbeat_interval", "120"));
            c.await("the first unit restarted for the first change", Duration.ofMinutes(1),
                    () -> Files.readAllLines(c.controller().debugLogFile()).stream().skip(from)
                            .anyMatch(l -> l.contains("restarted etcd with the new configuration")));
            c.controller().config("etcd", Map.of("heartbeat_interval", "110"));
            c.controller().waitIdle(Duration.ofMinutes(2));
            check(c, 3);
            for (String unit : c.units()) {
                String conf = Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml"));
                assertTrue(conf.contains("heartbeat-interval: 110"), unit + " config:\n" + conf);
            }

            c.controller().config("etcd", Map.of("management_port", "2390"));
            check(c, 3);
            for (LocalCluster.Member m : c.members()) {
                assertTrue(m.peerUrls().get(0).endsWith(":2390"), "peer URL not updated: " + m);
            }
            write(c, "after-port-change");

            // Both ports at once, with update-status out of the way: each member serves on its old client
            // port until its restart turn and must be reached there meanwhile; the leader's own restart
            // must pass the turn on without waiting for another unit's hook.
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "10m"));
            c.controller().config("etcd", Map.of("port", "2382", "management_port", "2380"));
            c.controller().waitIdle(java.time.Duration.ofMinutes(2));
            check(c, 3);
            for (LocalCluster.Member m : c.members()) {
                assertTrue(m.peerUrls().get(0).endsWith(":2380"), "peer URL not updated: " + m);
                assertTrue(m.clientUrls().get(0).endsWith(":2382"), "client URL not updated: " + m);
            }
            assertEquals(List.of("2381/tcp", "2382/tcp"), c.unit(c.units().get(0)).ports().stream().sorted().toList(),
                "the metrics port and the client port");
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "20s"));
            write(c, "after-both-ports");

            actionsWorkThroughTheRunner(c);
            dbClientGetsItsOwnCredentialsAndFollowsMembership(c);
        }
    }

    /**
     * {@code compact} through the local-juju CLI as an operator types it: {@code revision=1} arrives as a
     * YAML integer, {@code --string-args} as a string, and both reach the charm (docs/juju-contract.md,
     * section 7); a revision below 1 is refused by the schema before anything is queued.
     */
    @Test
    void compactThroughTheCliTakesTheRevisionTypedBareOrAsAString() throws Exception {
        Path home = Files.createTempDirectory("local-juju-cli-");
        String model = "cli-compact";
        try {
            // no automatic compaction: revision 1 stays for the compactions below
            Cli deployed = cli(home, model, "deploy", LocalCluster.CHARM.toString(), "etcd", "--config",
                    "auto-compaction-retention=0");
            assertEquals(0, deployed.code(), deployed.err());
            Cli waited = cli(home, model, "wait", "--timeout", "6m");
            assertEquals(0, waited.code(), waited.err());

            Cli typed = cli(home, model, "run", "etcd/0", "compact", "revision=1", "physical=true", "--format", "json");
            assertEquals(0, typed.code(), typed.err());
            JsonNode task = JSON.readTree(typed.out()).get("etcd/0");
            assertEquals("completed", task.get("status").asText(), typed.out());
            assertEquals("1", task.get("results").get("revision").asText(), typed.out());
            assertEquals("true", task.get("results").get("physical").asText(), typed.out());

            Cli asString = cli(home, model, "run", "etcd/0", "compact", "--string-args", "revision=1", "physical=false");
            assertEquals(0, asString.code(), "action-fail exits 0: " + asString.err());
            assertTrue(asString.err().contains("failed: revision 1 is already compacted"), asString.err());

            Cli legacy = cli(home, model, "run-action", "etcd/0", "compact", "revision=1", "--wait");
            assertTrue(legacy.out().contains("status: failed") && legacy.out().contains("revision 1 is already compacted"),
                    legacy.out());

            Cli negative = cli(home, model, "run", "etcd/0", "compact", "revision=-5");
            assertNotEquals(0, negative.code());
            assertEquals("ERROR validation failed: revision: Must be greater than or equal to 1\n", negative.err());
        } finally {
            cli(home, model, "destroy");
            Controller.cleanup(new ModelPaths(home, model));
            new ProcessBuilder("rm", "-rf", home.toString()).start().waitFor();
        }
    }

    private record Cli(int code, String out, String err) {
    }

    /** Runs the local-juju CLI in its own process, as an operator does. */
    private static Cli cli(Path home, String model, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalJuju.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LOCAL_JUJU_HOME", home.toString());
        pb.environment().put("LOCAL_JUJU_MODEL", model);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "local-juju " + List.of(args) + " hung");
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Each maintenance action through the runner against the real cluster, and the client port opened. */
    private void actionsWorkThroughTheRunner(LocalCluster c) throws Exception {
        assertEquals(List.of("2381/tcp", "2382/tcp"), c.unit(c.units().get(0)).ports().stream().sorted().toList(),
                "the metrics port and the client port");
        ActionTask members = c.run("etcd/leader", "member-list", Map.of());
        assertEquals("completed", members.state().word(), members.message());
        assertEquals("3", String.valueOf(members.results().get("count")));
        ActionTask compact = c.run(c.units().get(1), "compact", Map.of("physical", true));
        assertEquals("completed", compact.state().word(), compact.message());
        ActionTask defrag = c.run(c.units().get(2), "defrag", Map.of("member", "all"));
        assertEquals("completed", defrag.state().word(), defrag.message());
        assertEquals(3, String.valueOf(defrag.results().get("defragmented")).split(",").length, defrag.results().toString());
        ActionTask alarms = c.run(c.units().get(0), "alarm-list", Map.of());
        assertEquals("0", String.valueOf(alarms.results().get("count")), alarms.results().toString());
        ActionTask disarm = c.run(c.units().get(0), "alarm-disarm", Map.of());
        assertEquals("completed", disarm.state().word(), disarm.message());
        ActionTask badMember = c.run(c.units().get(0), "defrag", Map.of("member", "etcd-99"));
        assertEquals("failed", badMember.state().word());
        assertTrue(badMember.message().contains("no member named 'etcd-99'"), badMember.message());
        ActionTask health = c.run(c.units().get(1), "health", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> cluster = (Map<String, Object>) health.results().get("cluster");
        assertEquals("healthy", cluster.get("status"), health.results().toString());
        assertEquals("1", String.valueOf(cluster.get("failures-tolerated")), cluster.toString());
        // move-leader with no name, on a unit whose member does not lead: that member leads afterwards
        String raftLeader = String.valueOf(cluster.get("leader"));
        String other = c.units().stream().filter(u -> !u.replace('/', '-').equals(raftLeader)).findFirst().orElseThrow();
        ActionTask moved = c.run(other, "move-leader", Map.of());
        assertEquals("completed", moved.state().word(), moved.message());
        assertEquals(raftLeader, String.valueOf(moved.results().get("previous-leader")), moved.results().toString());
        assertEquals(other.replace('/', '-'), String.valueOf(moved.results().get("leader")), moved.results().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) c.run(c.units().get(0), "health", Map.of()).results().get("cluster");
        assertEquals(other.replace('/', '-'), after.get("leader"), after.toString());
        ActionTask consistency = c.run(c.units().get(2), "check-consistency", Map.of());
        assertEquals("completed", consistency.state().word(), consistency.message());
        assertEquals("consistent", String.valueOf(consistency.results().get("status")), consistency.results().toString());
        ActionTask badLeader = c.run(other, "move-leader", Map.of("member", "etcd/99"));
        assertEquals("failed", badLeader.state().word());
        assertTrue(badLeader.message().startsWith("no member named 'etcd/99'; voting members: "), badLeader.message());
        assertEveryKey(c);
    }

    /** A consumer related on db connects with the credentials it received, and sees membership changes. */
    private void dbClientGetsItsOwnCredentialsAndFollowsMembership(LocalCluster c) throws Exception {
        c.deployDbClient();
        c.settle();
        Map<String, String> data = c.dbClientData("app.json");
        assertEquals(3, data.get("connection_string").split(",").length, data.get("connection_string"));
        assertEquals("3.4.23", data.get("version"));
        String unitKey = Files.readString(c.controller().hostPath(c.units().get(0), "/etc/etcd/pki/server.key"));
        assertNotEquals(unitKey.strip(), data.get("client_key").strip(), "a member's key was handed out");
        LocalCluster.Result r = c.etcdctlWith(data, "put", "from-db-client", "yes");
        assertEquals(0, r.code(), r.output());
        assertEquals("yes", c.get("from-db-client"));

        c.controller().removeUnit(c.units().get(c.units().size() - 1));
        check(c, 2);
        Map<String, String> after = c.dbClientData("app.json");
        assertEquals(2, after.get("connection_string").split(",").length, after.get("connection_string"));
        assertEquals(0, c.etcdctlWith(after, "get", "from-db-client").code());
    }
}
