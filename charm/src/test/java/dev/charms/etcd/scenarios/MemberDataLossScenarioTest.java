package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertKeysKept;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static dev.charms.etcd.scenarios.Scenarios.writeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.fakes.InMemoryHost;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's data deleted or damaged while its etcd was stopped: the unit must not start etcd on it (it
 * would rejoin with bad data, or, on the unit that bootstrapped the cluster, start a cluster of its own);
 * the damaged data is set aside, the leader removes the member through the others and admits the unit
 * again as a learner; without a quorum of the others the unit is blocked and says what to do.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MemberDataLossScenarioTest {
    private static final int KEYS = 5;

    @TempDir
    Path root;

    @Test
    void aFollowerWhoseDataWasDeletedIsReplacedFromTheOthers() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/0", KEYS);
        String before = model.unitBag("etcd/1").get(PeerData.MEMBER_ID);
        InMemoryHost host = model.host("etcd/1");
        host.stopService();
        host.deleteData();
        model.updateStatus("etcd/1");
        model.settle();
        assertReplaced(model, "etcd/1", "etcd-1", before);
        assertEquals(List.of(), host.dataMovedAside(), "nothing was left to move aside");
    }

    @Test
    void aFollowerWhoseDataWasCorruptedIsReplacedAndTheDamagedDataKept() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/0", KEYS);
        String before = model.unitBag("etcd/2").get(PeerData.MEMBER_ID);
        InMemoryHost host = model.host("etcd/2");
        host.stopService();
        host.corruptData("its backend /var/lib/etcd/member/snap/db is damaged (neither of its meta pages is valid)");
        model.updateStatus("etcd/2");
        model.settle();
        assertReplaced(model, "etcd/2", "etcd-2", before);
        assertEquals(List.of("damaged"), host.dataMovedAside(), "the damaged data is moved aside, never deleted");
    }

    @Test
    void dataDamagedAsTheHookStartsEtcdIsReplacedWithoutAFailedHook() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/0", KEYS);
        String before = model.unitBag("etcd/1").get(PeerData.MEMBER_ID);
        InMemoryHost host = model.host("etcd/1");
        host.stopService();
        host.corruptDataAsItStarts("its backend /var/lib/etcd/member/snap/db is damaged (neither of its meta pages is valid)");
        model.updateStatus("etcd/1");
        model.settle();
        assertReplaced(model, "etcd/1", "etcd-1", before);
        assertEquals(List.of("damaged"), host.dataMovedAside(), "the damaged data is moved aside, never deleted");
    }

    @Test
    void whileTheLeaderHasNotActedTheUnitSaysWhatHappenedAndStartsNothing() {
        Deployment model = new Deployment(root).deploy(3);
        InMemoryHost host = model.host("etcd/1");
        host.stopService();
        host.corruptData("its write-ahead log is missing (no /var/lib/etcd/member/wal/*.wal)");
        model.updateStatus("etcd/1");
        model.runNext("etcd/1");
        assertFalse(host.isRunning(), "etcd must not start on damaged data");
        Status status = model.status("etcd/1");
        assertEquals("waiting", status.name(), status.toString());
        assertTrue(status.message().contains("its write-ahead log is missing")
                && status.message().contains("the leader replaces this member"), status.message());
        assertEquals(model.unitBag("etcd/1").get(PeerData.MEMBER_ID), model.unitBag("etcd/1").get(PeerData.DATA_LOST));
    }

    @Test
    void theBootstrapLeaderWhoseDataWasDeletedRejoinsInsteadOfStartingAClusterOfItsOwn() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/1", KEYS);
        assertEquals("etcd/0", model.leader());
        String before = model.unitBag("etcd/0").get(PeerData.MEMBER_ID);
        InMemoryHost host = model.host("etcd/0");
        host.stopService();
        host.deleteData();
        model.updateStatus("etcd/0");
        model.settle();
        assertReplaced(model, "etcd/0", "etcd-0", before);
    }

    @Test
    void withoutAQuorumOfTheOthersTheUnitIsBlockedAndNoMemberIsRemoved() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().isolate(model.host("etcd/2"));
        InMemoryHost host = model.host("etcd/1");
        host.stopService();
        host.deleteData();
        model.updateStatus("etcd/1");
        model.settle();
        model.updateStatus("etcd/1");
        model.settle();
        assertNoFailedHook(model);
        assertFalse(host.isRunning());
        Status status = model.status("etcd/1");
        assertEquals("blocked", status.name(), status.toString());
        assertTrue(status.message().contains("the other members have no quorum")
                && status.message().contains("rebuild-cluster"), status.message());
        assertEquals(List.of(), Scenarios.history(model, "remove "), "no member may be removed without quorum");
        assertEquals(3, model.etcd().members().size());

        model.etcd().reconnect(model.host("etcd/2"));
        model.updateStatus("etcd/0");
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("remove etcd-1"), Scenarios.history(model, "remove "));
        assertHealthyCluster(model);
    }

    @Test
    void aStoppedMemberWithItsDataIntactJustStartsAgain() {
        Deployment model = new Deployment(root).deploy(3);
        String before = model.unitBag("etcd/1").get(PeerData.MEMBER_ID);
        model.host("etcd/1").stopService();
        model.updateStatus("etcd/1");
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
        assertEquals(before, model.unitBag("etcd/1").get(PeerData.MEMBER_ID));
        assertEquals(List.of(), Scenarios.history(model, "remove "));
    }

    private static void assertReplaced(Deployment model, String unit, String member, String before) {
        assertNoFailedHook(model);
        List<String> changes = Scenarios.membershipChanges(model);
        int removed = changes.indexOf("remove " + member);
        assertTrue(removed >= 0, "the member was not removed: " + changes);
        assertTrue(changes.subList(removed, changes.size()).stream().anyMatch(c -> c.startsWith("add learner "))
                && changes.subList(removed, changes.size()).contains("promote " + member),
                "the unit was not added back as a learner and promoted: " + changes);
        assertEquals(List.of(), Scenarios.history(model, "bootstrap ").subList(1, Scenarios.history(model, "bootstrap ").size()),
                "a second cluster was bootstrapped");
        assertHealthyCluster(model);
        assertNotEquals(before, model.unitBag(unit).get(PeerData.MEMBER_ID), "the unit runs a new member");
        assertEquals("", model.unitBag(unit).getOrDefault(PeerData.DATA_LOST, ""), "the data-lost mark is dropped");
        assertKeysKept(model, unit, KEYS);
    }
}
