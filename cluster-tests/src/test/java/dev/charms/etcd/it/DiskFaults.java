package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.controller.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disk faults on a cluster deployed with a small data file system ({@code --storage data=1G}), each a
 * method another test can call on its own deployment under its own {@link ContinuousWriter}, returning the
 * writer's {@link Figures}: the data file system filling until etcd's NOSPACE alarm, and a follower's
 * member data corrupted or deleted while its etcd is stopped.
 */
public final class DiskFaults {
    /** One update-status interval as the disk fault test sets it (10 s) plus the hooks' own time. */
    static final Duration ONE_UPDATE_STATUS = Duration.ofSeconds(30);
    private static final int MIB = 1024 * 1024;

    private DiskFaults() {
    }

    /**
     * What a scenario cost the writer: writes acknowledged and failed while it ran, acknowledged writes
     * (of the whole run so far) that no longer read back, the time from the repair (or the fault, when
     * the charm repairs it alone) until every unit was active with a healthy cluster again, and hooks that
     * failed meanwhile.
     */
    public record Figures(String scenario, int acknowledged, int failed, Set<Integer> lost, Duration timeToAllActive, int hookErrors) {
        @Override
        public String toString() {
            return String.format("%s: %d writes acknowledged, %d failed, %d lost %s; all units active %.1f s after; %d hook errors",
                    scenario, acknowledged, failed, lost.size(), lost, timeToAllActive.toMillis() / 1000.0, hookErrors);
        }
    }

    /** How a stopped member's data is damaged. */
    public enum Damage {
        /** Both meta pages of the backend overwritten: bbolt cannot open it. */
        CORRUPT_BACKEND("dd if=/dev/urandom of=/var/lib/etcd/data/member/snap/db bs=4096 count=2 conv=notrunc status=none"),
        /** The member directory (WAL and backend) deleted. */
        DELETED_MEMBER("rm -rf /var/lib/etcd/data/member");

        final String command;

        Damage(String command) {
            this.command = command;
        }
    }

    /**
     * Fills the keyspace with 1 MiB values over four keys (history the compaction frees) until etcd
     * refuses writes with "database space exceeded" (the backend quota the charm fitted to the 1 GiB data
     * file system); every unit is then blocked naming the NOSPACE alarm and what to do. Runs what the
     * status says -- {@code compact physical=true}, {@code defrag member=all}, {@code alarm-disarm} -- as
     * actions on the leader, as {@code juju run etcd/leader ...} does; writes then work again, every unit
     * is active, and every acknowledged write (the writer's and the last value of each filled key) reads back.
     */
    public static Figures fillUntilNoSpaceAndRecover(LocalCluster c, ContinuousWriter writer) throws Exception {
        long logFrom = logLines(c);
        int ack0 = writer.acknowledged();
        int failed0 = writer.failed();
        Path value = c.work().resolve("one-mib.value");
        Files.write(value, "x".repeat(MIB).getBytes());
        String refused = null;
        int fills = 0;
        for (int i = 0; i < 4000 && refused == null; i++) {
            LocalCluster.Result r = c.etcdctlRawWithInput(value, "put", "fill/" + (i % 4));
            if (r.code() == 0) {
                fills++;
            } else if (r.output().contains("database space exceeded")) {
                refused = r.output();
            }
        }
        assertTrue(refused != null, "etcd never refused a write after " + fills + " MiB");
        assertTrue(fills > 100, "the quota was reached after only " + fills + " MiB");
        String list = c.etcdctl("alarm", "list");
        assertTrue(list.contains("alarm:NOSPACE"), list);
        c.await("every unit shows the NOSPACE alarm and what to do", ONE_UPDATE_STATUS, () -> c.units().stream().allMatch(u ->
                c.unit(u).workload().equals("blocked") && c.unit(u).workloadMessage().contains("NOSPACE alarm on ")
                        && c.unit(u).workloadMessage().contains("compact physical=true, then defrag member=all, then alarm-disarm")));

        String leader = c.leaderUnit();
        c.runOk(leader, "compact", Map.of("physical", true));
        c.runOk(leader, "defrag", Map.of("member", "all"));
        c.runOk(leader, "alarm-disarm", Map.of());
        long repaired = System.nanoTime();
        c.await("writes are taken again", Duration.ofSeconds(30), () -> c.etcdctlRaw(true, "put", "after-nospace", "ok").code() == 0);
        Duration active = awaitAllActive(c, repaired);
        assertEquals("", c.etcdctl("alarm", "list").strip(), "an alarm is left");
        assertEquals(List.of("fill/0", "fill/1", "fill/2", "fill/3"),
                c.etcdctl("get", "fill/", "--prefix", "--keys-only").lines().filter(l -> !l.isBlank()).toList(),
                "the filled keys (their values are 1 MiB, too large for the test's output pipe)");
        assertEquals("ok", c.get("after-nospace"));
        return new Figures("data file system full (NOSPACE)", writer.acknowledged() - ack0, writer.failed() - failed0,
                writer.lost(), active, hookErrors(c, logFrom));
    }

    /**
     * Stops a follower's etcd (neither the Juju leader's nor the raft leader's member), damages its
     * data as {@code damage} says, and leaves the rest to the charm: its next update-status finds the
     * data unusable, sets it aside and asks the leader, which removes the member and admits the unit again
     * as a learner, then promotes it. The unit runs a new member, the membership is the units', every
     * acknowledged write reads back, no hook fails; corrupted data is kept aside (0700), never deleted.
     */
    public static Figures replaceDamagedMember(LocalCluster c, ContinuousWriter writer, Damage damage) throws Exception {
        long logFrom = logLines(c);
        int ack0 = writer.acknowledged();
        int failed0 = writer.failed();
        String leader = c.leaderUnit();
        String raftLeader = c.raftLeaderUnit();
        String victim = c.units().stream().filter(u -> !u.equals(leader) && !u.equals(raftLeader)).findFirst()
                .orElseGet(() -> c.units().stream().filter(u -> !u.equals(leader)).findFirst().orElseThrow());
        String name = victim.replace('/', '-');
        String before = c.members().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().id();

        // One command: an update-status between a separate stop and the damage would start etcd again first.
        exec(c, victim, "systemctl stop etcd && " + damage.command);
        long damaged = System.nanoTime();
        c.await(victim + " runs a new member", ONE_UPDATE_STATUS.multipliedBy(4), () -> c.members().stream()
                .anyMatch(m -> m.name().equals(name) && !m.learner() && !m.id().equals(before)));
        Duration active = awaitAllActive(c, damaged);
        c.awaitMembershipMatchesUnits(Duration.ofSeconds(60));
        if (damage == Damage.CORRUPT_BACKEND) {
            String kept = exec(c, victim, "stat -c '%a %n' /var/lib/etcd/data.damaged-*").strip();
            assertTrue(kept.startsWith("700 /var/lib/etcd/data.damaged-"), "the damaged data is kept aside, 0700: " + kept);
        }
        return new Figures("member data " + (damage == Damage.CORRUPT_BACKEND ? "corrupted" : "deleted") + " while stopped ("
                + victim + ")", writer.acknowledged() - ack0, writer.failed() - failed0, writer.lost(), active, hookErrors(c, logFrom));
    }

    private static String exec(LocalCluster c, String unit, String command) throws Exception {
        ExecResult r = c.controller().exec(unit, command, Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), command + " on " + unit + ": " + r.stderr());
        return r.stdout();
    }

    /** Waits until every unit is active reporting a healthy cluster; the time since {@code sinceNanos}. */
    static Duration awaitAllActive(LocalCluster c, long sinceNanos) throws Exception {
        c.await("every unit is active with a healthy cluster", ONE_UPDATE_STATUS.multipliedBy(4), () -> c.units().stream()
                .allMatch(u -> c.unit(u).workload().equals("active") && c.unit(u).workloadMessage().contains("cluster is healthy")));
        return Duration.ofNanos(System.nanoTime() - sinceNanos);
    }

    static long logLines(LocalCluster c) throws Exception {
        return Files.readAllLines(c.controller().debugLogFile()).size();
    }

    /** Hooks that failed since line {@code from} of the debug log. */
    static int hookErrors(LocalCluster c, long from) throws Exception {
        return (int) Files.readAllLines(c.controller().debugLogFile()).stream().skip(from)
                .filter(l -> l.contains(" ERROR juju.worker.uniter.operation ")).count();
    }
}
