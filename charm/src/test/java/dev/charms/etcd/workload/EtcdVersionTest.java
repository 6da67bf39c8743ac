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
        assertEquals("a member of this cluster holds data of etcd 3.5.16, which etcd 3.4 cannot run (going back a minor"
                + " version takes etcd's downgrade procedure or a snapshot restore); attach an etcd 3.5 release", refusal.get());
        assertTrue(EtcdVersion.refusesMoveTo(v("3.5.30"), List.of(v("3.6.0"))).isPresent());
    }

    /** Each refusal says why and ends naming the release to attach instead. */
    @Test
    void eachRefusalNamesWhatToAttachInstead() {
        assertEquals(Optional.of("etcd upgrades one minor version at a time and a member of this cluster is on etcd 3.4.23;"
                + " attach an etcd 3.5 release first (3.5.32 or later)"), EtcdVersion.refusesMoveTo(v("3.6.0"), List.of(v("3.4.23"))));
        assertEquals(Optional.of("upgrading to etcd 3.6 needs 3.5.32 or later on every member (a member is on 3.5.16);"
                + " attach etcd 3.5.32 or a later 3.5 release first"),
                EtcdVersion.refusesMoveTo(v("3.6.0"), List.of(v("3.5.40"), v("3.5.16"))));
        assertEquals(Optional.of("etcd 4 is another major version than the etcd 3.5.30 this cluster holds data of;"
                + " attach an etcd 3.5 release"), EtcdVersion.refusesMoveTo(v("4.0.0"), List.of(v("3.5.30"))));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.6.0"), List.of(v("3.5.32"), v("3.5.40"))));
    }

    @Test
    void nothingHeldTakesAnyRelease() {
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.4.23"), List.of()));
        assertEquals(Optional.empty(), EtcdVersion.refusesMoveTo(v("3.6.1"), List.of()));
    }
}
