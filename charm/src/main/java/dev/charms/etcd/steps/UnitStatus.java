package dev.charms.etcd.steps;

import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import dev.charms.ops.Trace;

/**
 * After this unit's member was seen to in a round: the unit's status. A unit not admitted says where it
 * is in the queue; right after the leader bootstrapped the cluster, that etcd is electing its first
 * leader (a probe would wait for it); otherwise the health of the cluster ({@link StatusReport}).
 */
public final class UnitStatus implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.member().isPresent();
    }

    @Override
    public void run(HookScope scope) {
        Framework fw = scope.framework();
        if (scope.member().get() == HookScope.MemberOutcome.PARKED) {
            fw.reportUnitStatus(Status.waiting(StatusReport.queueMessage(scope.peer(), scope.roster(), scope.unit())));
            return;
        }
        Trace.mark("converge: member settled");
        if (scope.bootstrapped() && scope.host().isRunning()) {
            fw.reportUnitStatus(Status.maintenance((scope.leader() ? "(leader) " : "")
                    + "etcd started: the new one-member cluster is electing its leader"));
            return;
        }
        StatusReport.report(scope);
    }
}
