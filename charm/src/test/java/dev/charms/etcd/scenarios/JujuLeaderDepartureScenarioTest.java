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

/**
 * {@code juju remove-unit} of Juju's leader (whose member bootstrapped the cluster and leads raft). The
 * leaving leader's hooks run first, then the new leader's, then the rest: the harness can show a departed
 * unit's bag only in the -departed hook for it, while juju-contract.md section 6 keeps it readable for the
 * relation's life, and the new leader reads the departed member's client URL until its own -departed hook
 * for it drops it from the roster.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JujuLeaderDepartureScenarioTest {
    @TempDir
    Path root;

    private static void leaderLeaves(Deployment model) {
        model.removeUnit("etcd/0");
        model.runAll("etcd/0");
        model.runAll("etcd/1");
        model.settle();
    }

    @Test
    void whenTheLeaderUnitIsRemovedTheNextLeaderKeepsTheClusterHealthyAndItsCa() {
        try (Deployment model = new Deployment(root).deploy(3)) {
            String ca = model.appBag().get(PeerData.CA_CERT);
            leaderLeaves(model);
            assertNoFailedHook(model);
            assertEquals("etcd/1", model.leader(), "Juju elected a remaining unit");
            Scenarios.assertRaftLeadershipMovedBeforeRemoval(model, "etcd-1", "etcd-0");
            assertHealthyCluster(model);
            assertEquals(ca, model.appBag().get(PeerData.CA_CERT), "the cluster CA was replaced");
        }
    }

    @Test
    void theNewLeaderAdmitsANewUnitWithCertificatesFromTheSameCa() {
        try (Deployment model = new Deployment(root).deploy(3)) {
            String ca = model.appBag().get(PeerData.CA_CERT);
            leaderLeaves(model);
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
}
