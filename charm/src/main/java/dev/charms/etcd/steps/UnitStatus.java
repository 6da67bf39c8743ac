package dev.charms.etcd.steps;

import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import dev.charms.ops.Trace;

/**
 * After this unit's member was seen to in a round: the unit's status. A unit not admitted says where it
 * is in the queue (the leader, before the cluster forms: which units it waits for); right after this unit
 * started a member of a new cluster, that etcd is electing its first leader (a probe would wait for it); otherwise the health of the cluster ({@link StatusReport}).
 */
public final class UnitStatus implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.member().isPresent();
    }

    @Override
    public void run(HookScope scope) {
        Framework fw = scope.framework();
        if (membershipChangesNext(scope)) {
            return;
        }
        if (scope.member().get() == HookScope.MemberOutcome.PARKED) {
            fw.reportUnitStatus(Status.waiting(scope.bootstrapWaiting().map(w -> "(leader) " + w)
                    .orElseGet(() -> StatusReport.queueMessage(scope.peer(), scope.roster(), scope.unit()))));
            return;
        }
        if (scope.member().get() == HookScope.MemberOutcome.DATA_SET_ASIDE) {
            fw.reportUnitStatus(StatusReport.dataSetAside(scope, scope.state().dataSetAside()));
            return;
        }
        Trace.mark("converge: member settled");
        if (scope.bootstrapped() && scope.host().isRunning()) {
            fw.reportUnitStatus(Status.maintenance((scope.leader() ? "(leader) " : "")
                    + "etcd started: the new " + (scope.roster().size() == 1 ? "one-member cluster" : scope.roster().size() + "-member cluster")
                    + " is electing its leader"));
            return;
        }
        StatusReport.report(scope);
    }

    /**
     * The leader's next round changes its own membership (promotes the learner it just admitted itself as,
     * or replaces the member whose data it set aside): the status is that round's (a unit reports the
     * most severe status of a pass, so a passing one reported now would stick).
     */
    private static boolean membershipChangesNext(HookScope scope) {
        return !scope.lastRound() && scope.unsettledBy()
                .filter(u -> u == Unsettled.LEADER_ADMITTED_ITSELF || u == Unsettled.OWN_DATA_SET_ASIDE).isPresent();
    }
}
