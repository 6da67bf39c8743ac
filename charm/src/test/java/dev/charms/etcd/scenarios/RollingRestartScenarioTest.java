package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code juju config etcd heartbeat_interval=...}: every member restarts once, in turns, keeping quorum. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class RollingRestartScenarioTest {
    @TempDir
    Path root;

    private static void assertEachRestartedOnceWith(Deployment model, int heartbeat) {
        for (String unit : model.units()) {
            assertEquals(1, model.host(unit).restarts(), unit + " restarts");
            assertEquals(1, model.host(unit).starts(), unit + " starts");
            assertEquals(heartbeat, model.host(unit).runningConfig().heartbeatIntervalMs(), unit + " runs the old configuration");
        }
    }

    @Test
    void aConfigChangeRestartsEachMemberOnceOneAtATimeWhileTheOthersServe() {
        Deployment model = new Deployment(root).deploy(3);
        model.config("heartbeat_interval", 200);
        model.settle();
        assertNoFailedHook(model);
        assertEachRestartedOnceWith(model, 200);
        List<String> restarts = Scenarios.history(model, "restart ");
        assertEquals(3, restarts.size(), restarts.toString());
        for (String line : restarts) {
            assertEquals(true, line.endsWith("with 2 of 2 other voting members up"), line);
        }
        assertEquals(3, restarts.stream().map(l -> l.split(" ")[1]).distinct().count(), restarts.toString());
        assertHealthyCluster(model);
    }

    @Test
    void theRollingRestartWaitsWhileAMemberIsCutOffAndFinishesOnceItIsBack() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().isolate(model.host("etcd/2"));
        model.config("heartbeat_interval", 200);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            assertEquals(0, model.host(unit).restarts(), unit + " restarted while the cluster could not spare it");
        }
        assertEquals(Status.waiting("configuration changed: restarting once the cluster can spare this member"
                + " (1 of 2 other members unhealthy)"), model.status("etcd/0"));
        assertEquals(Status.waiting("configuration changed: waiting for this unit's rolling-restart turn"),
                model.status("etcd/1"));

        model.etcd().reconnect(model.host("etcd/2"));
        model.updateStatus("etcd/0");
        model.settle();
        assertNoFailedHook(model);
        assertEachRestartedOnceWith(model, 200);
        Scenarios.history(model, "restart ").forEach(line ->
                assertEquals(true, line.endsWith("with 2 of 2 other voting members up"), line));
        assertHealthyCluster(model);
    }

    @Test
    void aPeerPortChangeTellsEtcdEachMembersNewPeerUrlRightBeforeItRestartsOnIt() {
        Deployment model = new Deployment(root).deploy(3);
        model.config("management_port", 2390);
        model.settle();
        assertNoFailedHook(model);
        List<String> history = model.etcd().history();
        for (String unit : model.units()) {
            String member = Units.memberName(unit);
            int updated = history.indexOf("update peer URLs of " + member + " to [https://"
                    + model.host(unit).address() + ":2390]");
            assertTrue(updated >= 0 && history.get(updated + 1).startsWith("restart " + member + " "), history.toString());
            assertEquals(1, model.host(unit).restarts(), unit);
        }
        Roster roster = Roster.parse(model.appBag().get(PeerData.MEMBERS));
        roster.entries().forEach((unit, entry) -> assertEquals("https://" + model.host(unit).address() + ":2390",
                entry.peerUrl(), "the roster's peer URL of " + unit));
        assertHealthyCluster(model);
    }
}
