package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.ExecResult;
import dev.charms.runner.controller.StatusSnapshot;
import dev.charms.runner.model.ActionTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Failures through the local runner with the real charm and real etcd, on one deployment: a failing
 * install hook that is retried and then succeeds, a refused etcd release shown as blocked, an etcd process
 * killed under a 3-unit cluster, and a unit cut off the network and healed.
 */
class FailureIT {
    private static final String RELEASE = "etcd-v3.4.23-linux-amd64";
    /** One update-status interval (20 s, set by LocalCluster) plus the hooks' own time. */
    private static final Duration ONE_UPDATE_STATUS = Duration.ofSeconds(45);

    /**
     * <ol>
     * <li>A unit deployed with a corrupt {@code etcd} resource: the install hook fails (agent
     * {@code error}, {@code hook failed: "install"}), the debug log has the charm's one-line reason
     * naming the file, and the hook is retried; after a valid release tarball is attached the retried
     * install succeeds: the unit is active, etcd runs from /opt/etcd/bin, workload version 3.4.23.
     * Two more units join (they get the tarball too).</li>
     * <li>The raft leader's etcd is SIGKILLed: systemd restarts it (Restart=on-failure), the cluster is
     * healthy again with every key, and no hook fails.</li>
     * <li>A unit is cut off the network: within one update-status the other units report
     * {@code cluster-health check failed: 1 of 3 members unreachable}, and the {@code health} action on
     * another unit says {@code degraded} naming that member as unreachable; the cut-off unit itself is
     * blocked with {@code no quorum reachable from this unit: 2 of 3 members unreachable, 1 unhealthy}
     * (its own member answers, without a leader); after healing every unit
     * reports {@code cluster is healthy, 3 members} again.</li>
     * <li>The Juju leader's machine goes away without running any hook: the new leader removes its
     * member, and no stale member is left.</li>
     * </ol>
     */
    @Test
    void failedInstallIsRetriedCrashedEtcdIsRestartedAndAPartitionIsReportedAndHealed() throws Exception {
        try (LocalCluster c = new LocalCluster("failure")) {
            failedInstallIsRetriedWithTheFixedResource(c);
            aResourceThatSkipsAMinorVersionIsRefusedAndTheMemberKeepsRunning(c);
            c.controller().addUnit("etcd", 2);
            c.settle();
            c.assertMembershipMatchesUnits();
            for (String unit : c.units()) {
                assertEquals("/opt/etcd/bin/etcd", etcdBinary(c, unit), unit);
            }
            c.put("before-failures", "kept");

            crashedEtcdIsRestartedBySystemd(c);
            aMemberThatWentDownWhileWaitingForItsRestartTurnDoesNotKeepTheTurn(c);
            partitionIsReportedAndHealed(c);
            aLeaderWhoseMachineIsGoneLeavesNoStaleMember(c);
        }
    }

    /**
     * The Juju leader's machine is gone ({@code remove-unit --force --no-wait}: none of its hooks run,
     * its etcd stops without leaving the cluster): the new leader removes the member that now matches no
     * unit, and the cluster is exactly the two remaining units, with every key, signing with the same CA.
     */
    private static void aLeaderWhoseMachineIsGoneLeavesNoStaleMember(LocalCluster c) throws Exception {
        String gone = c.leaderUnit();
        String goneMember = gone.replace('/', '-');
        c.controller().forceRemoveUnit(gone);
        c.await("the member of " + gone + " is removed from etcd", Duration.ofSeconds(120), () -> {
            List<LocalCluster.Member> members = c.members();
            return members.size() == 2 && members.stream().noneMatch(m -> m.name().equals(goneMember));
        });
        c.settle();
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        assertEquals(2, c.units().size());
        assertNotEquals(gone, c.leaderUnit());
        assertEquals("kept", c.get("before-failures"));
        assertEquals("yes", c.get("after-partition"));
        assertNoUnitInError(c);
    }

    private static void failedInstallIsRetriedWithTheFixedResource(LocalCluster c) throws Exception {
        Path corrupt = c.work().resolve("corrupt.tar.gz");
        Files.writeString(corrupt, "this is not an etcd release tarball\n");
        c.controller().deploy(LocalCluster.CHARM, "etcd", 1, Map.of(), Map.of("etcd", corrupt));
        String unit = "etcd/0";
        c.await("the install hook failed twice (retried)", Duration.ofMinutes(2),
                () -> installFailures(c) >= 2);
        StatusSnapshot.UnitRow row = c.unit(unit);
        assertEquals("error", row.agent(), row.toString());
        assertEquals("hook failed: \"install\"", row.agentMessage());
        List<String> reasons = Files.readAllLines(c.controller().debugLogFile()).stream()
                .filter(l -> l.startsWith("unit-etcd-0: ") && l.contains(" unit.etcd/0.install ERROR install: ")).toList();
        assertTrue(!reasons.isEmpty(), "no reason for the failed install in the debug log");
        String reason = reasons.get(0).substring(reasons.get(0).indexOf("ERROR install: "));
        assertEquals("ERROR install: etcd tarball /var/lib/juju/agents/unit-etcd-0/resources/etcd/etcd.tar.gz"
                + " is not a gzip file", reason);

        c.controller().attachResource("etcd", "etcd", releaseTarball(c));
        c.settle();
        row = c.unit(unit);
        assertEquals("idle", row.agent(), row.toString());
        assertEquals("(leader) cluster is healthy, 1 member", row.workloadMessage());
        assertEquals("/opt/etcd/bin/etcd", etcdBinary(c, unit));
        assertTrue(Files.isExecutable(c.controller().hostPath(unit, "/opt/etcd/bin/etcdctl")));
        StatusSnapshot.App app = c.status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst().orElseThrow();
        assertEquals("3.4.23", app.version());
    }

    /**
     * An etcd resource two minor versions ahead (etcd upgrades one at a time) is refused in upgrade-charm
     * before the installed binaries are touched: the hook succeeds, the unit and the application are
     * blocked naming the release, why, and what to attach instead, and the member keeps running on its
     * binaries with its data, not restarted. An update-status keeps the refusal shown; attaching the right
     * release again clears it.
     */
    private static void aResourceThatSkipsAMinorVersionIsRefusedAndTheMemberKeepsRunning(LocalCluster c) throws Exception {
        c.put("before-upgrade", "kept");
        String pid = show(c, "etcd/0", "MainPID");
        Path tarball = c.standInRelease("3.6.0");
        long logLines = Files.readAllLines(c.controller().debugLogFile()).size();
        c.controller().attachResource("etcd", "etcd", tarball);
        String why = "etcd resource 3.6.0 refused: etcd upgrades one minor version at a time and a member of this cluster"
                + " is on etcd 3.4.23; attach an etcd 3.5 release first (3.5.32 or later)";
        c.await("etcd/0 blocked by the refused release", Duration.ofMinutes(2),
                () -> ("(leader) " + why).equals(c.unit("etcd/0").workloadMessage()));
        c.idle();
        StatusSnapshot.UnitRow row = c.unit("etcd/0");
        assertEquals("blocked", row.workload(), row.toString());
        assertEquals("idle", row.agent(), row.toString());
        StatusSnapshot.App app = c.status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst().orElseThrow();
        assertEquals("blocked", app.status(), app.toString());
        assertEquals(why, app.message());
        assertEquals("3.4.23", app.version());
        List<String> log = Files.readAllLines(c.controller().debugLogFile()).stream().skip(logLines).toList();
        assertEquals(List.of(), log.stream().filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).toList(), "no hook failed");
        assertTrue(log.stream().anyMatch(l -> l.contains(" WARNING unit.etcd/0.juju-log ") && l.endsWith("etcd tarball"
                + " /var/lib/juju/agents/unit-etcd-0/resources/etcd/etcd.tar.gz holds etcd 3.6.0, refused: etcd upgrades one"
                + " minor version at a time and a member of this cluster is on etcd 3.4.23; attach an etcd 3.5 release first"
                + " (3.5.32 or later); the installed etcd stays")), "the refusal is not in the debug log");
        assertEquals(pid, show(c, "etcd/0", "MainPID"), "the member was restarted");
        assertEquals("/opt/etcd/bin/etcd", etcdBinary(c, "etcd/0"));
        ExecResult version = c.controller().exec("etcd/0", "/opt/etcd/bin/etcd --version", Duration.ofSeconds(20));
        assertTrue(version.stdout().contains("etcd Version: 3.4.23"), version.stdout());
        assertEquals("kept", c.get("before-upgrade"));

        c.controller().attachResource("etcd", "etcd", releaseTarball(c));
        c.settle();
        assertEquals("(leader) cluster is healthy, 1 member", c.unit("etcd/0").workloadMessage());
        assertEquals(pid, show(c, "etcd/0", "MainPID"), "the same release again restarted the member");
        assertEquals("kept", c.get("before-upgrade"));
    }

    private static long installFailures(LocalCluster c) throws Exception {
        return Files.readAllLines(c.controller().debugLogFile()).stream()
                .filter(l -> l.startsWith("unit-etcd-0: ") && l.contains("hook \"install\" (via hook dispatching script: dispatch) failed"))
                .count();
    }

    /** A release tarball of the machine's etcd 3.4.23 in the upstream layout. */
    private static Path releaseTarball(LocalCluster c) throws Exception {
        Path tarball = c.work().resolve(RELEASE + ".tar.gz");
        if (Files.exists(tarball)) {
            return tarball;
        }
        Path root = c.work().resolve("release");
        Files.createDirectories(root.resolve(RELEASE));
        for (String binary : List.of("etcd", "etcdctl")) {
            Files.copy(Path.of("/usr/bin", binary), root.resolve(RELEASE).resolve(binary));
        }
        LocalCluster.Result tar = LocalCluster.run(List.of("tar", "-C", root.toString(), "-czf", tarball.toString(), RELEASE));
        assertEquals(0, tar.code(), tar.output());
        return tarball;
    }

    /** The etcd service's main process executable as started (argv[0] of its host process). */
    private static String etcdBinary(LocalCluster c, String unit) throws Exception {
        String pid = show(c, unit, "MainPID");
        assertNotEquals("0", pid, unit + ": etcd is not running");
        byte[] cmdline = Files.readAllBytes(Path.of("/proc", pid, "cmdline"));
        return new String(cmdline, StandardCharsets.UTF_8).split("\0")[0];
    }

    private static String show(LocalCluster c, String unit, String property) throws Exception {
        ExecResult r = c.controller().exec(unit, "systemctl show -p " + property + " --value etcd", Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.stderr());
        return r.stdout().strip();
    }

    private static long hookErrors(LocalCluster c, long fromLine) throws Exception {
        return hookErrorsWithContext(c, fromLine).size();
    }

    /** Each failed hook since {@code fromLine} of the debug log, with the eight log lines before it. */
    private static List<String> hookErrorsWithContext(LocalCluster c, long fromLine) throws Exception {
        List<String> lines = Files.readAllLines(c.controller().debugLogFile());
        List<String> out = new java.util.ArrayList<>();
        for (int i = (int) fromLine; i < lines.size(); i++) {
            if (lines.get(i).contains(" ERROR juju.worker.uniter.operation ")) {
                out.add(String.join("\n", lines.subList(Math.max((int) fromLine, i - 8), i + 1)));
            }
        }
        return out;
    }

    private static void assertNoUnitInError(LocalCluster c) {
        for (StatusSnapshot.UnitRow u : c.status().units()) {
            assertNotEquals("error", u.agent(), u.toString());
        }
    }

    private static void crashedEtcdIsRestartedBySystemd(LocalCluster c) throws Exception {
        String victim = c.raftLeaderUnit();
        String pid = show(c, victim, "MainPID");
        int restarts = Integer.parseInt(show(c, victim, "NRestarts"));
        long logLines = Files.readAllLines(c.controller().debugLogFile()).size();

        c.controller().crash(victim, "etcd");
        c.await("systemd restarted etcd on " + victim, Duration.ofSeconds(30), () -> {
            assertNoUnitInError(c);
            String now = show(c, victim, "MainPID");
            return !now.equals("0") && !now.equals(pid) && Integer.parseInt(show(c, victim, "NRestarts")) == restarts + 1;
        });
        c.await("every endpoint is healthy", Duration.ofSeconds(30), () -> {
            assertNoUnitInError(c);
            return c.etcdctlRaw(true, "endpoint", "health").code() == 0;
        });
        assertEquals("kept", c.get("before-failures"));
        c.put("after-crash", "yes");
        c.settle();
        // A hook that ran while etcd was down may have reported it unreachable; the next update-status mends it.
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        assertEquals("yes", c.get("after-crash"));
        assertEquals(0, hookErrors(c, logLines), "a hook failed after the crash");
    }

    /**
     * A member whose etcd goes down while its unit waits for its rolling-restart turn (stopped here, so
     * that systemd does not start it first) is started again by the unit's next hook, with the new
     * configuration: the restart it asked for is no longer needed. The turn must not wait for that
     * restart: before, it did for ever, and the unit behind it waited for its turn for ever.
     */
    private static void aMemberThatWentDownWhileWaitingForItsRestartTurnDoesNotKeepTheTurn(LocalCluster c) throws Exception {
        String leader = c.leaderUnit();
        List<String> others = c.units().stream().filter(u -> !u.equals(leader)).toList();
        // The leader restarts first, then the others in unit order: the victim's turn comes next, and
        // another unit waits behind it.
        String victim = others.get(0);
        long logLines = Files.readAllLines(c.controller().debugLogFile()).size();
        c.controller().config("etcd", Map.of("heartbeat_interval", "110"));
        c.await(victim + " waits for its rolling-restart turn", Duration.ofMinutes(1),
                () -> c.unit(victim).workloadMessage().equals("configuration changed: waiting for this unit's rolling-restart turn"));
        assertEquals(0, c.controller().exec(victim, "systemctl stop etcd", Duration.ofSeconds(30)).exitCode());
        c.settle();
        assertTrue(c.etcdctlRaw(true, "endpoint", "health").code() == 0, "every member is up again");
        c.controller().config("etcd", Map.of("heartbeat_interval", "120"));
        c.controller().waitIdle(Duration.ofMinutes(2));
        c.settle();
        for (String unit : c.units()) {
            String conf = Files.readString(c.controller().hostPath(unit, "/etc/etcd/etcd.conf.yml"));
            assertTrue(conf.contains("heartbeat-interval: 120"), unit + " config:\n" + conf);
        }
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        assertEquals("kept", c.get("before-failures"));
        assertEquals(List.of(), hookErrorsWithContext(c, logLines), "a hook failed");
    }

    private static void partitionIsReportedAndHealed(LocalCluster c) throws Exception {
        String leader = c.leaderUnit();
        List<String> others = c.units().stream().filter(u -> !u.equals(leader)).toList();
        String cut = others.get(0);
        String observer = others.get(1);
        String cutMember = cut.replace('/', '-');
        List<String> remaining = List.of(leader, observer);
        Map<String, String> pids = new java.util.HashMap<>();

        c.controller().cut(cut);
        try {
            c.await("the other units report the unreachable member", ONE_UPDATE_STATUS, () -> remaining.stream()
                    .allMatch(u -> c.unit(u).workloadMessage().endsWith("cluster-health check failed: 1 of 3 members unreachable")));
            for (String u : remaining) {
                assertEquals("active", c.unit(u).workload(), u);
            }
            c.await("the cut-off unit reports that it reaches no quorum", ONE_UPDATE_STATUS.multipliedBy(2), () ->
                    c.unit(cut).workloadMessage().equals("no quorum reachable from this unit: 2 of 3 members unreachable, 1 unhealthy"));
            assertEquals("blocked", c.unit(cut).workload());
            ActionTask health = c.runOk(observer, "health", Map.of());
            assertEquals("degraded", LocalCluster.result(health, "cluster.status"), String.valueOf(health.results()));
            assertEquals("1 of 3 members unreachable (" + cutMember + ")", LocalCluster.result(health, "cluster.message"));
            assertEquals("2", LocalCluster.result(health, "cluster.reachable"));
            assertEquals("false", LocalCluster.result(health, "members." + cutMember + ".reachable"));
            assertEquals("true", LocalCluster.result(health, "members." + observer.replace('/', '-') + ".reachable"));
            LocalCluster.Result read = c.etcdctlRawAt("etcd", remaining, "get", "before-failures", "--print-value-only");
            assertEquals(0, read.code(), read.output());
            assertEquals("kept", read.output().strip());

            // A configuration change now must not restart a member: with one of three unreachable, either
            // restart would leave the cluster without quorum. The rolling restart waits for the heal.
            for (String u : remaining) {
                pids.put(u, show(c, u, "MainPID"));
            }
            c.controller().config("etcd", Map.of("heartbeat_interval", "130"));
            c.await("the leader holds its restart back", Duration.ofSeconds(60), () -> c.unit(leader).workloadMessage()
                    .equals("configuration changed: restarting once the cluster can spare this member (1 of 2 other members unhealthy)"));
            c.await(observer + " waits for its turn", Duration.ofSeconds(60), () -> c.unit(observer).workloadMessage()
                    .equals("configuration changed: waiting for this unit's rolling-restart turn"));
            for (String u : remaining) {
                assertEquals(pids.get(u), show(c, u, "MainPID"), u + " restarted while a member was unreachable");
            }
        } finally {
            c.controller().heal(cut);
        }
        c.await("every unit reports a healthy cluster again", ONE_UPDATE_STATUS.multipliedBy(2), () -> c.units().stream()
                .allMatch(u -> c.unit(u).workloadMessage().endsWith("cluster is healthy, 3 members")));
        c.settle();
        for (String u : c.units()) {
            String conf = Files.readString(c.controller().hostPath(u, "/etc/etcd/etcd.conf.yml"));
            assertTrue(conf.contains("heartbeat-interval: 130"), u + " config:\n" + conf);
        }
        for (String u : remaining) {
            assertNotEquals(pids.get(u), show(c, u, "MainPID"), u + " did not restart once the partition healed");
        }
        c.assertMembershipMatchesUnits();
        c.put("after-partition", "yes");
        assertEquals("yes", c.get("after-partition"));
        assertNoUnitInError(c);
    }
}
