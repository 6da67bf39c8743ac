package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju remove-unit} of Juju's leader (whose member bootstrapped the cluster and leads raft). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JujuLeaderDepartureScenarioTest {
    @TempDir
    Path root;

    @Test
    void whenTheLeaderUnitIsRemovedTheNextLeaderKeepsTheClusterHealthyAndItsCa() {
        Deployment model = new Deployment(root).deploy(3);
        String ca = model.appBag().get(PeerData.CA_CERT);
        model.removeUnit("etcd/0");
        model.settle();
        assertNoFailedHook(model);
        assertEquals("etcd/1", model.leader(), "Juju elected a remaining unit");
        Scenarios.assertRaftLeadershipMovedBeforeRemoval(model, "etcd-1", "etcd-0");
        assertHealthyCluster(model);
        assertEquals(ca, model.appBag().get(PeerData.CA_CERT), "the cluster CA was replaced");
    }

    @Test
    void theNewLeaderAdmitsANewUnitWithCertificatesFromTheSameCa() {
        Deployment model = new Deployment(root).deploy(3);
        String ca = model.appBag().get(PeerData.CA_CERT);
        model.removeUnit("etcd/0");
        model.settle();
        String added = model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        assertEquals(List.of("etcd/1", "etcd/2", added), model.units());
        assertHealthyCluster(model);
        assertEquals(ca, model.appBag().get(PeerData.CA_CERT));
        assertEquals(model.appBag().get("cert-etcd-3"), model.host(added).certificatePem(),
                "the new unit runs the certificate the new leader signed");
    }
}
