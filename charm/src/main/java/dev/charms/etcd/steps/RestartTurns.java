package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.state.RestartTurn;
import dev.charms.ops.Relation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leader only, every round: hands out rolling-restart turns, one unit at a time. The turn stays with its
 * holder until it has restarted; then it goes to the next unit that asked for a restart, unless the
 * cluster cannot spare that unit's member now ({@link RestartGate}), in which case nobody holds it and a
 * later leader hook tries again.
 */
public final class RestartTurns implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.leader();
    }

    @Override
    public void run(HookScope scope) {
        Relation peer = scope.peer();
        Map<String, Map<String, String>> units = new HashMap<>();
        List<String> present = new ArrayList<>(peer.units());
        // A peer this unit has not seen join yet (a new leader) may hold the turn: it has not left.
        present.addAll(PeersSeen.unseen(peer, scope.unit(), scope.roster(), scope.state()));
        for (String unit : present) {
            units.put(unit, peer.unitData(unit));
        }
        units.put(scope.unit(), peer.localUnitData());
        Optional<RestartTurn> turn = RestartTurn.of(peer.localAppData());
        Optional<RestartTurn> next = next(turn, units);
        if (next.isPresent() && !next.equals(turn)) {
            String holder = next.get().unit();
            Optional<String> unsafe = RestartGate.check(scope, holder);
            if (unsafe.isPresent()) {
                scope.model().log("INFO", "rolling restart paused: " + holder + " restarts once the cluster can spare its member ("
                        + unsafe.get() + ")");
                next = Optional.empty();
            }
        }
        peer.updateLocalAppData(Map.of(PeerData.RESTART_TURN, RestartTurn.wire(next)));
    }

    /**
     * The rolling-restart turn after {@code turn}, given each unit's bag (this leader's included). The
     * turn stays while its holder is still a unit, still asks for that very restart and has not reported
     * it done. A holder whose request changed (the configuration changed again before its turn came), was
     * met without a turn (its etcd was started after a crash with the new configuration) or was dropped (a
     * restore) would never report that restart: the turn moves on. Next is the first unit, in unit order,
     * with a request not yet met; empty when none.
     */
    static Optional<RestartTurn> next(Optional<RestartTurn> turn, Map<String, Map<String, String>> units) {
        if (turn.isPresent()) {
            Map<String, String> data = units.get(turn.get().unit());
            String fingerprint = turn.get().fingerprint();
            if (data != null && fingerprint.equals(data.getOrDefault(PeerData.RESTART_REQUEST, ""))
                    && !fingerprint.equals(data.getOrDefault(PeerData.RESTARTED, ""))) {
                return turn;
            }
        }
        List<String> order = new ArrayList<>(units.keySet());
        order.sort(Units.ORDER);
        for (String unit : order) {
            Map<String, String> data = units.get(unit);
            String wanted = data.getOrDefault(PeerData.RESTART_REQUEST, "");
            if (!wanted.isEmpty() && !wanted.equals(data.getOrDefault(PeerData.RESTARTED, ""))) {
                return Optional.of(new RestartTurn(unit, wanted));
            }
        }
        return Optional.empty();
    }
}
