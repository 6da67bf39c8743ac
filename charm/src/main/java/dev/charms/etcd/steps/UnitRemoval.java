package dev.charms.etcd.steps;

import dev.charms.etcd.EtcdSettings;
import dev.charms.etcd.Node;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This unit leaving the cluster because it is being removed: its peer {@code -departed} hooks, then
 * {@code stop}, then {@code remove} (docs/juju-contract.md, section 2); by {@code stop} the unit may be
 * out of the peer relation's scope already, so those hooks work from this unit's own member. Membership
 * changes stay the Juju leader's, one at a time, even when several units are removed at once and their
 * hooks run together:
 * <ul>
 * <li>a departing unit that is not the leader says so in its peer bag ({@link UnitProgress#LEAVING}),
 * leaves its member for the leader to remove ({@link Departures}) and stops its etcd once the member is
 * gone;</li>
 * <li>a departing leader (Juju keeps its lease until the unit is gone, docs/juju-contract.md section 5,
 * so no other unit can act meanwhile) acts from its last departed hook on, by when the units removed
 * with it have said they are leaving: it removes, one at a time, the members of the units whose bags say
 * so, then its own, each when quorum allows, raft leadership moved away first, and takes them out of the
 * roster; the next leader removes the members of departing units it did not see leaving.</li>
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

    /** Which removal hook runs: the leader acts from {@link #LAST_DEPARTED} on; {@link #REMOVE} waits. */
    public enum Hook {
        DEPARTED, LAST_DEPARTED, STOP, REMOVE
    }

    private final Framework fw;
    private final Host host;

    public UnitRemoval(Framework fw, Host host) {
        this.fw = fw;
        this.host = host;
    }

    /** Leaves the cluster, or goes as far as the cluster allows in this {@code hook}. */
    public void leave(Hook hook) {
        UnitState state = new UnitState(fw.stored());
        if (state.left()) {
            return;
        }
        Optional<HookScope> scope = fw.model().relation(PeerData.PEER).isPresent() ? HookScope.open(fw, host) : Optional.empty();
        Optional<Node> node = scope.map(HookScope::node).or(this::nodeWithoutRelation);
        if (node.isEmpty()) {
            host.stop();
            return;
        }
        state.markDeparting();
        scope.ifPresent(s -> s.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.LEAVING.wire())));
        long deadline = System.currentTimeMillis() + (hook == Hook.REMOVE ? LAST_HOOK_WAIT.toMillis() : 0);
        Status shown = Status.maintenance("leaving the etcd cluster");
        fw.setUnitStatusNow(shown);
        while (true) {
            Optional<Status> waiting = memberStays(node.get(), scope, hook != Hook.DEPARTED);
            if (waiting.isEmpty()) {
                host.stop();
                host.disable();
                host.moveDataAside("removed");
                state.markLeft();
                scope.ifPresent(s -> s.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.LEFT.wire())));
                return;
            }
            if (!waiting.get().equals(shown)) {
                shown = waiting.get();
                fw.setUnitStatusNow(shown);
            }
            if (System.currentTimeMillis() >= deadline) {
                if (hook == Hook.REMOVE) {
                    fw.model().log("WARNING", "this unit goes with its etcd member still in the cluster ("
                            + shown.message() + "); the leader removes the member once quorum allows");
                }
                return;
            }
            Pause.sleep(POLL_MILLIS);
        }
    }

    /** This unit as a member when the peer relation is gone from its hooks; empty with an invalid configuration. */
    private Optional<Node> nodeWithoutRelation() {
        EtcdSettings.Parsed parsed = EtcdSettings.parse(fw.model().config());
        return parsed.valid() ? Optional.of(Node.of(fw.model(), parsed.settings(), fw.stored())) : Optional.empty();
    }

    /**
     * Why this unit's member is still in the cluster (as the unit's status), or empty when it is not, or
     * is the last member, or this unit's etcd is not running (its member serves nothing, and a removed
     * member's etcd exits). The membership is read from every member the roster names, this unit's
     * first (without the relation, from this unit's member); when none answers, the unit waits. A leader
     * that {@code leaderActs} first makes the removals itself.
     */
    private Optional<Status> memberStays(Node node, Optional<HookScope> scope, boolean leaderActs) {
        if (!host.isRunning()) {
            fw.model().log("INFO", "this unit's etcd is not running: nothing left to hand over");
            return Optional.empty();
        }
        List<URI> urls = scope.map(HookScope::clientUrls).orElse(List.of(node.localClientUrl()));
        try (EtcdCluster admin = host.cluster(urls)) {
            List<Member> members;
            try {
                members = admin.memberList();
            } catch (EtcdAdminException e) {
                return Optional.of(Status.waiting("leaving the etcd cluster: cannot read its membership: " + e.getMessage()));
            }
            Optional<Member> self = members.stream().filter(m -> m.name().equals(node.memberName())
                    || m.peerUrls().contains(node.peerUrl())).findFirst();
            if (self.isEmpty() || members.size() == 1) {
                fw.model().log("INFO", self.isEmpty() ? "this unit's member has left the cluster" : "this unit's member is the last");
                return Optional.empty();
            }
            if (!fw.model().isLeader()) {
                return Optional.of(Status.waiting("leaving the etcd cluster: waiting for the leader to remove this unit's member"));
            }
            if (!leaderActs) {
                return Optional.of(Status.maintenance("leaving the etcd cluster"));
            }
            return removeAsLeader(scope, admin, self.get());
        }
    }

    /**
     * The leader's removals: the members of the peers leaving with it (known from the peer data, so only
     * with the relation), one at a time, then its own (unless it is the last), each taken out of the
     * roster. Empty when done; else why not (a refusal).
     */
    private Optional<Status> removeAsLeader(Optional<HookScope> scope, EtcdCluster admin, Member self) {
        if (scope.isPresent()) {
            Optional<Status> refused = removeLeavingPeers(scope.get(), admin);
            if (refused.isPresent()) {
                return refused;
            }
        }
        try {
            if (admin.memberList().size() > 1) { // else its member is the last, which stays with its data
                new Quorum(admin).removeSafely(self, "unit removed");
                fw.model().log("INFO", "removed this unit's member " + self.idHex() + " from the cluster");
            }
        } catch (Quorum.UnsafeRemoval e) {
            return Optional.of(Status.blocked(e.getMessage()));
        }
        scope.ifPresent(s -> s.publishRoster(s.roster().without(s.unit())));
        return Optional.empty();
    }

    private static Optional<Status> removeLeavingPeers(HookScope scope, EtcdCluster admin) {
        Roster roster = scope.roster();
        try {
            for (String unit : roster.entries().keySet()) {
                if (!unit.equals(scope.unit()) && UnitProgress.LEAVING.in(scope.peer().unitData(unit))) {
                    roster = Departures.removeMemberOf(scope, admin, roster, unit);
                }
            }
            return Optional.empty();
        } catch (Quorum.UnsafeRemoval e) {
            return Optional.of(Status.blocked(e.getMessage()));
        } finally {
            if (roster != scope.roster()) {
                scope.publishRoster(roster);
            }
        }
    }
}
