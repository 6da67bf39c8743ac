package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.ExecResult;
import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.ModelException;
import dev.charms.runner.model.Relation;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The faults of the fault suite ({@link FaultSuiteIT}); each is a {@link FaultScenario}. */
final class FaultScenarios {
    private FaultScenarios() {
    }

    /** {@code deploy -n 5} into an empty model; the writer starts once the first member takes writes. */
    static FaultScenario deployFive() {
        return new FaultScenario() {
            @Override
            public String name() {
                return "deploy -n 5";
            }

            @Override
            public int units() {
                return 5;
            }

            @Override
            public boolean writesBeforeInject() {
                return false;
            }

            @Override
            public void inject(FaultRun run) throws Exception {
                LocalCluster c = run.cluster();
                c.deploy(5, Map.of());
                c.await("the cluster takes a first write", Duration.ofMinutes(5), () -> {
                    try {
                        return c.etcdctlRaw(true, "put", "deploy-five", "yes").code() == 0;
                    } catch (java.io.IOException | RuntimeException e) {
                        return false; // no unit yet, or the first unit's credentials are not written yet
                    }
                });
                run.startWriter();
                c.await("5 units", Duration.ofMinutes(1), () -> c.units().size() == 5);
            }
        };
    }

    /** 5 units shrunk to 3, then to 1 (the Juju leader kept), then grown back to 3. */
    static FaultScenario shrinkAndGrow() {
        return FaultScenario.of("shrink 5→3→1, grow to 3", 5, run -> {
            LocalCluster c = run.cluster();
            for (int target : new int[] {3, 1}) {
                String leader = c.leaderUnit();
                List<String> others = c.units().stream().filter(u -> !u.equals(leader)).toList();
                c.controller().removeUnit(others.subList(0, c.units().size() - target).toArray(String[]::new));
                c.await(target + " units", Duration.ofMinutes(4), () -> c.units().size() == target);
                FaultSuite.awaitAllActive(c, Duration.ofMinutes(4));
                c.awaitMembershipMatchesUnits(Duration.ofSeconds(90));
            }
            c.controller().addUnit("etcd", 2);
            c.await("3 units", Duration.ofMinutes(1), () -> c.units().size() == 3);
        });
    }

    /** SIGKILL of the raft leader's etcd; systemd starts it again. */
    static FaultScenario killRaftLeader() {
        return FaultScenario.of("kill -9 raft leader's etcd", 3, run -> {
            LocalCluster c = run.cluster();
            String victim = c.raftLeaderUnit();
            String pid = mainPid(c, victim);
            c.controller().crash(victim, "etcd");
            c.await("systemd started etcd again on " + victim, Duration.ofSeconds(60), () -> {
                String now = mainPid(c, victim);
                return !now.equals("0") && !now.equals(pid);
            });
            c.await("a raft leader again", Duration.ofSeconds(60),
                    () -> c.etcdctlRaw(true, "endpoint", "health").code() == 0);
        });
    }

    /** A follower (neither Juju nor raft leader) cut off, until the others report it unreachable, then healed. */
    static FaultScenario cutFollower() {
        return FaultScenario.of("cut follower", 3, run -> {
            LocalCluster c = run.cluster();
            String raftLeader = c.raftLeaderUnit();
            String leader = c.leaderUnit();
            String cut = c.units().stream().filter(u -> !u.equals(leader) && !u.equals(raftLeader)).findFirst()
                    .orElseThrow();
            List<String> rest = c.units().stream().filter(u -> !u.equals(cut)).toList();
            int before = run.acknowledged();
            c.controller().cut(cut);
            try {
                c.await("the others report the cut-off member", Duration.ofSeconds(90), () -> rest.stream().allMatch(u ->
                        c.unit(u).workloadMessage().endsWith("1 of 3 members unreachable")));
                c.await("writes go on through the majority", Duration.ofSeconds(60), () -> run.acknowledged() > before + 5);
            } finally {
                c.controller().heal(cut);
            }
        });
    }

    /** The raft leader's unit cut off until another member leads, then healed. */
    static FaultScenario cutRaftLeader() {
        return FaultScenario.of("cut raft leader", 3, run -> {
            LocalCluster c = run.cluster();
            String cut = c.raftLeaderUnit();
            List<String> rest = c.units().stream().filter(u -> !u.equals(cut)).toList();
            c.controller().cut(cut);
            try {
                c.await("another member leads", Duration.ofSeconds(60), () -> {
                    LocalCluster.Result r = c.etcdctlRawAt("etcd", rest, "endpoint", "status", "-w", "json");
                    return r.code() == 0 && !r.output().contains("\"leader\":0")
                            && c.etcdctlRawAt("etcd", rest, "put", "cut-raft-leader", "yes").code() == 0;
                });
                int before = run.acknowledged();
                c.await("writes go on through the majority", Duration.ofSeconds(60), () -> run.acknowledged() > before + 5);
            } finally {
                c.controller().heal(cut);
            }
        });
    }

    /**
     * The Juju leader's machine cut off for several update-status periods (5 s here) while writes go on
     * through the majority, with a configuration change made during the cut: the leader's restart turn
     * must not stay stuck. After the heal the change has rolled through every member (one restart each),
     * the leader publishes no restart turn and admits no learner, and a second change afterwards rolls
     * through every member too.
     */
    static FaultScenario longPartitionOfJujuLeader() {
        return FaultScenario.of("cut Juju leader for 8 update-status periods", 3, run -> {
            LocalCluster c = run.cluster();
            String interval = c.controller().modelConfig().get("update-status-hook-interval");
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "5s"));
            try {
                String leader = c.leaderUnit();
                List<String> rest = c.units().stream().filter(u -> !u.equals(leader)).toList();
                Map<String, String> pids = mainPids(c);
                int heartbeat = heartbeat(c) + 10;
                c.controller().cut(leader);
                try {
                    int before = run.acknowledged();
                    c.controller().config("etcd", Map.of("heartbeat_interval", String.valueOf(heartbeat)));
                    Thread.sleep(Duration.ofSeconds(40).toMillis()); // eight update-status periods of 5 s
                    assertTrue(run.acknowledged() > before + 20,
                            "writes did not go on through the majority: " + (run.acknowledged() - before));
                    LocalCluster.Result read = c.etcdctlRawAt("etcd", rest, "get", "fault/", "--prefix", "--keys-only", "--limit", "1");
                    assertEquals(0, read.code(), read.output());
                    for (String u : c.units()) {
                        assertNotEquals("error", c.unit(u).agent(), u + " during the cut");
                    }
                } finally {
                    c.controller().heal(leader);
                }
                FaultSuite.awaitAllActive(c, Duration.ofMinutes(4));
                assertRolledThrough(c, heartbeat, pids);
                assertNoTurnOrAdmissionLeft(c);
                run.note("restart turn free and no learner admitted after the heal");
                Map<String, String> again = mainPids(c);
                c.controller().config("etcd", Map.of("heartbeat_interval", String.valueOf(heartbeat + 10)));
                FaultSuite.awaitAllActive(c, Duration.ofMinutes(4));
                assertRolledThrough(c, heartbeat + 10, again);
                assertNoTurnOrAdmissionLeft(c);
                run.note("a later config change rolled through every member");
            } finally {
                c.controller().setModelConfig(Map.of("update-status-hook-interval", interval));
            }
        });
    }

    /** Every unit's configuration has {@code heartbeat} and its etcd restarted since {@code pidsBefore}. */
    private static void assertRolledThrough(LocalCluster c, int heartbeat, Map<String, String> pidsBefore) throws Exception {
        c.await("every member runs heartbeat-interval " + heartbeat, Duration.ofMinutes(3), () -> {
            for (String u : c.units()) {
                String conf = Files.readString(c.controller().hostPath(u, "/etc/etcd/etcd.conf.yml"));
                if (!conf.contains("heartbeat-interval: " + heartbeat) || mainPid(c, u).equals(pidsBefore.get(u))
                        || mainPid(c, u).equals("0")) {
                    return false;
                }
            }
            return true;
        });
        FaultSuite.awaitAllActive(c, Duration.ofMinutes(2));
    }

    /** The leader publishes no restart turn in the peer application bag and has no learner admitted. */
    private static void assertNoTurnOrAdmissionLeft(LocalCluster c) throws Exception {
        c.settle();
        Relation peer = c.controller().model().relationsOf("etcd").stream().filter(Relation::isPeer).findFirst()
                .orElseThrow();
        String turn = peer.appBag("etcd").snapshot().getOrDefault("restart-turn", "");
        assertEquals("", turn, "a restart turn is left in the peer data");
        for (String u : c.units()) {
            Map<String, String> bag = peer.unitBag(u).snapshot();
            String request = bag.getOrDefault("restart-request", "");
            assertTrue(request.isEmpty() || request.equals(bag.get("restarted")), u + " still waits for a restart: " + bag);
        }
        assertTrue(c.members().stream().noneMatch(LocalCluster.Member::learner), "a learner is left: " + c.members());
    }

    /**
     * Invalid option values: each is refused (every unit blocked naming the option, nothing restarted,
     * the configuration file unchanged); setting the previous value back makes every unit active.
     */
    static FaultScenario badConfigValues() {
        return FaultScenario.of("bad config values", 3, run -> {
            LocalCluster c = run.cluster();
            Map<String, Object> before = c.controller().config("etcd");
            Map<String, String> pids = mainPids(c);
            Map<String, String> confs = confs(c);
            Map<String, String> bad = new LinkedHashMap<>();
            bad.put("election_timeout", "300");
            bad.put("snapshot_count", "lots");
            bad.put("tls_cipher_suites", "TLS_NOT_A_SUITE");
            bad.put("port", String.valueOf(before.get("management_port")));
            int refused = 0;
            for (Map.Entry<String, String> e : bad.entrySet()) {
                try {
                    c.controller().config("etcd", Map.of(e.getKey(), e.getValue()));
                } catch (ModelException refusedByJuju) {
                    refused++;
                    run.note(e.getKey() + "=" + e.getValue() + " refused by the model: " + refusedByJuju.getMessage());
                    continue;
                }
                c.await("every unit is blocked on " + e.getKey(), Duration.ofMinutes(2), () -> c.units().stream()
                        .allMatch(u -> c.unit(u).workload().equals("blocked")
                                && c.unit(u).workloadMessage().contains("invalid config: " + e.getKey())));
                c.idle();
                assertEquals(pids, mainPids(c), "a member restarted on " + e);
                assertEquals(confs, confs(c), "a configuration file changed on " + e);
                c.controller().config("etcd", Map.of(e.getKey(), String.valueOf(before.get(e.getKey()))));
                FaultSuite.awaitAllActive(c, Duration.ofMinutes(2));
                refused++;
            }
            assertEquals(bad.size(), refused);
            assertEquals(pids, mainPids(c), "a member restarted");
            assertEquals(confs, confs(c), "a configuration file changed");
            run.note(refused + " invalid values refused, no member restarted");
        });
    }

    /**
     * Actions with bad arguments: each is refused before it runs or fails with a message naming the
     * problem, and nothing changes (the same members, no restart).
     */
    static FaultScenario badActionArguments() {
        return FaultScenario.of("bad action arguments", 3, run -> {
            LocalCluster c = run.cluster();
            Map<String, String> pids = mainPids(c);
            List<String> members = c.members().stream().map(m -> m.id() + "/" + m.name()).sorted().toList();
            String unit = c.leaderUnit();
            List<Object[]> cases = List.of(
                    new Object[] {"compact", Map.of("revision", "abc")},
                    new Object[] {"compact", Map.of("revision", 999_999_999)},
                    new Object[] {"defrag", Map.of("member", "etcd-99")},
                    new Object[] {"move-leader", Map.of("member", "etcd-99")},
                    new Object[] {"snapshot", Map.of("target", "relative/dir")},
                    new Object[] {"restore", Map.of("snapshot", "/nonexistent/snapshot.db")},
                    new Object[] {"generate-client-certificates", Map.of("validity-days", 0)},
                    new Object[] {"generate-client-certificates", Map.of("key-type", "dsa-512")},
                    new Object[] {"health", Map.of("no-such-param", "x")});
            int refused = 0;
            int failed = 0;
            for (Object[] k : cases) {
                String action = (String) k[0];
                @SuppressWarnings("unchecked")
                Map<String, Object> params = (Map<String, Object>) k[1];
                String message;
                try {
                    ActionTask task = c.run(unit, action, params);
                    assertEquals(ActionTask.State.FAILED, task.state(), action + " " + params + ": " + task.results());
                    message = task.message();
                    failed++;
                } catch (ModelException e) {
                    message = e.getMessage();
                    refused++;
                }
                assertTrue(message != null && !message.isBlank(), action + " " + params + " failed without a message");
                String value = String.valueOf(params.values().iterator().next());
                String key = params.keySet().iterator().next();
                assertTrue(message.contains(value) || message.contains(key),
                        action + " " + params + ": the message names neither the argument nor its value: " + message);
            }
            assertEquals(pids, mainPids(c), "a member restarted");
            assertEquals(members, c.members().stream().map(m -> m.id() + "/" + m.name()).sorted().toList());
            run.note(refused + " refused before running, " + failed + " failed with a message; nothing changed");
        });
    }

    static int heartbeat(LocalCluster c) {
        return Integer.parseInt(String.valueOf(c.controller().config("etcd").get("heartbeat_interval")));
    }

    static String mainPid(LocalCluster c, String unit) throws Exception {
        ExecResult r = c.controller().exec(unit, "systemctl show -p MainPID --value etcd", Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout().strip();
    }

    static Map<String, String> mainPids(LocalCluster c) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String u : c.units()) {
            out.put(u, mainPid(c, u));
        }
        return out;
    }

    private static Map<String, String> confs(LocalCluster c) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String u : c.units()) {
            out.put(u, Files.readString(c.controller().hostPath(u, "/etc/etcd/etcd.conf.yml")));
        }
        return out;
    }

    static List<String> sorted(java.util.Collection<String> in) {
        return new ArrayList<>(new TreeSet<>(in));
    }

    static void assertNotBlank(String s, String what) {
        assertFalse(s == null || s.isBlank(), what);
    }
}
