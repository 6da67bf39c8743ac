package dev.charms.etcd.steps;

/** Why a round of the pass leaves it unsettled, so that the {@link Reconciler} runs the steps again. */
public enum Unsettled {
    /**
     * The leader's own member data was lost or damaged and set aside in this round: the next round
     * manages membership again, replacing its member through the other members.
     */
    OWN_DATA_SET_ASIDE,
    /**
     * The leader admitted its own unit as a learner in this round and the member has started: only this
     * leader can promote it, so the next round manages membership again (no other unit's hook need wake it).
     */
    LEADER_ADMITTED_ITSELF,
    /**
     * The rolling-restart turn is this leader's own: it has just restarted (or is about to), and the next
     * round hands the turn on (the leader gets no hook for its own unit's write), restarting first when the
     * turn stays its own.
     */
    OWN_RESTART_TURN
}
