package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.AdmittedLearner;
import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.workload.AddLearnerResult;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.PromoteOutcome;
import dev.charms.ops.Status;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leader only, in a membership round, after {@link Departures}: when the round talks to etcd, promotes the
 * pending learner once it has started and caught up, keeps the roster's peer URLs equal to etcd's,
 * removes etcd members that match no unit, and adds the next waiting unit as a learner (one at a time);
 * then publishes the roster. A leader that admits its own unit leaves the pass unsettled: its member
 * starts later in this round, and only this leader can promote it.
 */
public final class Membership implements Step {
    static final Duration PROMOTE_WAIT = Duration.ofSeconds(60);
    static final Duration ADD_WAIT = Duration.ofSeconds(30);
    /**
     * How long a leader hook waits, with its connection open, for a learner it admitted moments ago to
     * start: the learner's unit starts it in its own hook, which runs meanwhile, and promoting it then
     * saves a whole leader hook (and its cold etcd connection) per joining unit.
     */
    static final Duration LEARNER_START_WAIT = Duration.ofSeconds(8);

    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.membershipRound() && !scope.roster().isEmpty() && !scope.formingSeveral();
    }

    @Override
    public void run(HookScope scope) {
        Roster roster = scope.roster();
        if (scope.membershipDue()) {
            EtcdCluster admin = scope.membershipCluster();
            roster = promote(scope, admin, roster);
            // One member list for both: a member moving its peer URL (a rolling port change on another
            // unit) between two lists must not look like a stranger.
            List<Member> members = admin.memberList();
            roster = followPeerUrls(members, roster);
            removeStale(scope, admin, members, roster);
            roster = addNext(scope, admin, roster, MembershipPlan.candidates(scope.peer(), scope.unit(), roster, true));
            scope.closeMembershipCluster();
            scope.state().auditedAt(System.currentTimeMillis());
        }
        scope.publishRoster(roster);
    }

    /**
     * Promotes the pending learner once it has started and etcd says it caught up. Started means its
     * unit reported so, or -- for a learner this leader admitted moments ago -- etcd lists it as started
     * within {@link #LEARNER_START_WAIT} (its unit's hook starts it meanwhile).
     */
    private static Roster promote(HookScope scope, EtcdCluster admin, Roster roster) {
        String unit = roster.pendingLearner();
        if (unit == null) {
            return roster;
        }
        Roster.Entry entry = roster.get(unit);
        boolean reported = UnitProgress.STARTED.in(scope.peer().unitData(unit));
        List<Member> members = admin.memberList();
        Optional<Member> member = MembershipPlan.memberOf(members, entry);
        if (!reported) {
            if (!MembershipPlan.awaitingAdmitted(scope.state(), roster, System.currentTimeMillis()).equals(Optional.of(unit))) {
                return roster;
            }
            scope.framework().setUnitStatusNow(Status.maintenance("waiting for " + unit + " to start as a learner"));
            long until = System.nanoTime() + LEARNER_START_WAIT.toNanos();
            while (member.isPresent() && !member.get().started() && System.nanoTime() <= until) {
                Pause.sleep(100);
                members = admin.memberList();
                member = MembershipPlan.memberOf(members, entry);
            }
            if (member.isEmpty() || !member.get().started()) {
                return roster;
            }
        }
        if (member.isEmpty()) {
            scope.model().log("WARNING", "learner of " + unit + " is missing from etcd; it will be added again");
            return roster.without(unit);
        }
        if (!member.get().learner()) {
            return roster.with(unit, entry.withRole(MemberRole.VOTER));
        }
        Quorum.Promotion promotion = new Quorum(admin).assessPromotion(members, member.get());
        if (promotion.risk().isPresent()) {
            scope.model().log("WARNING", "not promoting " + unit + " yet: " + promotion.risk().get());
            return roster;
        }
        scope.framework().setUnitStatusNow(Status.maintenance("promoting " + unit + " to a voting member"));
        // A learner whose etcd does not answer cannot catch up during this hook: one attempt, no wait, so
        // the leader's hooks are not held while that unit is down.
        boolean answers = promotion.learnerAnswers();
        if (!answers) {
            scope.model().log("WARNING", unit + "'s etcd does not answer at " + member.get().clientUrls()
                    + "; its promotion will be retried once it runs");
        }
        long deadline = System.nanoTime() + (answers ? PROMOTE_WAIT.toNanos() : 0);
        while (true) {
            try {
                if (admin.promote(member.get().id()) == PromoteOutcome.PROMOTED) {
                    scope.model().log("INFO", "promoted " + unit + " to a voting member");
                    return roster.with(unit, entry.withRole(MemberRole.VOTER));
                }
            } catch (EtcdAdminException e) {
                if (!e.retryable()) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                scope.model().log("WARNING", unit + " has not caught up yet; promotion will be retried");
                return roster;
            }
            Pause.sleep(100);
        }
    }

    /** Keeps roster peer URLs equal to etcd's after a member updated its own (a peer port change). */
    private static Roster followPeerUrls(List<Member> members, Roster roster) {
        Roster next = roster;
        for (Member m : members) {
            for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
                Roster.Entry entry = e.getValue();
                if (entry.memberId().equals(m.idHex()) && !m.peerUrls().isEmpty()
                        && !m.peerUrls().get(0).toString().equals(entry.peerUrl())) {
                    next = next.with(e.getKey(), entry.withPeerUrl(m.peerUrls().get(0).toString()));
                }
            }
        }
        return next;
    }

    /** Removes etcd members that belong to no roster entry (see {@link MembershipPlan#stale}). */
    private static void removeStale(HookScope scope, EtcdCluster admin, List<Member> members, Roster roster) {
        for (Member m : MembershipPlan.stale(members, roster)) {
            new Quorum(admin).removeSafely(m, "no unit");
            scope.model().log("INFO", "removed stale etcd member " + m.idHex() + " (" + m.peerUrls() + ") that matches no unit");
        }
    }

    /** Adds the next waiting unit as a learner, unless a learner is already catching up. */
    private static Roster addNext(HookScope scope, EtcdCluster admin, Roster roster, List<String> candidates) {
        if (roster.pendingLearner() != null || candidates.isEmpty()) {
            return roster;
        }
        if (admin.memberList().stream().anyMatch(Member::learner)) {
            return roster;
        }
        String unit = candidates.get(0);
        String peerUrl = scope.peer().unitData(unit).get(PeerData.PEER_URL);
        if (unit.equals(scope.unit())) {
            // This leader joins an existing cluster: what its etcd has is not of this membership.
            new MemberProcess(scope).moveStaleDataAside();
        }
        scope.framework().setUnitStatusNow(Status.maintenance("adding " + unit + " as a learner"));
        long deadline = System.nanoTime() + ADD_WAIT.toNanos();
        AddLearnerResult added;
        while (true) {
            try {
                added = admin.addLearner(URI.create(peerUrl));
                break;
            } catch (EtcdAdminException e) {
                if (!e.retryable() || System.nanoTime() > deadline) {
                    throw e;
                }
                Pause.sleep(1000);
            }
        }
        String name = Units.memberName(unit);
        Roster next = roster;
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            next = next.with(e.getKey(), e.getValue().existing());
        }
        scope.model().log("INFO", "added " + unit + " as a learner (member " + added.member().idHex() + ")");
        scope.state().admitted(new AdmittedLearner(unit, System.currentTimeMillis()));
        if (unit.equals(scope.unit())) {
            scope.unsettled(Unsettled.LEADER_ADMITTED_ITSELF);
        }
        return next.with(unit, new Roster.Entry(added.member().idHex(), name, peerUrl, MemberRole.LEARNER,
                added.initialCluster(name), InitialClusterState.EXISTING));
    }
}
