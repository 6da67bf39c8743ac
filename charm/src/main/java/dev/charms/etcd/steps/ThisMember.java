package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.RestartTurn;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.InitialClusterState;
import java.util.Map;

/**
 * This unit's member, every unit: not admitted, it keeps no stale data and says it is ready to join;
 * admitted, its configuration is rendered from its roster entry and the member is started when it is not
 * running (telling the cluster first when its peer URL moved meanwhile; a member of a new cluster of
 * several that does not complete a majority of started members is waited for until it listens, not until
 * it serves) and says it started. A member
 * whose data was lost or damaged while it was stopped is not started (nor kept waiting for, when etcd stops
 * on data damaged as this hook started it): its data is set aside and its unit asks the leader to replace it ({@link Departures} removes it, {@link Membership} admits the unit again). A running
 * member whose configuration changed is left to {@link RestartInTurn}. Runs in the first round, in the
 * round after the leader admitted itself, and, when the rolling-restart turn is this leader's own, in the
 * round that hands it on.
 */
public final class ThisMember implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        if (scope.rerun().isEmpty() || scope.membershipRound()) {
            return true;
        }
        return RestartTurn.of(scope.peer().localAppData()).filter(t -> t.heldBy(scope.unit())).isPresent();
    }

    @Override
    public void run(HookScope scope) {
        Host host = scope.host();
        Roster roster = scope.roster();
        MemberProcess member = new MemberProcess(scope);
        member.forgetRestoredOverCluster();
        Roster.Entry entry = roster.get(scope.unit());
        if (entry == null) {
            member.clearStaleData();
            scope.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.READY.wire()));
            scope.member(HookScope.MemberOutcome.PARKED, "");
            return;
        }
        host.writeConfig(member.config(entry, scope.token()), scope.installation(), scope.clientUrls());
        String fingerprint = member.fingerprint();
        if (!host.isRunning()) {
            java.util.Optional<String> damage = member.damagedData(entry);
            if (damage.isPresent()) {
                setAside(scope, member, entry, damage.get());
                return;
            }
            if (host.hasData() && roster.size() > 1) {
                // A member restarting on a moved peer URL (management_port changed while it was down)
                // must tell the cluster first, exactly as a rolling restart does.
                member.updatePeerUrlIfMoved();
            }
            boolean beforeMajority = entry.clusterState() == InitialClusterState.NEW && roster.size() > 1 && !host.hasData()
                    && !majorityStarted(scope, roster);
            member.startWith(entry);
            if (beforeMajority) {
                // A member of the initial cluster serves once a majority of its members run: the others
                // start in their own units' hooks, which this hook must not wait for. It has no data yet
                // that could be damaged.
                member.awaitListening();
                scope.bootstrappedNow();
            } else {
                try {
                    member.awaitServing(entry);
                } catch (MemberProcess.DataDamaged e) {
                    // Damaged while this hook started etcd, after the check above: replaced all the same.
                    setAside(scope, member, entry, e.damage());
                    return;
                }
            }
            member.publishStarted(entry);
            member.restartRequestMet();
            scope.member(HookScope.MemberOutcome.RUNNING, fingerprint);
        } else if (!fingerprint.equals(scope.state().runningFingerprint())) {
            scope.member(HookScope.MemberOutcome.RESTART_WANTED, fingerprint);
        } else {
            member.publishStarted(entry);
            member.restartRequestMet();
            scope.member(HookScope.MemberOutcome.RUNNING, fingerprint);
        }
    }

    private static void setAside(HookScope scope, MemberProcess member, Roster.Entry entry, String damage) {
        member.setAsideDamaged(entry, damage);
        scope.member(HookScope.MemberOutcome.DATA_SET_ASIDE, "");
        if (scope.leader() && scope.rerun().isEmpty()) {
            scope.unsettled(Unsettled.OWN_DATA_SET_ASIDE);
        }
    }

    /** Whether the other roster units that say their member started, with this one, are a majority. */
    private static boolean majorityStarted(HookScope scope, Roster roster) {
        long started = roster.entries().keySet().stream().filter(u -> !u.equals(scope.unit()))
                .filter(u -> UnitProgress.STARTED.in(scope.peer().unitData(u))).count();
        return started + 1 > roster.size() / 2;
    }
}
