package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading etcdctl's status output: etcd's uint64 ids exactly, beyond a long's range included. */
class EtcdctlStatusTest {
    // Printed by etcdctl 3.4.23 for a follower of a three-member cluster.
    private static final String FOLLOWER = "[{\"Endpoint\":\"https://127.0.0.1:2379\",\"Status\":{\"header\":{\"cluster_id\":"
            + "11982472260939167190,\"member_id\":7484521522249848713,\"revision\":1,\"raft_term\":2},\"version\":\"3.4.23\","
            + "\"dbSize\":20480,\"leader\":9730500684427125963,\"raftIndex\":10,\"raftTerm\":2,\"raftAppliedIndex\":10,"
            + "\"dbSizeInUse\":16384}}]";

    @Test
    void idsAreReadExactlyAsUnsigned() {
        EtcdctlStatus.Local s = EtcdctlStatus.parse(FOLLOWER).orElseThrow();
        assertEquals("67de5cab7777d789", s.memberIdHex());
        assertEquals(Long.parseUnsignedLong("9730500684427125963"), s.leaderId());
        assertEquals("8709aed16df964cb", Long.toHexString(s.leaderId()));
        assertFalse(s.learner());
    }

    @Test
    void aLearnerWithoutALeaderYetAndGarbage() {
        String learner = FOLLOWER.replace("\"leader\":9730500684427125963", "\"leader\":0")
                .replace("\"dbSizeInUse\":16384", "\"dbSizeInUse\":16384,\"isLearner\":true");
        EtcdctlStatus.Local s = EtcdctlStatus.parse(learner).orElseThrow();
        assertEquals(0, s.leaderId());
        assertTrue(s.learner());
        assertEquals(Optional.empty(), EtcdctlStatus.parse(""));
        assertEquals(Optional.empty(), EtcdctlStatus.parse("Error: context deadline exceeded"));
        assertEquals(Optional.empty(), EtcdctlStatus.parse("{\"member_id\":99999999999999999999999}"));
    }
}
