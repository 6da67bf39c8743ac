package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The charm's own check before a promotion (etcd runs with strict-reconfig-check off). */
class QuorumTest {
    @Test
    void aCaughtUpLearnerIsPromotedWhenTheLargerClusterKeepsQuorum() {
        assertEquals(Optional.empty(), Quorum.promotionRisk("etcd-1", 1, 1, true), "1 -> 2 voters, both up");
        assertEquals(Optional.empty(), Quorum.promotionRisk("etcd-2", 2, 2, true), "2 -> 3 voters, all up");
        assertEquals(Optional.empty(), Quorum.promotionRisk("etcd-3", 3, 2, true), "3 -> 4 voters, 3 of 4 up");
        assertEquals(Optional.empty(), Quorum.promotionRisk("etcd-4", 4, 3, true), "4 -> 5 voters, 4 of 5 up");
    }

    @Test
    void aPromotionThatWouldLeaveTooFewHealthyVotersIsRefusedWithTheNumbers() {
        assertEquals(Optional.of("promoting etcd-1 would need 2 healthy voting members of 2, and only 1 answer"),
                Quorum.promotionRisk("etcd-1", 1, 1, false));
        assertEquals(Optional.of("promoting etcd-3 would need 3 healthy voting members of 4, and only 2 answer"),
                Quorum.promotionRisk("etcd-3", 3, 1, true));
        assertTrue(Quorum.promotionRisk("etcd-2", 2, 1, true).isEmpty(), "2 -> 3 voters with one down: 2 of 3 healthy");
        assertTrue(Quorum.promotionRisk("etcd-2", 2, 0, true).isPresent());
    }
}
