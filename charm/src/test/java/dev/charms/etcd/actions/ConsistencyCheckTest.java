package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.charms.etcd.actions.ConsistencyCheck.Answer;
import dev.charms.etcd.workload.EtcdCluster.KvHash;
import dev.charms.ops.ActionFailedException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How answers of members are compared (the integration test gets them from real members). */
class ConsistencyCheckTest {
    private static Answer ok(String key, long hash, long compact) {
        return new Answer(key, Optional.of(new KvHash(hash, compact, 40)), "");
    }

    private static Answer down(String key) {
        return new Answer(key, Optional.empty(), "unreachable: connection refused");
    }

    private static String status(Map<String, Object> r) {
        return r.get("status") + ": " + r.get("message");
    }

    @Test
    void equalHashesAreConsistentAndADifferentOneIsNamed() {
        assertEquals("consistent: 3 of 3 members agree on the keyspace at revision 40",
                status(ConsistencyCheck.summarize(40, List.of(ok("etcd-0", 7, 5), ok("etcd-1", 7, 5), ok("etcd-2", 7, 5)))));
        assertEquals("inconsistent: members disagree on the keyspace at revision 40: etcd-0, etcd-2 hash 7; etcd-1 hash 9;"
                + " the data of the minority has diverged: replace those members (remove-unit, add-unit) or restore from"
                + " a snapshot",
                status(ConsistencyCheck.summarize(40, List.of(ok("etcd-0", 7, 5), ok("etcd-1", 9, 5), ok("etcd-2", 7, 5)))));
    }

    @Test
    void membersThatDidNotAnswerOrAreOnAnOlderCompactionAreNotCompared() {
        Map<String, Object> r = ConsistencyCheck.summarize(40, List.of(ok("etcd-0", 7, 5), down("etcd-1"), ok("etcd-2", 7, 5)));
        assertEquals("incomplete: 2 of 3 members agree at revision 40; not compared: etcd-1", status(r));
        @SuppressWarnings("unchecked")
        Map<String, Object> m1 = (Map<String, Object>) ((Map<String, Object>) r.get("members")).get("etcd-1");
        assertEquals(Map.of("error", "unreachable: connection refused"), m1);
        assertEquals("incomplete: 2 of 3 members agree at revision 40; not compared: etcd-2 (etcd-2 not yet compacted to 5)",
                status(ConsistencyCheck.summarize(40, List.of(ok("etcd-0", 7, 5), ok("etcd-1", 7, 5), ok("etcd-2", 3, 1)))));
        assertEquals(5L, ConsistencyCheck.summarize(40, List.of(ok("etcd-0", 7, 5), ok("etcd-2", 3, 1))).get("compact-revision"));
        ActionFailedException none = assertThrows(ActionFailedException.class,
                () -> ConsistencyCheck.summarize(40, List.of(down("etcd-0"), down("etcd-1"))));
        assertEquals("no member could hash its keyspace: etcd-0 unreachable: connection refused; etcd-1 unreachable:"
                + " connection refused", none.getMessage());
    }
}
