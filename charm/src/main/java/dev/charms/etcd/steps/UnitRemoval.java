package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This unit leaving the cluster because it is being removed (its own peer {@code -departed} hook, or
 * {@code stop}): raft leadership is moved away first, the member is removed through etcd's API (refused
 * if it would lose quorum), then etcd is stopped and its data moved aside. Not a step of the pass: the
 * removal hooks run this instead of the {@link Reconciler}.
 */
public final class UnitRemoval {
    private final Framework fw;
    private final Host host;

    public UnitRemoval(Framework fw, Host host) {
        this.fw = fw;
        this.host = host;
    }

    /** Leaves the cluster; without a scope (nothing configured or related yet) it only stops etcd. */
    public void leave() {
        HookScope.open(fw, host).ifPresentOrElse(this::leave, host::stop);
    }

    private void leave(HookScope scope) {
        if (scope.state().left()) {
            return;
        }
        List<URI> urls = scope.clientUrls();
        if (host.isRunning() && urls.size() > 1) {
            try (EtcdCluster admin = host.cluster(urls)) {
                List<Member> members = admin.memberList();
                Optional<Member> self = members.stream()
                        .filter(m -> m.peerUrls().contains(scope.node().peerUrl())).findFirst();
                if (self.isPresent() && members.size() > 1) {
                    fw.setUnitStatusNow(Status.maintenance("leaving the etcd cluster"));
                    try {
                        new Quorum(admin).removeSafely(self.get(), "unit removed");
                    } catch (Quorum.UnsafeRemoval e) {
                        fw.setUnitStatusNow(Status.blocked(e.getMessage()));
                        throw e;
                    }
                    scope.model().log("INFO", "removed this unit's member " + self.get().idHex() + " from the cluster");
                }
            }
        }
        host.stop();
        host.disable();
        host.moveDataAside("removed");
        scope.state().markLeft();
        scope.peer().updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.LEFT.wire()));
    }
}
