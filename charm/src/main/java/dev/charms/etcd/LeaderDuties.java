package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.workload.AddLearnerResult;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.PromoteOutcome;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import dev.charms.ops.Trace;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What only the Juju leader does: keep the cluster CA and token, sign every unit's CSR, bootstrap the
 * cluster, and drive membership through etcd's API -- add one learner at a time, promote it once it
 * has caught up, remove members whose unit departed (moving raft leadership away first) and members
 * that match no unit, refusing a removal that would lose quorum -- and hand out rolling-restart turns.
 */
final class LeaderDuties {
    static final Duration PROMOTE_WAIT = Duration.ofSeconds(60);
    static final Duration ADD_WAIT = Duration.ofSeconds(30);
    static final Duration SELF_REMOVAL_WAIT = Duration.ofSeconds(20);
    /**
     * How long a leader hook waits, with its connection open, for a learner it admitted moments ago to
     * start: the learner's unit starts it in its own hook, which runs meanwhile, and promoting it then
     * saves a whole leader hook (and its cold etcd connection) per joining unit.
     */
    static final Duration LEARNER_START_WAIT = Duration.ofSeconds(8);
    /** How long after admitting a learner the leader's hooks still wait for it (see {@link #LEARNER_START_WAIT}). */
    static final Duration LEARNER_WAIT_WINDOW = Duration.ofSeconds(60);
    /** Stored: the learner this leader admitted last, and when ({@code unit@epochMillis}). */
    static final String ADMITTED = "learner-admitted";

    private final Framework fw;
    private final Model model;
    private final Host host;
    private final Reconciler.Pass pass;
    private final Relation peer;
    private boolean bootstrapped;
    private boolean admittedItself;

    LeaderDuties(Framework fw, Host host, Reconciler.Pass pass) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
        this.pass = pass;
        this.peer = pass.peer();
    }

    /**
     * CA, token, and certificates for every unit that asked for one. The CA (secret read and key load)
     * is touched only when some unit's CSR and certificate pair has not been checked before.
     */
    void prepare() {
        ClusterCa clusterCa = new ClusterCa(model, peer);
        // A CA made in this hook is kept in hand: its secret is committed only when the hook ends.
        CertificateAuthority ca = clusterCa.certificatePem().isEmpty() ? clusterCa.ensure() : null;
        Map<String, String> app = peer.localAppData();
        String caPem = clusterCa.certificatePem().orElseThrow();
        Map<String, String> updates = new LinkedHashMap<>();
        if (app.getOrDefault(PeerData.TOKEN, "").isBlank()) {
            byte[] random = new byte[8];
            new SecureRandom().nextBytes(random);
            updates.put(PeerData.TOKEN, "etcd-" + model.appName() + "-" + HexFormat.of().formatHex(random));
        }
        List<String> units = new ArrayList<>(peer.units());
        units.add(model.unitName());
        int validity = pass.settings().certificateValidityDays();
        for (String unit : units) {
            String csrPem = peer.unitData(unit).get(PeerData.CSR);
            if (csrPem == null || csrPem.isBlank()) {
                continue;
            }
            String current = app.get(Units.certKey(unit));
            String checkedKey = "signed-" + Units.memberName(unit);
            String basis = Fingerprint.of(csrPem, current, caPem, Integer.toString(validity));
            if (Fingerprint.checkedAndFresh(fw.stored(), checkedKey, basis)) {
                continue;
            }
            try {
                Csr csr = Csr.parse(csrPem);
                if (ca == null) {
                    ca = clusterCa.ensure();
                }
                String cert = current;
                if (needsSigning(current, csr, ca, validity)) {
                    cert = ca.sign(csr, csr.sans(), validity, Usage.SERVER_AND_CLIENT);
                    updates.put(Units.certKey(unit), cert);
                }
                long renewAt = CertificateInfo.parse(cert).notAfter().toEpochMilli()
                        - UnitTls.renewalWindow(validity).toMillis();
                Fingerprint.recordChecked(fw.stored(), checkedKey,
                        Fingerprint.of(csrPem, cert, caPem, Integer.toString(validity)), renewAt);
            } catch (RuntimeException e) {
                model.log("WARNING", "not signing the CSR of " + unit + ": " + e.getMessage());
            }
        }
        for (String key : app.keySet()) {
            if (key.startsWith("cert-") && units.stream().noneMatch(u -> Units.certKey(u).equals(key))) {
                updates.put(key, "");
            }
        }
        peer.updateLocalAppData(updates);
    }

    private static boolean needsSigning(String certPem, Csr csr, CertificateAuthority ca, int validityDays) {
        if (certPem == null || certPem.isBlank()) {
            return true;
        }
        try {
            CertificateInfo cert = CertificateInfo.parse(certPem);
            return !cert.publicKey().equals(csr.publicKey()) || !cert.sans().equals(csr.sans())
                    || !cert.isSignedBy(ca.certificatePem())
                    || cert.expiresWithin(UnitTls.renewalWindow(validityDays));
        } catch (RuntimeException e) {
            return true;
        }
    }

    Roster roster() {
        return Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
    }

    private void saveRoster(Roster roster) {
        peer.updateLocalAppData(Map.of(PeerData.MEMBERS, roster.toJson()));
    }

    /**
     * Bootstraps the cluster when there is none, then adds, promotes and removes members. etcd's API is
     * used only when the peer data shows membership work (see {@link #workPending}) or the periodic
     * audit for members that match no unit is due: most leader hooks (and every update-status) have
     * nothing to change, and a hook's first jetcd connection costs 0.5 to 1 s of a cold JVM.
     */
    void manageMembership() {
        Roster roster = roster();
        if (roster.isEmpty()) {
            roster = bootstrap();
        }
        List<String> departed = PeersSeen.departed(peer, model.unitName(), roster, fw.stored(), System.currentTimeMillis());
        Map<String, Long> since = departedSince(fw.stored(), departed, System.currentTimeMillis());
        List<String> candidates = candidates(peer, model.unitName(), roster, true);
        boolean work = workPending(peer, model.unitName(), roster, departed, candidates)
                || awaitingAdmitted(fw.stored(), roster) != null;
        boolean audit = auditDue(fw.stored());
        List<String> refused = new ArrayList<>(); // a departed unit makes work pending: they are always tried
        if (work || audit) {
            Trace.mark(work ? "membership: work pending" : "membership: audit due");
            try (EtcdCluster admin = host.cluster(Reconciler.clientUrls(peer, roster, pass.node()))) {
                for (String unit : departed) {
                    try {
                        roster = removeDeparted(admin, roster, unit, since.get(unit));
                    } catch (Quorum.UnsafeRemoval e) {
                        // Kept in the roster and tried again by the next leader hook; failing the hook would
                        // only repeat the same refusal under Juju's retries and hold every other hook up.
                        model.log("WARNING", e.getMessage() + "; the leader tries again in its next hooks");
                        refused.add(e.getMessage());
                        if (e.noQuorum()) {
                            break; // the same for every departed unit: no need to ask the members again
                        }
                    }
                }
                roster = promote(admin, roster);
                // One member list for both: a member moving its peer URL (a rolling port change on
                // another unit) between two lists must not look like a stranger.
                List<Member> members = admin.memberList();
                roster = followPeerUrls(members, roster);
                roster = removeStale(admin, members, roster);
                roster = addNext(admin, roster, candidates(peer, model.unitName(), roster, true));
            }
            fw.stored().put(AUDITED_AT, System.currentTimeMillis());
        }
        fw.stored().put(REMOVAL_REFUSED, refused.isEmpty() ? null : String.join("; ", refused));
        saveRoster(roster);
        grantRestartTurn();
    }

    /** Stored: when this leader first saw each departed unit's member still listed (unit to epoch ms). */
    static final String DEPARTED_SINCE = "departed-since";
    /**
     * Stored: why removing a departed unit's member was refused in the last attempt (absent: it was not).
     * It holds only while the roster still has departed units (a restore or rebuild drops them).
     */
    static final String REMOVAL_REFUSED = "departed-removal-refused";

    /**
     * When each of {@code departed} was first seen departed ({@code now} for one seen now), kept in
     * {@code stored} for exactly those units: the grace a departing unit gets to remove its own member
     * runs once from then, not again in every hook that retries a refused removal.
     */
    static Map<String, Long> departedSince(dev.charms.ops.StoredState stored, List<String> departed, long now) {
        return noticedSince(stored, DEPARTED_SINCE, departed, now);
    }

    /**
     * When each of {@code units} was first noticed ({@code now} for one noticed now, or recorded in the
     * future: the clock went back), kept in {@code stored} under {@code key} for exactly those units.
     */
    static Map<String, Long> noticedSince(dev.charms.ops.StoredState stored, String key, List<String> units, long now) {
        Map<String, Long> out = new java.util.TreeMap<>();
        Object saved = stored.get(key);
        for (String unit : units) {
            long at = saved instanceof Map<?, ?> m && m.get(unit) instanceof Number n && n.longValue() <= now ? n.longValue() : now;
            out.put(unit, at);
        }
        stored.put(key, out.isEmpty() ? null : out);
        return out;
    }

    /**
     * Whether {@link #manageMembership} added this leader's own unit as a learner: its member starts in
     * this hook, and only this leader can promote it, so the pass promotes it before the hook ends (no
     * other unit's hook need ever wake this leader again).
     */
    boolean admittedItself() {
        return admittedItself;
    }

    /** Whether {@link #manageMembership} bootstrapped the cluster (etcd may still be electing its leader). */
    boolean bootstrapped() {
        return bootstrapped;
    }

    /** Stored: when this leader last compared etcd's member list with the roster (epoch ms). */
    static final String AUDITED_AT = "membership-audited-at";
    /** How often a leader with nothing else to do checks etcd for members that match no unit. */
    static final Duration AUDIT_INTERVAL = Duration.ofMinutes(10);

    /** A leader that never compared etcd's members with the roster, or not for {@link #AUDIT_INTERVAL}. */
    static boolean auditDue(dev.charms.ops.StoredState stored) {
        long last = stored.getLong(AUDITED_AT, 0);
        long now = System.currentTimeMillis();
        return last <= 0 || now - last >= AUDIT_INTERVAL.toMillis() || now < last;
    }

    /**
     * Membership work the peer data shows, which needs etcd's API: a departed unit's member to remove, a
     * started learner to promote, a waiting unit to admit (when no learner is pending), or a member whose
     * published peer URL differs from the roster's (a port or address change to follow).
     */
    static boolean workPending(Relation peer, String self, Roster roster, List<String> departed, List<String> candidates) {
        if (!departed.isEmpty()) {
            return true;
        }
        String learner = roster.pendingLearner();
        if (learner != null) {
            if (PeerData.STATE_STARTED.equals(dataOf(peer, self, learner).get(PeerData.STATE))) {
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
     * Whether the leader's pass in this hook will likely talk to etcd, judged from the peer data before
     * the pass (certificates this hook will sign count as signed): the hook then opens its connection
     * in the background from the start.
     */
    static boolean expectsEtcdWork(Model model, dev.charms.ops.StoredState stored) {
        Optional<Relation> maybe = model.relation(PeerData.PEER);
        if (maybe.isEmpty()) {
            return false;
        }
        Relation peer = maybe.get();
        Roster roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        if (roster.isEmpty()) {
            return false;
        }
        return auditDue(stored) || awaitingAdmitted(stored, roster) != null
                || workPending(peer, model.unitName(), roster,
                PeersSeen.departed(peer, model.unitName(), roster, stored, System.currentTimeMillis()),
                candidates(peer, model.unitName(), roster, false));
    }

    /**
     * The pending learner when this leader admitted it less than {@link #LEARNER_WAIT_WINDOW} ago (its
     * hooks then wait for it to start instead of waiting for its unit to say so); null otherwise.
     */
    static String awaitingAdmitted(dev.charms.ops.StoredState stored, Roster roster) {
        String learner = roster.pendingLearner();
        String admitted = stored.getString(ADMITTED, "");
        int at = admitted.lastIndexOf('@');
        if (learner == null || at < 0 || !admitted.substring(0, at).equals(learner)) {
            return null;
        }
        long when;
        try {
            when = Long.parseLong(admitted.substring(at + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        long now = System.currentTimeMillis();
        return now >= when && now - when < LEARNER_WAIT_WINDOW.toMillis() ? learner : null;
    }

    private static Map<String, String> dataOf(Relation peer, String self, String unit) {
        return unit.equals(self) ? peer.localUnitData() : peer.unitData(unit);
    }

    /** Starts a one-member cluster on this unit (leader) and records it. */
    private Roster bootstrap() {
        Node node = pass.node();
        Roster.Entry entry = new Roster.Entry("", node.memberName(), node.peerUrl().toString(), "voter",
                node.memberName() + "=" + node.peerUrl(), "new");
        fw.setUnitStatusNow(Status.maintenance("bootstrapping a new etcd cluster"));
        MemberDuties member = new MemberDuties(fw, host, pass);
        member.startWith(entry);
        // etcd listening means it accepted its configuration and certificates. Its one-member election
        // (up to a second) is not waited for: the id is etcd's own function of the peer URL and token,
        // and the next hook that needs etcd finds it serving (or, if it died, not running, and says so).
        member.awaitListening();
        bootstrapped = true;
        String id = Long.toHexString(Member.initialId(List.of(entry.peerUrl()),
                peer.localAppData().getOrDefault(PeerData.TOKEN, "")));
        Roster roster = Roster.empty().with(node.unit(), new Roster.Entry(id, entry.memberName(),
                entry.peerUrl(), "voter", entry.initialCluster(), "new"));
        model.log("INFO", "bootstrapped the etcd cluster on " + node.unit() + " (member " + id + ")");
        saveRoster(roster);
        // A cluster made just now has no member of another unit: its first audit can wait its interval.
        fw.stored().put(AUDITED_AT, System.currentTimeMillis());
        return roster;
    }

    /**
     * Units ready to join, in unit order: no data of an earlier membership, URL published, a certificate
     * signed by this leader (the unit installs it in the hook that starts its member; with {@code signed}
     * false, not required yet: the leader signs early in its pass), and after a restore: data of the
     * replaced cluster moved aside. The leader itself is one when the cluster exists without it:
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
        for (String unit : units) {
            Map<String, String> data = peer.unitData(unit);
            String state = data.getOrDefault(PeerData.STATE, "");
            boolean ready = unit.equals(self) ? !PeerData.STATE_LEFT.equals(state) : PeerData.STATE_READY.equals(state);
            if (!roster.contains(unit) && ready
                    && (!signed || !peer.localAppData().getOrDefault(Units.certKey(unit), "").isBlank())
                    && (generation.isEmpty() || generation.equals(data.get(PeerData.RESTORED)))
                    && !data.getOrDefault(PeerData.PEER_URL, "").isBlank()) {
                out.add(unit);
            }
        }
        return new ArrayList<>(out);
    }

    private static Optional<Member> byPeerUrl(List<Member> members, String peerUrl) {
        return members.stream().filter(m -> m.peerUrls().stream().anyMatch(u -> u.toString().equals(peerUrl))).findFirst();
    }

    /** The member of a roster entry: by its member id when known (peer URLs move), else by peer URL. */
    static Optional<Member> memberOf(List<Member> members, Roster.Entry entry) {
        if (!entry.memberId().isEmpty()) {
            Optional<Member> byId = members.stream().filter(m -> m.idHex().equals(entry.memberId())).findFirst();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return byPeerUrl(members, entry.peerUrl());
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

    /**
     * Removes a departed unit's member, after giving the unit {@link #SELF_REMOVAL_WAIT} from {@code
     * sinceMillis} (when it was first seen departed) to remove it itself.
     */
    private Roster removeDeparted(EtcdCluster admin, Roster roster, String unit, long sinceMillis) {
        Roster.Entry entry = roster.get(unit);
        long deadline = sinceMillis + SELF_REMOVAL_WAIT.toMillis();
        Optional<Member> member = memberOf(admin.memberList(), entry);
        if (member.isPresent() && System.currentTimeMillis() < deadline) {
            // Without a quorum the unit cannot remove its member either: waiting for it would only hold
            // this hook (and every hook and action queued behind it) for nothing.
            new Quorum(admin).requireQuorum(member.get(), unit);
        }
        while (member.isPresent() && System.currentTimeMillis() < deadline) {
            sleep(1000);
            member = memberOf(admin.memberList(), entry);
        }
        if (member.isPresent()) {
            new Quorum(admin).removeSafely(member.get(), unit);
            model.log("INFO", "removed etcd member " + member.get().idHex() + " of departed unit " + unit);
        }
        return roster.without(unit);
    }

    /**
     * Promotes the pending learner once it has started and etcd says it caught up. Started means its
     * unit reported so, or -- for a learner this leader admitted moments ago -- etcd lists it as started
     * within {@link #LEARNER_START_WAIT} (its unit's hook starts it meanwhile).
     */
    private Roster promote(EtcdCluster admin, Roster roster) {
        String unit = roster.pendingLearner();
        if (unit == null) {
            return roster;
        }
        Roster.Entry entry = roster.get(unit);
        boolean reported = PeerData.STATE_STARTED.equals(peer.unitData(unit).get(PeerData.STATE));
        List<Member> members = admin.memberList();
        Optional<Member> member = memberOf(members, entry);
        if (!reported) {
            if (!unit.equals(awaitingAdmitted(fw.stored(), roster))) {
                return roster;
            }
            fw.setUnitStatusNow(Status.maintenance("waiting for " + unit + " to start as a learner"));
            long until = System.nanoTime() + LEARNER_START_WAIT.toNanos();
            while (member.isPresent() && !member.get().started() && System.nanoTime() <= until) {
                sleep(100);
                members = admin.memberList();
                member = memberOf(members, entry);
            }
            if (member.isEmpty() || !member.get().started()) {
                return roster;
            }
        }
        if (member.isEmpty()) {
            model.log("WARNING", "learner of " + unit + " is missing from etcd; it will be added again");
            return roster.without(unit);
        }
        if (!member.get().learner()) {
            return roster.with(unit, entry.withRole("voter"));
        }
        Optional<String> risk = new Quorum(admin).promotionRisk(members, member.get());
        if (risk.isPresent()) {
            model.log("WARNING", "not promoting " + unit + " yet: " + risk.get());
            return roster;
        }
        fw.setUnitStatusNow(Status.maintenance("promoting " + unit + " to a voting member"));
        long deadline = System.nanoTime() + PROMOTE_WAIT.toNanos();
        while (true) {
            try {
                if (admin.promote(member.get().id()) == PromoteOutcome.PROMOTED) {
                    model.log("INFO", "promoted " + unit + " to a voting member");
                    return roster.with(unit, entry.withRole("voter"));
                }
            } catch (EtcdAdminException e) {
                if (!e.retryable()) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                model.log("WARNING", unit + " has not caught up yet; promotion will be retried");
                return roster;
            }
            sleep(100);
        }
    }

    /** Keeps roster peer URLs equal to etcd's after a member updated its own (a peer port change). */
    private Roster followPeerUrls(List<Member> members, Roster roster) {
        Roster next = roster;
        for (Member m : members) {
            for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
                Roster.Entry entry = e.getValue();
                if (entry.memberId().equals(m.idHex()) && !m.peerUrls().isEmpty()
                        && !m.peerUrls().get(0).toString().equals(entry.peerUrl())) {
                    next = next.with(e.getKey(), new Roster.Entry(entry.memberId(), entry.memberName(),
                            m.peerUrls().get(0).toString(), entry.role(), entry.initialCluster(), entry.clusterState()));
                }
            }
        }
        return next;
    }

    /** Removes etcd members that belong to no roster entry (see {@link #stale}). */
    private Roster removeStale(EtcdCluster admin, List<Member> members, Roster roster) {
        for (Member m : stale(members, roster)) {
            new Quorum(admin).removeSafely(m, "no unit");
            model.log("INFO", "removed stale etcd member " + m.idHex() + " (" + m.peerUrls() + ") that matches no unit");
        }
        return roster;
    }

    /** Adds the next waiting unit as a learner, unless a learner is already catching up. */
    private Roster addNext(EtcdCluster admin, Roster roster, List<String> candidates) {
        if (roster.pendingLearner() != null || candidates.isEmpty()) {
            return roster;
        }
        if (admin.memberList().stream().anyMatch(Member::learner)) {
            return roster;
        }
        String unit = candidates.get(0);
        String peerUrl = peer.unitData(unit).get(PeerData.PEER_URL);
        if (unit.equals(model.unitName())) {
            // This leader joins an existing cluster: what its etcd has is not of this membership.
            new MemberDuties(fw, host, pass).moveStaleDataAside();
        }
        fw.setUnitStatusNow(Status.maintenance("adding " + unit + " as a learner"));
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
                sleep(1000);
            }
        }
        String name = Units.memberName(unit);
        Roster next = roster;
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            next = next.with(e.getKey(), e.getValue().existing());
        }
        model.log("INFO", "added " + unit + " as a learner (member " + added.member().idHex() + ")");
        fw.stored().put(ADMITTED, unit + "@" + System.currentTimeMillis());
        admittedItself = unit.equals(model.unitName());
        return next.with(unit, new Roster.Entry(added.member().idHex(), name, peerUrl, "learner",
                added.initialCluster(name), "existing"));
    }

    /**
     * After this pass: when the rolling-restart turn is this leader's own, it has just restarted (or is
     * waiting to), and the turn goes on now -- the leader gets no hook for its own unit's write, and a
     * turn left with it would wait for some other unit's next event. True when the turn is this leader's
     * again: its configuration changed once more before it used the turn it had, so it restarts now.
     */
    boolean passOwnRestartTurn() {
        String own = model.unitName() + ":";
        if (peer.localAppData().getOrDefault(PeerData.RESTART_TURN, "").startsWith(own)) {
            grantRestartTurn();
            return peer.localAppData().getOrDefault(PeerData.RESTART_TURN, "").startsWith(own);
        }
        return false;
    }

    /** Gives the rolling-restart turn to the next unit that asked for one, once the holder is done. */
    private void grantRestartTurn() {
        Map<String, Map<String, String>> units = new HashMap<>();
        List<String> present = new ArrayList<>(peer.units());
        // A peer this unit has not seen join yet (a new leader) may hold the turn: it has not left.
        present.addAll(PeersSeen.unseen(peer, model.unitName(), roster(), fw.stored()));
        for (String unit : present) {
            units.put(unit, peer.unitData(unit));
        }
        units.put(model.unitName(), peer.localUnitData());
        String turn = peer.localAppData().getOrDefault(PeerData.RESTART_TURN, "");
        String next = nextRestartTurn(turn, units);
        if (!next.isEmpty() && !next.equals(turn)) {
            String holder = next.substring(0, next.indexOf(':'));
            Optional<String> unsafe = RestartGate.check(host, pass, roster(), holder);
            if (unsafe.isPresent()) {
                model.log("INFO", "rolling restart paused: " + holder + " restarts once the cluster can spare its member ("
                        + unsafe.get() + ")");
                next = "";
            }
        }
        peer.updateLocalAppData(Map.of(PeerData.RESTART_TURN, next));
    }

    /**
     * The rolling-restart turn after {@code turn} ({@code unit:fingerprint}, or empty), given each unit's
     * bag (this leader's included). The turn stays while its holder is still a unit, still asks for that
     * very restart and has not reported it done. A holder whose request changed (the configuration
     * changed again before its turn came), was met without a turn (its etcd was started after a crash
     * with the new configuration) or was dropped (a restore) would never report that restart: the turn
     * moves on. Next is the first unit, in unit order, with a request not yet met; empty when none.
     */
    static String nextRestartTurn(String turn, Map<String, Map<String, String>> units) {
        if (!turn.isEmpty()) {
            int colon = turn.indexOf(':');
            String holder = colon < 0 ? turn : turn.substring(0, colon);
            String fingerprint = colon < 0 ? "" : turn.substring(colon + 1);
            Map<String, String> data = units.get(holder);
            if (data != null && fingerprint.equals(data.getOrDefault(PeerData.RESTART_REQUEST, ""))
                    && !fingerprint.equals(data.getOrDefault(PeerData.RESTARTED, ""))) {
                return turn;
            }
        }
        List<String> order = new ArrayList<>(units.keySet());
        order.sort(Units.ORDER);
        for (String unit : order) {
            Map<String, String> data = units.get(unit);
            String wanted = data.getOrDefault(PeerData.RESTART_REQUEST, "");
            if (!wanted.isEmpty() && !wanted.equals(data.getOrDefault(PeerData.RESTARTED, ""))) {
                return unit + ":" + wanted;
            }
        }
        return "";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
