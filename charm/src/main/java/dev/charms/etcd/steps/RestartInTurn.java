package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.state.RestartTurn;
import dev.charms.ops.Framework;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.util.Map;
import java.util.Optional;

/**
 * A running member whose configuration changed restarts in its rolling-restart turn: the unit asks for a
 * restart with the new configuration's fingerprint, waits for the leader to give it the turn (a lone
 * member, and a leader when nobody holds the turn and the cluster can spare it, go at once), tells the
 * cluster its new peer URL if it moved, restarts, and reports the restart done. A restart onto a newer etcd
 * minor version is preceded by the cluster's {@link UpgradeSnapshot}.
 */
public final class RestartInTurn implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.member().filter(m -> m == HookScope.MemberOutcome.RESTART_WANTED).isPresent();
    }

    @Override
    public void run(HookScope scope) {
        Framework fw = scope.framework();
        Relation peer = scope.peer();
        String unit = scope.unit();
        String fingerprint = scope.fingerprint();
        peer.updateLocalUnitData(Map.of(PeerData.RESTART_REQUEST, fingerprint));
        Optional<RestartTurn> turn = RestartTurn.of(peer.localAppData());
        boolean mine = turn.equals(Optional.of(new RestartTurn(unit, fingerprint)));
        boolean leaderFree = scope.leader() && turn.isEmpty();
        if (!mine && scope.roster().size() > 1 && !leaderFree) {
            fw.reportUnitStatus(Status.waiting("configuration changed: waiting for this unit's rolling-restart turn"));
            return;
        }
        if (leaderFree) {
            Optional<String> unsafe = RestartGate.check(scope, unit);
            if (unsafe.isPresent()) {
                fw.reportUnitStatus(Status.waiting("configuration changed: restarting once the cluster can spare this member ("
                        + unsafe.get() + ")"));
                return;
            }
            peer.updateLocalAppData(Map.of(PeerData.RESTART_TURN, RestartTurn.wire(Optional.of(new RestartTurn(unit, fingerprint)))));
        }
        Optional<String> snapshot = UpgradeSnapshot.beforeRestart(scope);
        fw.setUnitStatusNow(Status.maintenance(snapshot.map(s -> "restarting etcd on " + scope.installation().version()
                + " (snapshot before the upgrade: " + s + ")").orElse("restarting etcd to apply configuration")));
        MemberProcess member = new MemberProcess(scope);
        member.updatePeerUrlIfMoved();
        scope.host().restart();
        member.servingOnConfiguredPort();
        member.awaitServing();
        scope.state().runningFingerprint(fingerprint);
        peer.updateLocalUnitData(Map.of(PeerData.RESTARTED, fingerprint));
        scope.model().log("INFO", "restarted etcd with the new configuration");
    }
}
