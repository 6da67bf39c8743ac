package dev.charms.etcd.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.KeyType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The leader's dual-trust sequence ({@link CaMove}) against members that report what they run. */
class CaMoveTest {
    private static final String BUILTIN = TrustBundle.canonical(CertificateAuthority.create("built-in", 30, KeyType.DEFAULT).certificatePem());
    private static final String X = TrustBundle.canonical(CertificateAuthority.create("provider X", 30, KeyType.DEFAULT).certificatePem());
    private static final String Y = TrustBundle.canonical(CertificateAuthority.create("provider Y", 30, KeyType.DEFAULT).certificatePem());
    private static final List<String> MEMBERS = List.of("etcd/0", "etcd/1", "etcd/2");

    private static Map<String, String> running(CaMove state) {
        Map<String, String> r = new HashMap<>();
        MEMBERS.forEach(m -> r.put(m, CaMove.report(state.trust(), state.serving())));
        return r;
    }

    /**
     * Drives a move from {@code from} to {@code to}, members catching up one at a time; checks at every
     * state that every CA served by some member is trusted by every member. Returns the states the leader
     * published, in order.
     */
    private static List<CaMove> drive(CaMove from, String to) {
        List<CaMove> published = new java.util.ArrayList<>(List.of(from));
        Map<String, CaMove> members = new HashMap<>();
        MEMBERS.forEach(m -> members.put(m, from));
        CaMove leader = from;
        for (int hook = 0; hook < 50; hook++) {
            Map<String, String> reports = new HashMap<>();
            members.forEach((m, s) -> reports.put(m, CaMove.report(s.trust(), s.serving())));
            CaMove next = leader.next(to, MEMBERS, reports);
            if (!next.equals(leader)) {
                published.add(next);
                leader = next;
            }
            // One member restarts onto the leader's state per hook (the rolling restart).
            String behind = MEMBERS.stream().filter(m -> !members.get(m).equals(publishedLast(published)))
                    .findFirst().orElse(null);
            if (behind != null) {
                members.put(behind, publishedLast(published));
            }
            for (CaMove a : members.values()) {
                for (CaMove b : members.values()) {
                    assertTrue(TrustBundle.contains(a.trust(), b.serving()), "a member serves a CA another does not trust: " + members);
                }
            }
            if (behind == null && next.equals(leader) && leader.next(to, MEMBERS, reports).equals(leader)
                    && !leader.moving(to)) {
                return published;
            }
        }
        throw new AssertionError("the move did not finish: " + published);
    }

    private static CaMove publishedLast(List<CaMove> published) {
        return published.get(published.size() - 1);
    }

    @Test
    void relatingMovesTrustFirstThenCertificatesThenDropsTheOldCa() {
        List<CaMove> states = drive(new CaMove(BUILTIN, BUILTIN), X);
        assertEquals(List.of(new CaMove(BUILTIN, BUILTIN), new CaMove(TrustBundle.union(BUILTIN, X), BUILTIN),
                new CaMove(TrustBundle.union(BUILTIN, X), X), new CaMove(X, X)), states);
    }

    @Test
    void aProviderRotationAndTheWayBackAreTheSameThreeSteps() {
        List<CaMove> rotation = drive(new CaMove(X, X), Y);
        assertEquals(new CaMove(Y, Y), rotation.get(rotation.size() - 1));
        assertEquals(4, rotation.size());
        List<CaMove> back = drive(new CaMove(Y, Y), BUILTIN);
        assertEquals(new CaMove(BUILTIN, BUILTIN), back.get(back.size() - 1));
    }

    @Test
    void nothingMovesOnWhileOneMemberStillRunsTheOldTrust() {
        CaMove both = new CaMove(TrustBundle.union(BUILTIN, X), BUILTIN);
        Map<String, String> reports = running(both);
        reports.put("etcd/2", CaMove.report(BUILTIN, BUILTIN));
        assertEquals(both, both.next(X, MEMBERS, reports));
        reports.remove("etcd/2");
        assertEquals(both, both.next(X, MEMBERS, reports), "a member that reported nothing holds the move too");
        CaMove serving = new CaMove(both.trust(), X);
        Map<String, String> half = running(serving);
        half.put("etcd/1", CaMove.report(both.trust(), BUILTIN));
        assertEquals(serving, serving.next(X, MEMBERS, half), "the old CA stays trusted while a member serves it");
        assertFalse(new CaMove(X, X).moving(X));
        assertTrue(serving.moving(X));
    }

    @Test
    void aMoveTurnedBackHalfWayReturnsWithoutDroppingWhatIsServed() {
        CaMove half = new CaMove(TrustBundle.union(BUILTIN, X), X);
        List<CaMove> back = drive(half, BUILTIN);
        assertEquals(new CaMove(BUILTIN, BUILTIN), back.get(back.size() - 1));
    }
}
