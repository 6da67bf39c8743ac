package dev.charms.etcd.steps;

import dev.charms.etcd.MemberUrls;
import dev.charms.etcd.Roster;
import dev.charms.etcd.workload.Health;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a member may take its rolling-restart turn now without costing the cluster its quorum. While it
 * restarts it does not vote, so the other voting members that quorum needs must be healthy. A member that
 * is down itself may always be started, and a one- or two-member cluster can do no better than every
 * other member healthy. The voters are probed with the same cheap /health check as the unit status.
 */
final class RestartGate {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long an unhealthy answer is asked again before the turn waits: right after a member restarted,
     * the others may still be electing a raft leader for a moment. Nothing but the leader's next hook
     * asks again later.
     */
    private static final Duration SETTLE = Duration.ofSeconds(3);
    /** A check in this hook (every hook is its own process) already waited {@link #SETTLE} in vain: ask once. */
    private static volatile boolean waitedOut;

    private RestartGate() {
    }

    /**
     * The rule: {@code selfHealthy} whether the member that would restart is a healthy voter now;
     * {@code healthyOthers} how many of the other {@code voters - 1} voting members are healthy.
     */
    static boolean keepsQuorum(boolean selfHealthy, int healthyOthers, int voters) {
        return !selfHealthy || healthyOthers >= Math.min(voters / 2 + 1, voters - 1);
    }

    /**
     * Empty when {@code unit}'s member may restart now; otherwise why not, e.g. {@code 1 of 2 other
     * members unhealthy} (after asking again for up to {@link #SETTLE}).
     */
    static Optional<String> check(HookScope scope, String unit) {
        long deadline = System.nanoTime() + (waitedOut ? 0 : SETTLE.toNanos());
        while (true) {
            Optional<String> unsafe = checkOnce(scope, unit);
            if (unsafe.isEmpty()) {
                return unsafe;
            }
            if (System.nanoTime() >= deadline) {
                waitedOut = true;
                return unsafe;
            }
            Pause.sleep(500);
        }
    }

    private static Optional<String> checkOnce(HookScope scope, String unit) {
        Roster voters = scope.roster().votingMembers();
        if (voters.size() <= 1 || !voters.contains(unit)) {
            return Optional.empty();
        }
        Map<String, URI> byUnit = MemberUrls.clientUrlsByUnit(scope.peer(), voters, scope.node());
        List<String> probed = new ArrayList<>(byUnit.keySet());
        List<Health> results = scope.host().health(scope.installation(), new ArrayList<>(byUnit.values()), TIMEOUT);
        boolean selfHealthy = false;
        int healthyOthers = 0;
        for (int i = 0; i < probed.size(); i++) {
            if (results.get(i).healthy()) {
                if (probed.get(i).equals(unit)) {
                    selfHealthy = true;
                } else {
                    healthyOthers++;
                }
            }
        }
        if (keepsQuorum(selfHealthy, healthyOthers, voters.size())) {
            return Optional.empty();
        }
        int others = voters.size() - 1;
        return Optional.of((others - healthyOthers) + " of " + others + " other members unhealthy");
    }
}
