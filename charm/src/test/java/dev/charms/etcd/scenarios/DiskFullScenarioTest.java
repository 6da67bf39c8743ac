package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.ops.Status;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data file system filling up: etcd's NOSPACE alarm shows in every unit's status with what to do,
 * and the status comes back once the alarm is disarmed. A small data file system lowers the backend
 * quota, so that the alarm comes before the disk is full.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DiskFullScenarioTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    @Test
    void aNoSpaceAlarmBlocksEveryUnitWithWhatToDoUntilItIsDisarmed() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().raiseNoSpace("etcd-1");
        model.units().forEach(model::updateStatus);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            Status status = model.status(unit);
            assertEquals("blocked", status.name(), unit + ": " + status);
            assertTrue(status.message().contains("NOSPACE alarm on etcd/1: etcd takes no writes")
                    && status.message().contains("compact physical=true, then defrag member=all, then alarm-disarm"),
                    status.message());
            assertTrue(!status.message().contains("rebuild-cluster"), "a full disk is no lost quorum: " + status.message());
        }
        assertEquals(Status.blocked("NOSPACE alarm: the cluster takes no writes"), model.appStatus());

        try (EtcdCluster client = model.host("etcd/0").cluster(List.of(URI.create(model.unitBag("etcd/0").get(PeerData.CLIENT_URL))))) {
            assertEquals(1, client.disarmAll().size());
        }
        model.units().forEach(model::updateStatus);
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
    }

    @Test
    void aSmallDataFileSystemLowersTheBackendQuotaBelowItsSize() {
        Deployment model = new Deployment(root);
        model.deploy(1);
        model.host("etcd/0").dataFileSystem(1024 * MIB);
        model.config("election_timeout", 1500);
        model.settle();
        assertNoFailedHook(model);
        assertEquals((1024 - 256) / 2 * MIB, model.host("etcd/0").config().quotaBackendBytes());
    }
}
