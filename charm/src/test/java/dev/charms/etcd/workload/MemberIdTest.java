package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The id of a new cluster's member, as etcd computes it (EtcdAdminIT checks it against a running etcd too). */
class MemberIdTest {
    @Test
    void matchesWhatEtcdGaveAMemberWithTwoPeerUrls() {
        // etcd 3.4.23, --initial-cluster-token tok-1, peer URLs given in reverse order: member a42ca921d5495ccc.
        long id = Member.initialId(List.of("http://127.0.0.1:23802", "http://127.0.0.1:23801"), "tok-1");
        assertEquals("a42ca921d5495ccc", Long.toHexString(id));
        assertEquals(id, Member.initialId(List.of("http://127.0.0.1:23801", "http://127.0.0.1:23802"), "tok-1"));
        assertNotEquals(id, Member.initialId(List.of("http://127.0.0.1:23801", "http://127.0.0.1:23802"), "tok-2"));
    }
}
