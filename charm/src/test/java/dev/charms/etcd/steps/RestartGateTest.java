package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a rolling restart may take a member down: never when that costs the cluster a quorum it has. */
class RestartGateTest {
    @Test
    void aHealthyMemberRestartsOnlyWhenTheOthersKeepQuorum() {
        assertTrue(RestartGate.keepsQuorum(true, 2, 3));
        assertFalse(RestartGate.keepsQuorum(true, 1, 3), "3 members, one other down: restarting loses quorum");
        assertTrue(RestartGate.keepsQuorum(true, 3, 5), "5 members, one other down: 3 of 5 still vote");
        assertFalse(RestartGate.keepsQuorum(true, 2, 5));
        assertTrue(RestartGate.keepsQuorum(true, 4, 5));
    }

    @Test
    void smallClustersAndDownMembersAreNotHeldBack() {
        assertTrue(RestartGate.keepsQuorum(true, 0, 1), "a single member can only restart");
        assertTrue(RestartGate.keepsQuorum(true, 1, 2), "two members: the other one healthy is the best there is");
        assertFalse(RestartGate.keepsQuorum(true, 0, 2));
        assertTrue(RestartGate.keepsQuorum(false, 0, 3), "a member that is down costs nothing by starting");
    }
}
