package dev.charms.etcd.steps;

import dev.charms.etcd.Roster;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leader only, in a membership round: decides whether this round talks to etcd at all (membership work
 * the peer data shows, or the periodic audit, see {@link MembershipPlan}) and removes the members of
 * departed units, one at a time, each after the grace its unit gets to remove its member itself. A
 * removal that would lose quorum is refused: the unit stays in the roster, the refusal is kept for the
 * status, and the next leader hook tries again (failing the hook would only repeat the refusal under
 * Juju's retries and hold every other hook up).
 */
public final class Departures implements Step {
    static final Duration SELF_REMOVAL_WAIT = Duration.ofSeconds(20);

    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.membershipRound() && !scope.roster().isEmpty();
    }

    @Override
    public void run(HookScope scope) {
        long now = System.currentTimeMillis();
        Roster roster = scope.roster();
        List<String> departed = PeersSeen.departed(scope.peer(), scope.unit(), roster, scope.state(), now);
        Map<String, Long> since = scope.state().departedSince(departed, now);
        List<String> candidates = MembershipPlan.candidates(scope.peer(), scope.unit(), roster, true);
        boolean work = MembershipPlan.workPending(scope.peer(), scope.unit(), roster, departed, candidates)
                || MembershipPlan.awaitingAdmitted(scope.state(), roster, now).isPresent();
        boolean due = work || MembershipPlan.auditDue(scope.state(), now);
        scope.membershipDue(due);
        List<String> refused = new ArrayList<>(); // a departed unit makes work pending: they are always tried
        if (due) {
            Trace.mark(work ? "membership: work pending" : "membership: audit due");
            EtcdCluster admin = scope.membershipCluster();
            for (String unit : departed) {
                try {
                    roster = removeDeparted(scope, admin, roster, unit, since.get(unit));
                } catch (Quorum.UnsafeRemoval e) {
                    scope.model().log("WARNING", e.getMessage() + "; the leader tries again in its next hooks");
                    refused.add(e.getMessage());
                    if (e.noQuorum()) {
                        break; // the same for every departed unit: no need to ask the members again
                    }
                }
            }
            scope.roster(roster);
        }
        scope.state().removalRefused(refused);
    }

    /**
     * Removes a departed unit's member, after giving the unit {@link #SELF_REMOVAL_WAIT} from {@code
     * sinceMillis} (when it was first seen departed) to remove it itself.
     */
    private static Roster removeDeparted(HookScope scope, EtcdCluster admin, Roster roster, String unit, long sinceMillis) {
        Roster.Entry entry = roster.get(unit);
        long deadline = sinceMillis + SELF_REMOVAL_WAIT.toMillis();
        Optional<Member> member = MembershipPlan.memberOf(admin.memberList(), entry);
        if (member.isPresent() && System.currentTimeMillis() < deadline) {
            // Without a quorum the unit cannot remove its member either: waiting for it would only hold
            // this hook (and every hook and action queued behind it) for nothing.
            new Quorum(admin).requireQuorum(member.get(), unit);
        }
        while (member.isPresent() && System.currentTimeMillis() < deadline) {
            Pause.sleep(1000);
            member = MembershipPlan.memberOf(admin.memberList(), entry);
        }
        if (member.isPresent()) {
            new Quorum(admin).removeSafely(member.get(), unit);
            scope.model().log("INFO", "removed etcd member " + member.get().idHex() + " of departed unit " + unit);
        }
        return roster.without(unit);
    }
}
