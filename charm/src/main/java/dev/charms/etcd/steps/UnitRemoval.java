package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This unit leaving the cluster because it is being removed: its peer {@code -departed} hooks, then
 * {@code stop}, then {@code remove} (docs/juju-contract.md, section 2). Membership changes stay the Juju
 * leader's, one at a time, even when several units are removed at once and their hooks run together:
 * <ul>
 * <li>a departing unit that is not the leader says so in its peer bag ({@link UnitProgress#LEAVING}),
 * leaves its member for the leader to remove ({@link Departures}) and stops its etcd once the member is
 * gone;</li>
 * <li>a departing leader (Juju keeps its lease until the unit is gone, docs/juju-contract.md section 5,
 * so no other unit can act meanwhile) waits for its {@code stop} hook, after its departed hooks, by when
 * the units removed with it have said they are leaving; it then removes, one at a time, the members of
 * the units whose bags say so, then its own, each when quorum allows, raft leadership moved away first, and takes
 * them out of the roster; the next leader removes the members of departing units it has not seen
 * leaving yet.</li>
 * </ul>
 * Neither fails a hook over quorum: the unit's status says what it waits for and its next removal hook
 * looks again. The last one, {@code remove}, waits up to {@link #LAST_HOOK_WAIT} for the member to go;
 * after that the unit goes with its member still in the cluster, said in the log, and the leader removes
 * it once quorum allows. Not a step of the pass: the removal hooks run this instead of the
 * {@link Reconciler}.
 */
public final class UnitRemoval {
    /** How long the last removal hook waits for this unit's member to leave the cluster. */
    static final Duration LAST_HOOK_WAIT = Duration.ofMinutes(10);
    private static final long POLL_MILLIS = 2000;

    private final Framework fw;
    private final Host host;

    public UnitRemoval(Framework fw, Host host) {
        this.fw = fw;
        this.host = host;
    }

    /**
     * Leaves the cluster, or goes as far as the cluster allows now; with {@code lastHook}, waits for the
     * member to go first. Without a scope (nothing configured or related yet) it only stops etcd.
     */
    public void leave(boolean lastHook) {
        HookScope.open(fw, host).ifPresentOrElse(scope -> leave(scope, lastHook), host::stop);
    }

    private void leave(HookScope scope, boolean lastHook) {
        if (scope.state().left()) {
            return;
        }
        scope.state().markDeparting();
        scope.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.LEAVING.wire()));
        long deadline = System.currentTimeMillis() + (lastHook ? LAST_HOOK_WAIT.toMillis() : 0);
        Status shown = Status.maintenance("leaving the etcd cluster");
        fw.setUnitStatusNow(shown);
        while (true) {
            Optional<Status> waiting = memberStays(scope);
            if (waiting.isEmpty()) {
                finish(scope);
                return;
            }
            if (!waiting.get().equals(shown)) {
                shown = waiting.get();
                fw.setUnitStatusNow(shown);
            }
            if (System.currentTimeMillis() >= deadline) {
                if (lastHook) {
                    scope.model().log("WARNING", "this unit goes with its etcd member still in the cluster ("
                            + shown.message() + "); the leader removes the member once quorum allows");
                }
                return;
            }
            Pause.sleep(POLL_MILLIS);
        }
    }

    /**
     * Why this unit's member is still in the cluster (as the unit's status), or empty when it is not, or
     * is the last member, or this unit's etcd is not running (its member serves nothing, and a removed
     * member's etcd exits). The membership is read from every member the roster names, this unit's
     * first; when none answers, the unit waits. A leader first tries the removals itself.
     */
    private Optional<Status> memberStays(HookScope scope) {
        if (!host.isRunning()) {
            scope.model().log("INFO", "this unit's etcd is not running: nothing left to hand over");
            return Optional.empty();
        }
        try (EtcdCluster admin = host.cluster(scope.clientUrls())) {
            List<Member> members;
            try {
                members = admin.memberList();
            } catch (EtcdAdminException e) {
                return Optional.of(Status.waiting("leaving the etcd cluster: cannot read its membership: " + e.getMessage()));
            }
            Optional<Member> self = members.stream()
                    .filter(m -> m.peerUrls().contains(scope.node().peerUrl())).findFirst();
            if (self.isEmpty() || members.size() == 1) {
                scope.model().log("INFO", self.isEmpty() ? "this unit's member has left the cluster" : "this unit's member is the last");
                return Optional.empty();
            }
            if (!scope.leader()) {
                return Optional.of(Status.waiting("leaving the etcd cluster: waiting for the leader to remove this unit's member"));
            }
            if (fw.event() instanceof Event.RelationDeparted) {
                return Optional.of(Status.maintenance("leaving the etcd cluster"));
            }
            return removeAsLeader(scope, admin, self.get());
        }
    }

    /**
     * The leader's removals: the members of the peers leaving with it, one at a time, then its own (unless
     * it is the last), each taken out of the roster. Empty when done; else why not (a refusal).
     */
    private static Optional<Status> removeAsLeader(HookScope scope, EtcdCluster own, Member self) {
        Roster roster = scope.roster();
        try {
            for (String unit : leavingPeers(scope)) {
                roster = Departures.removeMemberOf(scope, own, roster, unit);
            }
            if (own.memberList().size() > 1) { // else its member is the last, which stays with its data
                new Quorum(own).removeSafely(self, "unit removed");
                scope.model().log("INFO", "removed this unit's member " + self.idHex() + " from the cluster");
            }
            roster = roster.without(scope.unit());
            return Optional.empty();
        } catch (Quorum.UnsafeRemoval e) {
            return Optional.of(Status.blocked(e.getMessage()));
        } finally {
            if (roster != scope.roster()) {
                scope.publishRoster(roster);
            }
        }
    }

    /** The roster's other units whose peer bags say they are being removed, in roster order. */
    private static List<String> leavingPeers(HookScope scope) {
        return scope.roster().entries().keySet().stream()
                .filter(u -> !u.equals(scope.unit()) && UnitProgress.LEAVING.in(scope.peer().unitData(u))).toList();
    }

    private void finish(HookScope scope) {
        host.stop();
        host.disable();
        host.moveDataAside("removed");
        scope.state().markLeft();
        scope.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.LEFT.wire()));
    }
}
