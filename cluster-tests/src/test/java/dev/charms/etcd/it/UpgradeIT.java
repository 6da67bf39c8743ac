package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.StatusSnapshot;
import dev.charms.runner.model.ActionTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rolling upgrades of a 3-unit cluster under a continuous writer, by attaching real etcd releases as the
 * {@code etcd} resource: the machine's 3.4.23 to 3.5.16 (a minor upgrade, preceded by a snapshot), then
 * 3.5.16 to 3.5.30 (a patch upgrade, no snapshot), then back to 3.5.16 (a patch downgrade, which the
 * charm allows within a minor version: a rolling restart, no snapshot). Throughout, at most one member is
 * down at a time (quorum kept), every acknowledged write is readable afterwards and failed writes stay
 * within the members' restarts; the cluster version moves to 3.5 once every member runs it. Last, a
 * stand-in etcd 3.6 is refused over 3.5.16 in status, without a failed hook or a restart.
 */
class UpgradeIT {
    /** Failed writes allowed per member restart (a write in flight when its member stops). */
    private static final int FAILURES_PER_RESTART = 2;
    /** The longest a run of failed writes may last: one member's restart, not an outage. */
    private static final Duration LONGEST_OUTAGE = Duration.ofSeconds(10);
    private static final String SNAPSHOT_LOG = "saved a snapshot before upgrading etcd from 3.4.23 to 3.5.16: ";

    @Test
    void rollingUpgradesAndAPatchDowngradeUnderLoadKeepQuorumAndEveryAcknowledgedWrite() throws Exception {
        Path minor = LocalCluster.etcdRelease("3.5.16");
        Path patch = LocalCluster.etcdRelease("3.5.30");
        try (LocalCluster c = new LocalCluster("upgrade")) {
            c.deploy(3, Map.of());
            c.settle();
            c.assertMembershipMatchesUnits();
            c.assertEveryMemberRuns("3.4.23");
            assertEquals("3.4.0", c.clusterVersion(c.units().get(0)));

            Load load = new Load(c);
            long from = Files.readAllLines(c.controller().debugLogFile()).size();
            try {
                load.start();
                c.controller().attachResource("etcd", "etcd", minor);
                c.settle();
                c.assertEveryMemberRuns("3.5.16");
                c.await("the cluster version is 3.5", Duration.ofSeconds(30),
                        () -> c.clusterVersion(c.units().get(0)).equals("3.5.0"));
                snapshotWasSavedBeforeTheFirstRestart(c, from);

                c.controller().attachResource("etcd", "etcd", patch);
                c.settle();
                c.assertEveryMemberRuns("3.5.30");

                c.controller().attachResource("etcd", "etcd", minor);
                c.settle();
                c.assertEveryMemberRuns("3.5.16");
                assertEquals("3.5.0", c.clusterVersion(c.units().get(0)));
            } finally {
                load.stop();
            }
            c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
            assertEquals(1, log(c, from).stream().filter(l -> l.contains("saved a snapshot before upgrading")).count(),
                    "a patch upgrade or downgrade takes no snapshot");
            assertEquals(List.of(), log(c, from).stream().filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")
                    || l.contains("; the installed etcd stays")).toList(), "a release was refused or a hook failed");
            for (String unit : c.units()) {
                assertEquals(3, log(c, from).stream().filter(l -> l.startsWith("unit-" + unit.replace('/', '-') + ": ")
                        && l.contains("restarted etcd with the new configuration")).count(), unit + ": one restart per release");
            }
            load.assertKeptEveryAcknowledgedWrite(9);

            etcd36IsRefusedInStatusOverA35OlderThan3532(c, minor);
        }
    }

    /**
     * The stand-in etcd 3.6.0 attached to the cluster on 3.5.16 (etcd moves to 3.6 only from 3.5.32 or
     * later): every unit's upgrade-charm succeeds and the units and the application are blocked naming the
     * release, why and what to attach; no member restarts, each still runs 3.5.16 with the data. Attaching
     * 3.5.16 ({@code current}) again clears the refusal, still without a restart.
     */
    private static void etcd36IsRefusedInStatusOverA35OlderThan3532(LocalCluster c, Path current) throws Exception {
        c.put("before-3.6", "kept");
        Map<String, String> pids = c.etcdPids();
        long from = Files.readAllLines(c.controller().debugLogFile()).size();
        c.controller().attachResource("etcd", "etcd", c.standInRelease("3.6.0"));
        String why = "etcd resource 3.6.0 refused: upgrading to etcd 3.6 needs 3.5.32 or later on every member (a member"
                + " is on 3.5.16); attach etcd 3.5.32 or a later 3.5 release first";
        c.await("every unit blocked by the refused release", Duration.ofMinutes(2), () -> c.status().units().stream()
                .allMatch(u -> u.workloadMessage().equals((u.leader() ? "(leader) " : "") + why)));
        c.idle();
        for (StatusSnapshot.UnitRow u : c.status().units()) {
            assertEquals("blocked", u.workload(), u.toString());
            assertEquals((u.leader() ? "(leader) " : "") + why, u.workloadMessage(), u.name());
            assertEquals("idle", u.agent(), u.toString());
        }
        StatusSnapshot.App app = c.status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst().orElseThrow();
        assertEquals("blocked", app.status(), app.toString());
        assertEquals(why, app.message());
        assertEquals(List.of(), log(c, from).stream().filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).toList(), "a hook failed");
        assertEquals(pids, c.etcdPids(), "a refused release restarted a member");
        c.assertEveryMemberRuns("3.5.16");
        assertEquals("kept", c.get("before-3.6"));

        c.controller().attachResource("etcd", "etcd", current);
        c.settle();
        assertEquals(pids, c.etcdPids(), "the running release attached again restarted a member");
        c.assertMembershipMatchesUnits();
    }

    /**
     * The leader saved one snapshot of the 3.4 data before any member restarted on 3.5, says where in the
     * debug log, and the {@code health} action reports it; the file is on that unit.
     */
    private static void snapshotWasSavedBeforeTheFirstRestart(LocalCluster c, long from) throws Exception {
        List<String> lines = log(c, from);
        int saved = indexOf(lines, SNAPSHOT_LOG);
        int firstRestart = indexOf(lines, "restarted etcd with the new configuration");
        assertTrue(saved >= 0, "no snapshot was logged");
        assertTrue(saved < firstRestart, "the snapshot came after a member restarted:\n" + lines.get(firstRestart));
        String line = lines.get(saved);
        String path = line.substring(line.indexOf(SNAPSHOT_LOG) + SNAPSHOT_LOG.length()).split(" ")[0];
        String unit = line.substring("unit-".length(), line.indexOf(':')).replaceFirst("-(\\d+)$", "/$1");
        assertEquals(c.leaderUnit(), unit, "the snapshot is the leader's: " + line);
        assertTrue(path.startsWith("/home/ubuntu/etcd-snapshots/etcd-snapshot-etcd-"), path);
        assertTrue(Files.size(c.controller().hostPath(unit, path)) > 0, path);
        ActionTask health = c.runOk(c.units().get(0), "health", Map.of());
        assertEquals(unit + ": " + path + " (before etcd 3.5.16)", LocalCluster.result(health, "upgrade-snapshot"));
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> log(LocalCluster c, long from) throws Exception {
        return Files.readAllLines(c.controller().debugLogFile()).stream().skip(from).toList();
    }

    /**
     * A writer putting {@code load/<n>} one key at a time through every endpoint, and a probe asking every
     * member's health meanwhile; both run until {@link #stop()}.
     */
    private static final class Load {
        private final LocalCluster c;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Set<Integer> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final List<long[]> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> failureOutput = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger mostUnhealthy = new AtomicInteger();
        private final List<String> probes = java.util.Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger samples = new AtomicInteger();
        private volatile Exception probeFailure;
        private final List<Thread> threads = new ArrayList<>();

        Load(LocalCluster c) {
            this.c = c;
        }

        void start() {
            threads.add(new Thread(this::write, "writer"));
            threads.add(new Thread(this::probe, "health-probe"));
            threads.forEach(Thread::start);
        }

        private void write() {
            for (int n = 0; running.get(); n++) {
                try {
                    LocalCluster.Result r = c.etcdctlRaw(true, "put", "load/" + n, "v" + n);
                    if (r.code() == 0) {
                        acknowledged.add(n);
                    } else {
                        failures.add(new long[] {n, System.nanoTime()});
                        failureOutput.add(n + ": " + r.output().strip());
                    }
                } catch (Exception e) {
                    failures.add(new long[] {n, System.nanoTime()});
                    failureOutput.add(n + ": " + e);
                }
            }
        }

        private void probe() {
            while (running.get()) {
                try {
                    String out = c.etcdctlRaw(true, "endpoint", "health").output();
                    int unhealthy = (int) out.lines().filter(l -> l.contains(" is unhealthy")).count();
                    samples.incrementAndGet();
                    if (unhealthy > mostUnhealthy.get()) {
                        mostUnhealthy.set(unhealthy);
                        probes.add(out);
                    }
                    Thread.sleep(300);
                } catch (Exception e) {
                    probeFailure = e;
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(1).toMillis());
            }
        }

        /**
         * Every acknowledged key reads back; failed writes are few ({@link #FAILURES_PER_RESTART} per
         * restart) and no run of them lasts longer than {@link #LONGEST_OUTAGE}; no probe saw more than one
         * member unhealthy.
         */
        void assertKeptEveryAcknowledgedWrite(int restarts) throws Exception {
            assertTrue(acknowledged.size() > 50, "the writer hardly wrote: " + acknowledged.size() + " writes, failures " + failureOutput);
            String keys = c.etcdctl("get", "load/", "--prefix", "--keys-only");
            Set<Integer> stored = new HashSet<>();
            keys.lines().filter(l -> l.startsWith("load/")).forEach(l -> stored.add(Integer.parseInt(l.substring(5))));
            Set<Integer> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertEquals(Set.of(), lost, "acknowledged writes lost");
            assertTrue(failures.size() <= FAILURES_PER_RESTART * restarts, "too many failed writes: " + failureOutput);
            long runStart = -1;
            long previous = -2;
            for (long[] f : failures) {
                runStart = f[0] == previous + 1 ? runStart : f[1];
                previous = f[0];
                assertTrue(f[1] - runStart <= LONGEST_OUTAGE.toNanos(), "writes failed for longer than one restart: " + failureOutput);
            }
            assertEquals(null, probeFailure, "the health probe failed");
            assertTrue(samples.get() > 10, "the health probe hardly ran: " + samples.get() + " samples");
            assertTrue(mostUnhealthy.get() <= 1, "more than one member was down at once: " + probes);
            System.out.printf("UpgradeIT: %d writes acknowledged, %d failed %s; %d health probes, at most %d member(s)"
                    + " unhealthy at once%n", acknowledged.size(), failures.size(), failureOutput, samples.get(), mostUnhealthy.get());
        }
    }
}
