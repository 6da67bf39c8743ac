package dev.charms.etcd.steps;

import dev.charms.etcd.MemberUrls;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.Health;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.charms.etcd.workload.Alarm;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The unit's status from a cheap health check: every member's {@code /health} over mTLS (a quorum read
 * in etcd), probed in parallel. The Juju leader is marked {@code (leader)} as in the original charm;
 * raft roles are reported by the health action, not confused with Juju leadership here.
 */
public final class StatusReport {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long after a {@code start} hook a missing quorum reads as the cluster starting, not as lost. */
    static final Duration STARTING_GRACE = Duration.ofMinutes(3);

    private StatusReport() {
    }

    /** Reports this unit's status (and, on the leader, the application's) for the scope's roster. */
    public static void report(HookScope scope) {
        Framework fw = scope.framework();
        Model model = scope.model();
        Roster roster = scope.roster();
        String prefix = model.isLeader() ? "(leader) " : "";
        Roster.Entry self = roster.get(model.unitName());
        if (!scope.host().isRunning()) {
            fw.reportUnitStatus(Status.blocked(prefix + "etcd is not running; see journalctl -u etcd"));
            return;
        }
        if (self != null && self.isLearner()) {
            int n = roster.size();
            int position = new ArrayList<>(roster.entries().keySet()).indexOf(model.unitName()) + 1;
            fw.reportUnitStatus(Status.maintenance(prefix + "joining as learner (" + position + " of " + n + ")"));
            return;
        }
        // A learner answers no quorum read (and may not have started yet): only voters are probed.
        String learner = roster.pendingLearner();
        Roster voters = roster.votingMembers();
        int v = voters.size();
        List<URI> urls = MemberUrls.clientUrls(scope.peer(), voters, scope.node());
        // The alarm list runs beside the health check, in its own etcdctl process: the status waits for
        // the slower of the two, not for both in turn.
        CompletableFuture<Optional<List<Alarm>>> alarms = urls.isEmpty()
                ? CompletableFuture.completedFuture(Optional.empty())
                : CompletableFuture.supplyAsync(() -> scope.host().alarms(scope.installation(), urls, TIMEOUT));
        List<Health> results = scope.host().health(scope.installation(), urls, TIMEOUT);
        if (fw.event() instanceof Event.Start && starting(scope) && !hasQuorum(results, v)) {
            results = awaitQuorum(scope, voters, results, prefix);
        }
        long healthy = results.stream().filter(Health::healthy).count();
        long down = v - healthy;
        // etcdctl 3.5 calls every member unhealthy while an alarm is raised, 3.4 none: ask whenever one answers.
        boolean answered = results.stream().anyMatch(h -> h.healthy() || !h.reason().startsWith("unreachable"));
        Optional<List<Alarm>> listed = alarms.join();
        Optional<String> noSpace = answered ? noSpace(scope, voters, listed) : Optional.empty();
        if (noSpace.isPresent()) {
            fw.reportUnitStatus(Status.blocked(prefix + noSpace.get()));
            if (model.isLeader()) {
                fw.reportAppStatus(Status.blocked("NOSPACE alarm: the cluster takes no writes"));
            }
            return;
        }
        String members = (v == 1 ? "1 member" : v + " members") + (learner == null ? "" : ", " + learner + " joining as learner");
        boolean removing = !PeersSeen.departed(scope.peer(), model.unitName(), roster, scope.state(),
                System.currentTimeMillis()).isEmpty() || !MembershipPlan.dataLost(scope.peer(), model.unitName(), roster).isEmpty();
        String refused = model.isLeader() && removing ? scope.state().removalRefused().orElse("") : "";
        if (healthy > v / 2 && !refused.isEmpty()) {
            fw.reportUnitStatus(Status.blocked(prefix + refused));
        } else if (down <= 0) {
            fw.reportUnitStatus(Status.active(prefix + "cluster is healthy, " + members + notes(scope)
                    + (model.isLeader() ? scheduledBackupNote(scope) : "")));
        } else if (healthy > v / 2) {
            fw.reportUnitStatus(Status.active(prefix + "cluster-health check failed: " + problems(results, v) + notes(scope)));
        } else if (starting(scope)) {
            fw.reportUnitStatus(Status.waiting(prefix + "etcd starting, waiting for quorum: " + problems(results, v)));
        } else {
            String hint = model.isLeader() ? "; if they are lost for good: juju run " + model.appName() + "/leader rebuild-cluster" : "";
            fw.reportUnitStatus(Status.blocked(prefix + "no quorum reachable from this unit: " + problems(results, v) + hint));
        }
        if (model.isLeader()) {
            fw.reportAppStatus(down <= 0 ? Status.active(members) : healthy > v / 2
                    ? Status.active(healthy + " of " + v + " members healthy")
                    : starting(scope) ? Status.waiting("waiting for quorum: " + healthy + " of " + v + " members healthy")
                    : Status.blocked("no quorum: " + healthy + " of " + v + " members healthy"));
        }
    }

    /** The certificate notes of this hook ({@link HookScope#tlsNotes}), each after "; ". */
    private static String notes(HookScope scope) {
        StringBuilder sb = new StringBuilder();
        scope.tlsNotes().forEach(n -> sb.append("; ").append(n));
        return sb.toString();
    }

    /** "; last scheduled backup failed (see health)" when this machine's last scheduled backup failed. */
    private static String scheduledBackupNote(HookScope scope) {
        String raw = scope.host().lastScheduledBackup().orElse("");
        return raw.contains("\"result\":\"failed\"") ? "; last scheduled backup failed (see health)" : "";
    }

    private static boolean hasQuorum(List<Health> results, int voters) {
        return results.stream().filter(Health::healthy).count() > voters / 2;
    }

    /**
     * Within {@link #STARTING_GRACE} of a {@code start} hook that ran after this unit's member had run
     * (a reboot of this machine or of the whole cluster): the other members may still be booting, so a
     * missing quorum is awaited rather than reported as lost.
     */
    static boolean starting(HookScope scope) {
        long started = scope.state().startedAgainAt();
        long now = System.currentTimeMillis();
        return started > 0 && now >= started && now - started < STARTING_GRACE.toMillis();
    }

    /**
     * In a {@code start} hook, with this unit's etcd running but no quorum yet (the machines of a whole
     * cluster booting together, say): shows that it waits and probes again once a second until a quorum
     * answers or {@link #startQuorumWait} has passed. etcd elects a leader within an election timeout of a
     * quorum of members being up, so the wait is a number of election timeouts.
     */
    private static List<Health> awaitQuorum(HookScope scope, Roster voters, List<Health> results, String prefix) {
        int v = voters.size();
        scope.framework().setUnitStatusNow(Status.waiting(prefix + "etcd starting, waiting for quorum: " + problems(results, v)));
        long deadline = System.nanoTime() + startQuorumWait(scope).toNanos();
        List<Health> latest = results;
        while (!hasQuorum(latest, v) && System.nanoTime() < deadline) {
            Pause.sleep(1000);
            latest = scope.host().health(scope.installation(), MemberUrls.clientUrls(scope.peer(), voters, scope.node()), TIMEOUT);
        }
        return latest;
    }

    /** 20 election timeouts, between 1 and 60 seconds (20 s with the default 1000 ms). */
    static Duration startQuorumWait(HookScope scope) {
        long millis = 20L * scope.settings().electionTimeout();
        return Duration.ofMillis(Math.max(1000, Math.min(60_000, millis)));
    }

    /**
     * What to say while etcd's NOSPACE alarm is raised: the whole cluster then refuses writes (reads go on)
     * until the alarm is disarmed, whichever member raised it. Empty when no member answers the alarm list.
     */
    static Optional<String> noSpace(HookScope scope, Roster voters, Optional<List<Alarm>> alarms) {
        List<String> members = alarms.orElse(List.of()).stream().filter(a -> a.type().equals("NOSPACE"))
                .map(a -> memberName(voters, a.memberId())).distinct().toList();
        if (members.isEmpty()) {
            return Optional.empty();
        }
        String app = scope.model().appName();
        return Optional.of("NOSPACE alarm on " + String.join(", ", members) + ": etcd takes no writes; free space, then run "
                + "juju run " + app + "/leader compact physical=true, then defrag member=all, then alarm-disarm");
    }

    /** The unit whose roster member has {@code id}, else the id in hex. */
    private static String memberName(Roster roster, long id) {
        String hex = Long.toHexString(id);
        return roster.entries().entrySet().stream().filter(e -> e.getValue().memberId().equals(hex))
                .map(Map.Entry::getKey).findFirst().orElse("member " + hex);
    }

    /**
     * The status of a unit whose member data was lost or damaged and set aside ({@code note} says how and
     * where): it waits for the leader to replace its member, which needs a quorum of the other members;
     * without one it is blocked, and says what brings the cluster back.
     */
    static Status dataSetAside(HookScope scope, String note) {
        Roster voters = scope.roster().votingMembers().without(scope.unit());
        int v = scope.roster().votingMembers().size();
        long healthy = scope.host().health(scope.installation(),
                MemberUrls.clientUrls(scope.peer(), voters, scope.node()), TIMEOUT).stream().filter(Health::healthy).count();
        String prefix = scope.leader() ? "(leader) " : "";
        if (healthy > v / 2) {
            return Status.waiting(prefix + note + "; the leader replaces this member (removes it, then adds this unit back as a learner)");
        }
        return Status.blocked(prefix + note + "; the other members have no quorum (" + healthy + " of " + v
                + " healthy), so it cannot be replaced: bring them back, or if they are lost for good run juju run "
                + scope.model().appName() + "/leader rebuild-cluster");
    }

    /**
     * "k of n members unreachable", "k of n members unhealthy" (they answer, but without a leader or
     * with an alarm), or both; a member without a known client URL counts as unreachable.
     */
    static String problems(List<Health> results, int n) {
        long unhealthy = results.stream().filter(h -> !h.healthy() && !h.reason().startsWith("unreachable")).count();
        long unreachable = n - results.stream().filter(Health::healthy).count() - unhealthy;
        if (unhealthy == 0) {
            return unreachable + " of " + n + " members unreachable";
        }
        if (unreachable <= 0) {
            return unhealthy + " of " + n + " members unhealthy";
        }
        return unreachable + " of " + n + " members unreachable, " + unhealthy + " unhealthy";
    }

    /** "waiting to join the cluster (position k of n in the queue)" for a unit not yet admitted. */
    static String queueMessage(Relation peer, Roster roster, String unit) {
        TreeSet<String> waiting = new TreeSet<>(Units.ORDER);
        waiting.add(unit);
        for (String other : peer.units()) {
            Map<String, String> data = peer.unitData(other);
            if (!roster.contains(other) && UnitProgress.READY.in(data)) {
                waiting.add(other);
            }
        }
        if (roster.isEmpty()) {
            return "waiting for the leader to bootstrap the cluster";
        }
        int position = new ArrayList<>(waiting).indexOf(unit) + 1;
        return "waiting to join the cluster (position " + position + " of " + waiting.size() + " in the queue)";
    }
}
