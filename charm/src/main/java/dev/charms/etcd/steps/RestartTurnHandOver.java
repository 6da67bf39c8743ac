package dev.charms.etcd.steps;

import dev.charms.etcd.state.RestartTurn;

/**
 * Leader only, at the end of a round in which this unit's member was seen to: while the rolling-restart
 * turn is this leader's own, the pass is not settled. The leader gets no hook for its own unit's write, so
 * a turn left with it would wait for some other unit's next event; the next round hands it on
 * ({@link RestartTurns}), and restarts this member first when the turn stays its own (its configuration
 * changed once more before it used the turn it had).
 */
public final class RestartTurnHandOver implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.leader() && scope.member().isPresent();
    }

    @Override
    public void run(HookScope scope) {
        if (RestartTurn.of(scope.peer().localAppData()).filter(t -> t.heldBy(scope.unit())).isPresent()) {
            scope.unsettled(Unsettled.OWN_RESTART_TURN);
        }
    }
}
