package dev.charms.etcd.steps;

import dev.charms.etcd.Roster;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Trace;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Leader only, in a membership round: decides whether this round talks to etcd at all (membership work
 * the peer data shows, or the periodic audit, see {@link MembershipPlan}) and removes the members of
 * departed units at once, one at a time, raft leadership moved away from each first. A departing unit
 * that is not the leader never removes its own member ({@link UnitRemoval}), so these removals are the
 * only membership changes while units leave, and each is checked against the membership it changes. A
 * removal that would lose quorum is refused: the unit stays in the roster, the refusal is kept for the
 * status, and the next leader hook tries again (failing the hook would only repeat the refusal under
 * Juju's retries and hold every other hook up). Removing one member can make another's removal safe (a
 * member that does not answer costs the smaller cluster nothing), so the refused ones are tried again
 * after each removal that went through. The member of a unit that lost its data (see {@link ThisMember}) is
 * removed here the same way, so that its unit can be admitted again.
 */
public final class Departures implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.membershipRound() && !scope.roster().isEmpty() && !scope.formingSeveral();
    }

    @Override
    public void run(HookScope scope) {
        long now = System.currentTimeMillis();
        Roster roster = scope.roster();
        List<String> departed = PeersSeen.departed(scope.peer(), scope.unit(), roster, scope.state(), now);
        List<String> candidates = MembershipPlan.candidates(scope.peer(), scope.unit(), roster, true);
        boolean work = MembershipPlan.workPending(scope.peer(), scope.unit(), roster, departed, candidates)
                || MembershipPlan.awaitingAdmitted(scope.state(), roster, now).isPresent();
        boolean due = work || MembershipPlan.auditDue(scope.state(), now);
        scope.membershipDue(due);
        List<String> refused = new ArrayList<>(); // a departed unit makes work pending: they are always tried
        if (due) {
            Trace.mark(work ? "membership: work pending" : "membership: audit due");
            EtcdCluster admin = scope.membershipCluster();
            List<String> pending = new ArrayList<>(departed);
            boolean progress = true;
            while (progress && !pending.isEmpty()) {
                progress = false;
                refused.clear();
                for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
                    String unit = it.next();
                    try {
                        roster = removeMemberOf(scope, admin, roster, unit);
                        it.remove();
                        progress = true;
                    } catch (Quorum.UnsafeRemoval e) {
                        refused.add(e.getMessage());
                        if (e.noQuorum()) {
                            progress = false; // the same for every departed unit: no need to ask the members again
                            break;
                        }
                    }
                }
            }
            roster = replaceLost(scope, admin, roster, refused);
            refused.forEach(r -> scope.model().log("WARNING", r + "; the leader tries again in its next hooks"));
            scope.roster(roster);
        }
        scope.state().removalRefused(refused);
    }

    /**
     * Removes the members whose data their units lost and set aside (deleted or damaged while etcd was
     * stopped) and drops those units from the roster: they are then ready to join, and {@link Membership}
     * admits them again as learners, with empty data, through the usual admission. A removal that would
     * lose quorum is refused and kept with the others for the status.
     */
    private static Roster replaceLost(HookScope scope, EtcdCluster admin, Roster roster, List<String> refused) {
        Roster next = roster;
        for (String unit : MembershipPlan.dataLost(scope.peer(), scope.unit(), next)) {
            Optional<Member> member = MembershipPlan.memberOf(admin.memberList(), next.get(unit));
            try {
                if (member.isPresent()) {
                    new Quorum(admin).removeSafely(member.get(), unit + " lost its data");
                    scope.model().log("INFO", "removed etcd member " + member.get().idHex() + " of " + unit
                            + ", whose data was lost; the unit joins again as a learner");
                }
                next = next.without(unit);
            } catch (Quorum.UnsafeRemoval e) {
                refused.add(e.getMessage());
                if (e.noQuorum()) {
                    break;
                }
            }
        }
        return next;
    }

    /** Removes the member of a unit that departed or is leaving, if it has one, and drops the unit from {@code roster}. */
    static Roster removeMemberOf(HookScope scope, EtcdCluster admin, Roster roster, String unit) {
        Optional<Member> member = MembershipPlan.memberOf(admin.memberList(), roster.get(unit));
        if (member.isPresent()) {
            new Quorum(admin).removeSafely(member.get(), unit);
            scope.model().log("INFO", "removed etcd member " + member.get().idHex() + " of departed unit " + unit);
        }
        return roster.without(unit);
    }
}
