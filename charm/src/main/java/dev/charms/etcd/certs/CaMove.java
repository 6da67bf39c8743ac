package dev.charms.etcd.certs;

import dev.charms.etcd.Fingerprint;
import java.util.Collection;
import java.util.Map;

/**
 * The leader's decision, from one hook to the next, moving the cluster from the CA whose certificates its
 * members serve to another without a moment in which two members cannot talk: (1) every member trusts
 * both CAs; once every member runs with that trust, (2) members serve certificates of the new CA; once
 * every member runs with them, (3) the old CA is dropped from the trust. Each step changes a file etcd
 * reads only at start, so each member restarts in its rolling-restart turn (one at a time, quorum
 * permitting). Members report what they run as {@link #report}.
 *
 * @param trust the CA certificates every member trusts (canonical bundle)
 * @param serving the CA whose certificates members serve (canonical, one certificate)
 */
public record CaMove(String trust, String serving) {
    /** The report of a member that runs with {@code trust} and serves a certificate of {@code serving}. */
    public static String report(String trust, String serving) {
        return Fingerprint.of(TrustBundle.canonical(trust)).substring(0, 16) + ":"
                + Fingerprint.of(TrustBundle.canonical(serving)).substring(0, 16);
    }

    /** Whether the trust still holds a CA other than the one served: a move is under way. */
    public boolean moving(String desired) {
        return !TrustBundle.sameSet(serving, desired) || !TrustBundle.sameSet(trust, serving);
    }

    /**
     * The next state towards serving {@code desired}, given each member's report ({@code reports}: unit to
     * report, the members' being {@code members}); this state when the members have not caught up yet.
     */
    public CaMove next(String desired, Collection<String> members, Map<String, String> reports) {
        String want = TrustBundle.canonical(desired);
        if (!TrustBundle.sameSet(serving, want)) {
            String both = TrustBundle.union(trust, want);
            if (!TrustBundle.sameSet(both, trust)) {
                return new CaMove(both, serving);
            }
            if (allReport(members, reports, report(trust, serving), report(trust, want))) {
                return new CaMove(trust, want);
            }
            return this;
        }
        if (!TrustBundle.sameSet(trust, want) && allReport(members, reports, report(trust, want), report(trust, want))) {
            return new CaMove(want, want);
        }
        return this;
    }

    /** What the move is doing, for status; empty text when nothing moves. */
    public String describe(String desired) {
        String want = TrustBundle.canonical(desired);
        if (!TrustBundle.sameSet(serving, want)) {
            return TrustBundle.contains(trust, want) ? "CA move 1/3: members restart trusting the old and the new CA"
                    : "CA move 1/3: adding the new CA to every member's trust";
        }
        if (!TrustBundle.sameSet(trust, want)) {
            return "CA move 2/3: members restart on certificates of the new CA; the old one is dropped after";
        }
        return "";
    }

    private static boolean allReport(Collection<String> members, Map<String, String> reports, String a, String b) {
        for (String m : members) {
            String r = reports.get(m);
            if (r == null || !(r.equals(a) || r.equals(b))) {
                return false;
            }
        }
        return !members.isEmpty();
    }
}
