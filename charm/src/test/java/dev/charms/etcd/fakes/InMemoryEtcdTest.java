package dev.charms.etcd.fakes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.workload.AddLearnerResult;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Health;
import dev.charms.etcd.workload.PromoteOutcome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated cluster answers as real etcd and EtcdAdmin do where the charm depends on it: unreachable
 * endpoints, quorum, learners, idempotent membership calls, raft leadership. The cluster is formed by the
 * real charm (a three-unit deployment) and then driven through the hosts' clients.
 */
class InMemoryEtcdTest {
    @TempDir
    Path root;
    private Deployment model;
    private InMemoryEtcd etcd;

    @BeforeEach
    void deploy() {
        model = new Deployment(root).deploy(3);
        etcd = model.etcd();
    }

    private URI clientUrl(String unit) {
        return URI.create("https://" + model.host(unit).address() + ":2379");
    }

    private EtcdCluster client(String from, String... units) {
        return model.host(from).cluster(Arrays.stream(units).map(this::clientUrl).toList(), Duration.ofSeconds(1));
    }

    @Test
    void aStoppedMembersEndpointFailsRetryablyAndTheCallMovesOnToTheNext() {
        model.host("etcd/1").crash();
        assertEquals(3, client("etcd/0", "etcd/1", "etcd/0").memberList().size());
        EtcdAdminException e = assertThrows(EtcdAdminException.class, () -> client("etcd/0", "etcd/1").memberList());
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("member list on " + clientUrl("etcd/1") + ": UNAVAILABLE"), e.getMessage());
    }

    @Test
    void withoutQuorumMembershipChangesFailRetryablyWhileTheMemberListStillAnswers() {
        model.host("etcd/1").crash();
        model.host("etcd/2").crash();
        EtcdCluster admin = client("etcd/0", "etcd/0");
        assertEquals(3, admin.memberList().size());
        EtcdAdminException e = assertThrows(EtcdAdminException.class, () -> admin.addLearner(URI.create("https://10.0.0.99:2380")));
        assertTrue(e.retryable() && e.getMessage().contains("no leader"), e.getMessage());
        assertEquals("", etcd.leaderName());
    }

    @Test
    void aLearnerIsNotReadyUntilItsEtcdRunsAndOnlyOneLearnerAtATime() {
        EtcdCluster admin = client("etcd/0", "etcd/0");
        AddLearnerResult added = admin.addLearner(URI.create("https://10.0.0.99:2380"));
        assertTrue(added.member().learner() && !added.member().started());
        assertEquals(added.member(), admin.addLearner(URI.create("https://10.0.0.99:2380")).member(), "a repeated add");
        EtcdAdminException second = assertThrows(EtcdAdminException.class, () -> admin.addLearner(URI.create("https://10.0.0.98:2380")));
        assertTrue(second.retryable() && second.getMessage().contains("too many learner"), second.getMessage());
        assertEquals(PromoteOutcome.NOT_READY, admin.promote(added.member().id()));
        assertThrows(EtcdAdminException.class, () -> admin.moveLeader(added.member().id()), "a learner cannot lead");
    }

    @Test
    void removingAGoneMemberIsNoErrorButPromotingOneIs() {
        EtcdCluster admin = client("etcd/0", "etcd/0");
        assertDoesNotThrow(() -> admin.remove(12345));
        EtcdAdminException e = assertThrows(EtcdAdminException.class, () -> admin.promote(12345));
        assertFalse(e.retryable());
        long voter = etcd.member("etcd-1").orElseThrow().id();
        assertEquals(PromoteOutcome.PROMOTED, admin.promote(voter), "promoting a voter again is what was asked");
    }

    @Test
    void aCutOffMemberSeesNoLeaderAndTheOthersSeeItUnreachable() {
        etcd.isolate(model.host("etcd/2"));
        URI local = URI.create("https://127.0.0.1:2379");
        var installation = model.host("etcd/2").installation().orElseThrow();
        assertEquals(0, model.host("etcd/2").localStatus(installation, local, Duration.ofSeconds(1)).leaderId());
        assertNotEquals(0, model.host("etcd/0").localStatus(installation, local, Duration.ofSeconds(1)).leaderId());
        List<Health> health = model.host("etcd/0").health(installation, List.of(clientUrl("etcd/0"), clientUrl("etcd/2")),
                Duration.ofSeconds(1));
        assertTrue(health.get(0).healthy());
        assertTrue(health.get(1).reason().startsWith("unreachable"), health.get(1).reason());
        List<Health> fromInside = model.host("etcd/2").health(installation, List.of(local), Duration.ofSeconds(1));
        assertTrue(fromInside.get(0).reason().startsWith("unhealthy"), fromInside.get(0).reason());
    }

    @Test
    void aRemovedMembersEtcdStopsAndCannotComeBackOnItsOldData() {
        client("etcd/0", "etcd/0").remove(etcd.member("etcd-2").orElseThrow().id());
        InMemoryHost gone = model.host("etcd/2");
        assertFalse(gone.isRunning());
        gone.start();
        assertFalse(gone.isRunning());
        assertEquals("exited: the member has been permanently removed from the cluster", gone.journal().get(gone.journal().size() - 1));
    }

    @Test
    void aNoSpaceAlarmMakesItsMemberUnhealthyAndRefusesWritesUntilDisarmed() {
        EtcdCluster admin = client("etcd/0", "etcd/0");
        long revision = admin.put("k", "v");
        etcd.raiseNoSpace("etcd-1");
        var installation = model.host("etcd/0").installation().orElseThrow();
        List<Health> health = model.host("etcd/0").health(installation, List.of(clientUrl("etcd/0"), clientUrl("etcd/1")),
                Duration.ofSeconds(1));
        assertTrue(health.get(0).healthy());
        assertEquals("unhealthy: alarm activated", health.get(1).reason());
        EtcdAdminException refused = assertThrows(EtcdAdminException.class, () -> admin.put("k", "w"));
        assertTrue(refused.getMessage().contains("database space exceeded"), refused.getMessage());
        assertEquals(1, admin.disarmAll().size());
        assertEquals(revision + 1, admin.put("k", "w"));
        assertEquals(Optional.of("w"), admin.get("k"));
    }

    @Test
    void compactionSnapshotsAndCountsWorkOnTheKeyspaceAsEtcdsDo() throws IOException {
        EtcdCluster admin = client("etcd/0", "etcd/0");
        admin.put("app/a", "1");
        long revision = admin.put("app/b", "2");
        assertEquals(2, admin.count("app/"));
        assertEquals(revision, admin.currentRevision());
        assertThrows(EtcdAdminException.class, () -> admin.compact(revision + 1, false), "a future revision");
        admin.compact(revision, true);
        EtcdAdminException again = assertThrows(EtcdAdminException.class, () -> admin.compact(revision, false));
        assertTrue(again.getMessage().contains("has been compacted"), again.getMessage());
        Path file = root.resolve("backup/snap.db");
        assertTrue(admin.snapshot(file) > 0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(admin.hashKv(clientUrl("etcd/0"), 0), admin.hashKv(clientUrl("etcd/2"), 0), "members hold the same data");
    }
}
