package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link EtcdVersion#refusesMoveTo}: which releases may replace the installed etcd in a cluster. */
class EtcdVersionTest {
    private static EtcdVersion v(String text) {
        return EtcdVersion.parse(text);
    }

    /**
     * Within the cluster's minor version a release may replace another in either direction: a patch
     * downgrade (3.5.30 back to 3.5.16) is as fine as a patch upgrade, with one member or every member
     * already on the newer patch release, and likewise on 3.4 and 3.6.
     */
    @Test
    void patchReleasesWithinTheMinorVersionAreFineInBothDirections() {
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.5.16"), List.of(v("3.5.30"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.5.16"), List.of(v("3.5.30"), v("3.5.30"), v("3.5.30"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.5.16"), List.of(v("3.5.16"), v("3.5.30"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.5.30"), List.of(v("3.5.16"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.5.0"), List.of(v("3.5.30"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.4.20"), List.of(v("3.4.23"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.6.0"), List.of(v("3.6.1"))));
    }

    /** Going back a minor version is refused even as a patch release of it, as is any release once 3.5 data is held. */
    @Test
    void aPatchReleaseOfAnOlderMinorVersionIsStillRefused() {
        Optional<String> refusal = EtcdVersion.refusesMoveTo(v("3.4.30"), List.of(v("3.5.16")));
        assertTrue(refusal.isPresent());
        assertTrue(refusal.get().startsWith("etcd 3.4.30 cannot run the data of etcd 3.5.16"), refusal.get());
        assertTrue(EtcdVersion.refusesMoveTo(v("3.5.30"), List.of(v("3.6.0"))).isPresent());
    }

    @Test
    void nothingHeldTakesAnyRelease() {
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.4.23"), List.of()));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.6.1"), List.of()));
    }
}
