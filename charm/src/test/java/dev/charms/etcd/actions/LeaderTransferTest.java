package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaderTransferTest {
    private static Member voter(long id, String name) {
        return new Member(id, name, List.of(URI.create("https://10.0.0." + id + ":2380")),
                List.of(URI.create("https://10.0.0." + id + ":2379")), false);
    }

    private static final List<Member> MEMBERS = List.of(voter(1, "etcd-0"), voter(2, "etcd-1"),
            new Member(3, "etcd-2", List.of(URI.create("https://10.0.0.3:2380")), List.of(URI.create("https://10.0.0.3:2379")), true),
            new Member(4, "", List.of(URI.create("https://10.0.0.4:2380")), List.of(), true));

    private static String fails(String param, String local) {
        return assertThrows(ActionFailedException.class, () -> LeaderTransfer.select(param, local, MEMBERS)).getMessage();
    }

    @Test
    void theMemberIsNamedByMemberNameUnitNameOrNotAtAll() {
        assertEquals(1, LeaderTransfer.select("etcd-0", "etcd-1", MEMBERS).id());
        assertEquals(1, LeaderTransfer.select(" etcd/0 ", "etcd-1", MEMBERS).id());
        assertEquals(2, LeaderTransfer.select("", "etcd-1", MEMBERS).id());
        assertEquals(2, LeaderTransfer.select(null, "etcd-1", MEMBERS).id());
    }

    @Test
    void onlyAStartedVotingMemberCanLead() {
        assertEquals("member etcd-2 is a learner (still catching up) and cannot lead; voting members: etcd-0, etcd-1",
                fails("etcd-2", "etcd-0"));
        assertEquals("member etcd-2 is a learner (still catching up) and cannot lead; voting members: etcd-0, etcd-1",
                fails("", "etcd-2"));
        assertEquals("no member named 'etcd-9'; voting members: etcd-0, etcd-1", fails("etcd-9", "etcd-0"));
        assertEquals("no member named 'etcd/9'; voting members: etcd-0, etcd-1", fails("etcd/9", "etcd-0"));
        assertEquals("this unit's member etcd-5 is not in the cluster; voting members: etcd-0, etcd-1", fails("", "etcd-5"));
    }
}
