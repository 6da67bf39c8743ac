package dev.charms.etcd.steps;

import dev.charms.etcd.Node;
import dev.charms.etcd.Roster;
import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Status;
import java.util.List;

/**
 * Leader only, while there is no cluster (an empty roster): starts a one-member cluster on this unit and
 * publishes the roster of it. The units deployed with it join as learners in this hook's membership step.
 */
public final class Bootstrap implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.membershipRound() && scope.roster().isEmpty();
    }

    @Override
    public void run(HookScope scope) {
        Node node = scope.node();
        Roster.Entry entry = new Roster.Entry("", node.memberName(), node.peerUrl().toString(), MemberRole.VOTER,
                node.memberName() + "=" + node.peerUrl(), InitialClusterState.NEW);
        scope.framework().setUnitStatusNow(Status.maintenance("bootstrapping a new etcd cluster"));
        MemberProcess member = new MemberProcess(scope);
        member.startWith(entry);
        // etcd listening means it accepted its configuration and certificates. Its one-member election
        // (up to a second) is not waited for: the id is etcd's own function of the peer URL and token,
        // and the next hook that needs etcd finds it serving (or, if it died, not running, and says so).
        member.awaitListening();
        scope.bootstrappedNow();
        String id = Long.toHexString(Member.initialId(List.of(entry.peerUrl()), scope.token()));
        Roster roster = Roster.empty().with(node.unit(), new Roster.Entry(id, entry.memberName(),
                entry.peerUrl(), MemberRole.VOTER, entry.initialCluster(), InitialClusterState.NEW));
        scope.model().log("INFO", "bootstrapped the etcd cluster on " + node.unit() + " (member " + id + ")");
        scope.publishRoster(roster);
        // A cluster made just now has no member of another unit: its first audit can wait its interval.
        scope.state().auditedAt(System.currentTimeMillis());
    }
}
