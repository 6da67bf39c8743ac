package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.AdmittedLearner;
import dev.charms.etcd.state.PeersSeen;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The leader's membership decisions, read from the peer data, the stored state and etcd's member list
 * without changing anything: who may join next, whether the peer data shows work for etcd's API, which
 * learner was admitted moments ago, which etcd member is whose, and which match no unit.
 */
public final class MembershipPlan {
    /** How often a leader with nothing else to do checks etcd for members that match no unit. */
    static final Duration AUDIT_INTERVAL = Duration.ofMinutes(10);
    /** How long after admitting a learner the leader's hooks still wait for it to start. */
    static final Duration LEARNER_WAIT_WINDOW = Duration.ofSeconds(60);

    private MembershipPlan() {
    }

    /**
     * Whether the leader's pass in this hook will likely talk to etcd, judged from the peer data before
     * the pass (certificates this hook will sign count as signed): the hook then opens its connection
     * in the background from the start.
     */
    public static boolean expectsEtcdWork(Model model, dev.charms.ops.StoredState stored) {
        Optional<Relation> maybe = model.relation(PeerData.PEER);
        if (maybe.isEmpty()) {
            return false;
        }
        Relation peer = maybe.get();
        Roster roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        if (roster.isEmpty()) {
            return false;
        }
        UnitState state = new UnitState(stored);
        long now = System.currentTimeMillis();
        return auditDue(state, now) || awaitingAdmitted(state, roster, now).isPresent()
                || workPending(peer, model.unitName(), roster,
                PeersSeen.departed(peer, model.unitName(), roster, state, now),
                candidates(peer, model.unitName(), roster, false));
    }

    /** A leader that never compared etcd's members with the roster, or not for {@link #AUDIT_INTERVAL}. */
    static boolean auditDue(UnitState state, long now) {
        long last = state.auditedAt();
        return last <= 0 || now - last >= AUDIT_INTERVAL.toMillis() || now < last;
    }

    /**
     * Membership work the peer data shows, which needs etcd's API: a departed unit's member, or one whose
     * data was lost, to remove, a
     * started learner to promote, a waiting unit to admit (when no learner is pending), or a member whose
     * published peer URL differs from the roster's (a port or address change to follow).
     */
    static boolean workPending(Relation peer, String self, Roster roster, List<String> departed, List<String> candidates) {
        if (!departed.isEmpty() || !dataLost(peer, self, roster).isEmpty()) {
            return true;
        }
        String learner = roster.pendingLearner();
        if (learner != null) {
            if (UnitProgress.STARTED.in(dataOf(peer, self, learner))) {
                return true;
            }
        } else if (!candidates.isEmpty()) {
            return true;
        }
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            String published = dataOf(peer, self, e.getKey()).getOrDefault(PeerData.PEER_URL, "");
            if (!published.isBlank() && !published.equals(e.getValue().peerUrl())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Roster units whose member's data was lost or damaged and set aside, in unit order: the unit's bag
     * names the very member the roster has for it (a mark left from an earlier member counts for nothing).
     */
    static List<String> dataLost(Relation peer, String self, Roster roster) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            String lost = dataOf(peer, self, e.getKey()).getOrDefault(PeerData.DATA_LOST, "");
            if (!lost.isEmpty() && lost.equals(e.getValue().memberId())) {
                out.add(e.getKey());
            }
        }
        out.sort(Units.ORDER);
        return out;
    }

    /**
     * The pending learner when this leader admitted it less than {@link #LEARNER_WAIT_WINDOW} before
     * {@code now} (its hooks then wait for it to start instead of waiting for its unit to say so).
     */
    static Optional<String> awaitingAdmitted(UnitState state, Roster roster, long now) {
        String learner = roster.pendingLearner();
        Optional<AdmittedLearner> admitted = state.admitted();
        if (learner == null || admitted.isEmpty() || !admitted.get().unit().equals(learner)) {
            return Optional.empty();
        }
        long when = admitted.get().atMillis();
        return now >= when && now - when < LEARNER_WAIT_WINDOW.toMillis() ? Optional.of(learner) : Optional.empty();
    }

    private static Map<String, String> dataOf(Relation peer, String self, String unit) {
        return unit.equals(self) ? peer.localUnitData() : peer.unitData(unit);
    }

    /**
     * Units ready to join, in unit order: no data of an earlier membership, URL published, a certificate
     * signed by this leader (the unit installs it in the hook that starts its member; with {@code signed}
     * false, not required yet: the leader signs early in its pass), and after a restore: data of the
     * replaced cluster moved aside; an etcd that may join the versions the roster's units run (a unit
     * installs before it sees its peers). The leader itself is one when the cluster exists without it:
     * leadership moved to a unit that had not joined yet (Juju may move it at any hook boundary), and
     * no other unit can admit it. Its own stale data is moved aside when it is admitted.
     */
    static List<String> candidates(Relation peer, String self, Roster roster, boolean signed) {
        TreeSet<String> out = new TreeSet<>(Units.ORDER);
        String generation = peer.localAppData().getOrDefault(PeerData.RESTORE, "");
        List<String> units = new ArrayList<>(peer.units());
        if (!roster.isEmpty() && !roster.contains(self)) {
            units.add(self);
        }
        List<EtcdVersion> running = null; // the roster's versions, read once a unit is otherwise ready
        for (String unit : units) {
            Map<String, String> data = peer.unitData(unit);
            boolean ready = unit.equals(self) ? !UnitProgress.LEFT.in(data) : UnitProgress.READY.in(data);
            if (!roster.contains(unit) && ready
                    && (!signed || !peer.localAppData().getOrDefault(Units.certKey(unit), "").isBlank())
                    && (generation.isEmpty() || generation.equals(data.get(PeerData.RESTORED)))
                    && !data.getOrDefault(PeerData.PEER_URL, "").isBlank()) {
                if (running == null) {
                    running = rosterVersions(peer, roster, self);
                }
                if (canJoin(data, running)) {
                    out.add(unit);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Whether a unit publishing {@code data} runs an etcd that may join members running {@code running}
     * ({@link EtcdVersion#refusesMoveTo}): a unit installed before it saw its peers may hold a release the
     * cluster refuses. One that published no version binds nothing.
     */
    private static boolean canJoin(Map<String, String> data, List<EtcdVersion> running) {
        try {
            return EtcdVersion.refusesMoveTo(EtcdVersion.parse(data.getOrDefault(PeerData.ETCD_VERSION, "")), running).isEmpty();
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** The etcd versions the roster's units publish, this unit's own included. */
    private static List<EtcdVersion> rosterVersions(Relation peer, Roster roster, String self) {
        List<EtcdVersion> out = memberVersions(peer, roster, self);
        if (roster.contains(self)) {
            try {
                out.add(EtcdVersion.parse(peer.localUnitData().getOrDefault(PeerData.ETCD_VERSION, "")));
            } catch (IllegalArgumentException e) {
                // not published yet
            }
        }
        return out;
    }

    /**
     * The etcd versions the roster's units that this hook sees publish (this unit's own bag excluded:
     * {@code self}'s version is its installation's), each one that parses.
     */
    static List<EtcdVersion> memberVersions(Relation peer, Roster roster, String self) {
        List<EtcdVersion> out = new ArrayList<>();
        for (String unit : peer.units()) {
            if (unit.equals(self) || !roster.contains(unit)) {
                continue;
            }
            try {
                out.add(EtcdVersion.parse(peer.unitData(unit).getOrDefault(PeerData.ETCD_VERSION, "")));
            } catch (IllegalArgumentException e) {
                // none published (yet), or unreadable: binds nothing
            }
        }
        return out;
    }

    /** The member of a roster entry: by its member id when known (peer URLs move), else by peer URL. */
    static Optional<Member> memberOf(List<Member> members, Roster.Entry entry) {
        if (!entry.memberId().isEmpty()) {
            Optional<Member> byId = members.stream().filter(m -> m.idHex().equals(entry.memberId())).findFirst();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return members.stream().filter(m -> m.peerUrls().stream().anyMatch(u -> u.toString().equals(entry.peerUrl()))).findFirst();
    }

    /**
     * Members that belong to no roster entry: neither their id, nor a peer URL, nor their name is the
     * roster's (after a forced removal, or a learner added by a hook that then failed).
     */
    static List<Member> stale(List<Member> members, Roster roster) {
        List<Member> out = new ArrayList<>();
        for (Member m : members) {
            boolean known = roster.entries().values().stream().anyMatch(e -> e.memberId().equals(m.idHex())
                    || (m.started() && m.name().equals(e.memberName()))
                    || m.peerUrls().stream().anyMatch(u -> u.toString().equals(e.peerUrl())));
            if (!known) {
                out.add(m);
            }
        }
        return out;
    }
}
