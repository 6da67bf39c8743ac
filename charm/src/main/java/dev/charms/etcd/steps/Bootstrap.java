package dev.charms.etcd.steps;

import dev.charms.etcd.Node;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.MemberRole;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.etcd.workload.InitialCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Status;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Leader only, while there is no cluster (an empty roster): forms the initial cluster from the units
 * deployed together. {@code goal-state} says which units of the application Juju means to have; once every
 * one of them (but those being removed) has joined the peer relation, published its peer URL and CSR and
 * had its certificate signed (by {@link ClusterCertificates}, earlier in this round), the leader publishes
 * one roster of all of them, each a voter with the full {@code initial-cluster} and
 * {@code initial-cluster-state: new}, and starts its own member; the others start theirs when they read the
 * roster. A unit not ready within {@link #WAIT} of the leader's first sight of the pending cluster does not
 * hold the others back: the cluster forms with those ready, and the late unit joins later as a learner, as
 * an added unit does. The wait spans hooks (update-status and peer hooks look again); no hook sleeps in it.
 * Without {@code goal-state} (not every Juju offers it: docs/juju-contract.md, section 4) the leader forms a
 * one-member cluster at once and the others join as learners one at a time. A roster once published is
 * the truth: a new leader never publishes another initial cluster, since this step runs only while the
 * roster is empty.
 */
public final class Bootstrap implements Step {
    /** How long the leader waits for the units deployed with it before it forms the cluster without them. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.membershipRound() && scope.roster().isEmpty();
    }

    @Override
    public void run(HookScope scope) {
        Node node = scope.node();
        List<String> ready = MembershipPlan.candidates(scope.peer(), scope.unit(), Roster.empty(), true);
        Optional<List<String>> expected = expectedPeers(scope);
        List<String> members = new ArrayList<>();
        members.add(scope.unit());
        if (expected.isPresent()) {
            List<String> missing = expected.get().stream().filter(u -> !ready.contains(u)).toList();
            long now = System.currentTimeMillis();
            if (!missing.isEmpty()) {
                long since = scope.state().bootstrapWaitSince();
                if (since <= 0 || since > now) {
                    since = now;
                    scope.state().bootstrapWaitSince(now);
                }
                long left = WAIT.toMillis() - (now - since);
                if (left > 0) {
                    scope.bootstrapWaiting("waiting for " + String.join(", ", missing) + " to join before the cluster forms (at most "
                            + Math.max(1, (left + 999) / 1000) + " s more)");
                    return;
                }
                scope.model().log("WARNING", "forming the etcd cluster without " + String.join(", ", missing)
                        + ", not ready within " + WAIT.toSeconds() + " s; they join later as learners");
            }
            expected.get().stream().filter(ready::contains).forEach(members::add);
        }
        Roster roster = initialRoster(scope, members);
        Roster.Entry entry = roster.get(scope.unit());
        scope.framework().setUnitStatusNow(Status.maintenance("bootstrapping a new etcd cluster"
                + (members.size() == 1 ? "" : " of " + members.size() + " members")));
        MemberProcess member = new MemberProcess(scope);
        member.startWith(entry);
        // etcd listening means it accepted its configuration and certificates. Its first election is not
        // waited for (a cluster of several members elects once a majority of them run, which takes the
        // other units' hooks); the next hook that needs etcd finds it serving (or, if it died, not
        // running, and says so). Member ids are etcd's own function of the peer URLs and the token.
        member.awaitListening();
        scope.bootstrappedNow();
        scope.model().log("INFO", "bootstrapped the etcd cluster on " + node.unit() + " with "
                + String.join(", ", roster.entries().keySet()) + " (member " + entry.memberId() + ")");
        scope.publishRoster(roster);
        scope.state().bootstrapWaitSince(0);
        // A cluster made just now has no member of another unit's making: its first audit can wait its interval.
        scope.state().auditedAt(System.currentTimeMillis());
    }

    /**
     * The other units {@code goal-state} expects (not dying), in unit order; empty when it is not
     * available. Units of other applications are never among them.
     */
    private static Optional<List<String>> expectedPeers(HookScope scope) {
        Optional<Map<String, String>> goal = scope.model().goalStateUnits();
        if (goal.isEmpty()) {
            return Optional.empty();
        }
        String app = scope.model().appName() + "/";
        TreeSet<String> out = new TreeSet<>(Units.ORDER);
        goal.get().forEach((unit, status) -> {
            if (unit.startsWith(app) && !unit.equals(scope.unit()) && !"dying".equals(status)) {
                out.add(unit);
            }
        });
        return Optional.of(new ArrayList<>(out));
    }

    /** Every member a voter with the whole initial cluster and {@code new}; ids as etcd derives them. */
    private static Roster initialRoster(HookScope scope, List<String> units) {
        Map<String, String> peerUrls = new LinkedHashMap<>();
        TreeSet<String> ordered = new TreeSet<>(Units.ORDER);
        ordered.addAll(units);
        for (String unit : ordered) {
            peerUrls.put(unit, unit.equals(scope.unit()) ? scope.node().peerUrl().toString()
                    : scope.peer().unitData(unit).get(PeerData.PEER_URL));
        }
        Map<String, List<URI>> cluster = new LinkedHashMap<>();
        peerUrls.forEach((unit, url) -> cluster.put(Units.memberName(unit), List.of(URI.create(url))));
        String initialCluster = InitialCluster.format(cluster);
        Roster roster = Roster.empty();
        for (Map.Entry<String, String> e : peerUrls.entrySet()) {
            String id = Long.toHexString(Member.initialId(List.of(e.getValue()), scope.token()));
            roster = roster.with(e.getKey(), new Roster.Entry(id, Units.memberName(e.getKey()), e.getValue(),
                    MemberRole.VOTER, initialCluster, InitialClusterState.NEW));
        }
        return roster;
    }
}
