package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertKeysKept;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static dev.charms.etcd.scenarios.Scenarios.writeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.fakes.InMemoryHost;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.ops.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code juju attach-resource etcd etcd=<release>} with a release etcd does not allow here: every unit's
 * upgrade-charm succeeds, refuses the release before its binaries are touched, and shows why and what to
 * attach instead as its blocked status (the leader also as the application's); the members keep running
 * on their etcd with their data, and later hooks keep the status. Attaching an acceptable release clears it.
 */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class ReleaseRefusalScenarioTest {
    @TempDir
    Path root;

    private Path release(String version) throws IOException {
        return Files.writeString(root.resolve("etcd-v" + version + "-linux-amd64.tar.gz"), "release " + version);
    }

    /** What each unit's machine runs: installs, starts, restarts, the installed version, its data. */
    private static Map<String, String> machines(Deployment model) {
        Map<String, String> out = new TreeMap<>();
        for (String unit : model.units()) {
            InMemoryHost h = model.host(unit);
            out.put(unit, "installs=" + h.installs() + " starts=" + h.starts() + " restarts=" + h.restarts() + " etcd="
                    + h.installation().orElseThrow().version() + " running=" + h.isRunning() + " data=" + h.hasData()
                    + " moved-aside=" + h.dataMovedAside());
        }
        return out;
    }

    /** The refusal shows on every unit (with the leader's prefix) and as the application's status. */
    private static void assertRefusedEverywhere(Deployment model, String why) {
        for (String unit : model.units()) {
            String prefix = unit.equals(model.leader()) ? "(leader) " : "";
            assertEquals(Status.blocked(prefix + why), model.status(unit), unit);
        }
        assertEquals(Status.blocked(why), model.appStatus(), "application status");
    }

    /** Attaches {@code release} to a settled 3-unit cluster and checks that nothing on any machine changed. */
    private void assertRefusedAndNothingTouched(Deployment model, Path release, String why) {
        writeKeys(model, "etcd/0", 5);
        Map<String, String> before = machines(model);
        model.attachResource("etcd", release);
        model.settle();
        assertNoFailedHook(model);
        assertRefusedEverywhere(model, why);
        assertEquals(before, machines(model), "a refused release touched a machine");
        assertEquals(3, model.etcd().voterNames().size(), "etcd's voting members");
        assertKeysKept(model, "etcd/1", 5);

        // Later hooks keep showing the refusal (and keep the cluster as it is).
        model.units().forEach(model::updateStatus);
        model.settle();
        assertNoFailedHook(model);
        assertRefusedEverywhere(model, why);
        assertEquals(before, machines(model), "update-status touched a machine");
    }

    @Test
    void aMinorDowngradeIsRefusedInStatusAndTheMembersKeepRunning() throws IOException {
        Deployment model = new Deployment(root).deploy(3);
        assertRefusedAndNothingTouched(model, release("3.4.23"), "etcd resource 3.4.23 refused: a member of this cluster"
                + " holds data of etcd 3.5.17, which etcd 3.4 cannot run (going back a minor version takes etcd's downgrade"
                + " procedure or a snapshot restore); attach an etcd 3.5 release");
        // A configuration change still rolls through; the refusal stays shown.
        model.config("heartbeat_interval", 200);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            assertEquals(1, model.host(unit).restarts(), unit + " restarts for the configuration change");
            assertEquals(200, model.host(unit).runningConfig().heartbeatIntervalMs(), unit);
        }
        assertRefusedEverywhere(model, "etcd resource 3.4.23 refused: a member of this cluster holds data of etcd 3.5.17,"
                + " which etcd 3.4 cannot run (going back a minor version takes etcd's downgrade procedure or a snapshot"
                + " restore); attach an etcd 3.5 release");
    }

    @Test
    void aSkippedMinorVersionIsRefusedInStatus() throws IOException {
        Deployment model = new Deployment(root).packaged(new EtcdVersion(3, 4, 23)).deploy(3);
        assertRefusedAndNothingTouched(model, release("3.6.0"), "etcd resource 3.6.0 refused: etcd upgrades one minor"
                + " version at a time and a member of this cluster is on etcd 3.4.23; attach an etcd 3.5 release first"
                + " (3.5.32 or later)");
    }

    @Test
    void etcd36OverA35OlderThan3532IsRefusedAndAttaching3532ClearsIt() throws IOException {
        Deployment model = new Deployment(root).deploy(3);
        assertRefusedAndNothingTouched(model, release("3.6.0"), "etcd resource 3.6.0 refused: upgrading to etcd 3.6 needs"
                + " 3.5.32 or later on every member (a member is on 3.5.17); attach etcd 3.5.32 or a later 3.5 release first");

        model.attachResource("etcd", release("3.5.32"));
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
        for (String unit : model.units()) {
            assertEquals(new EtcdVersion(3, 5, 32), model.host(unit).installation().orElseThrow().version(), unit);
            assertEquals(1, model.host(unit).restarts(), unit + " restarts onto 3.5.32");
            assertEquals("3.5.32", model.unitBag(unit).get(PeerData.ETCD_VERSION), unit);
        }
        assertKeysKept(model, "etcd/2", 5);
    }

    /**
     * A unit added while a refused 3.6.0 stays attached installs it in its install hook, which sees no peer
     * yet; once it sees them it is blocked and never joins, and the cluster stays as it was. Attaching
     * 3.5.32 upgrades the members and lets the new unit join on 3.5.32.
     */
    @Test
    void aUnitAddedWhileARefusedReleaseIsAttachedDoesNotJoinUntilAnAcceptableOneIs() throws IOException {
        Deployment model = new Deployment(root).deploy(3);
        model.attachResource("etcd", release("3.6.0"));
        model.settle();
        String added = model.addUnit();
        model.settle();
        assertNoFailedHook(model);
        assertEquals(Status.blocked("etcd resource 3.6.0 refused: upgrading to etcd 3.6 needs 3.5.32 or later on every"
                + " member (a member is on 3.5.17); attach etcd 3.5.32 or a later 3.5 release first"), model.status(added));
        assertEquals(0, model.host(added).starts(), added + " started etcd");
        assertEquals(3, model.etcd().members().size(), "etcd's members");

        model.attachResource("etcd", release("3.5.32"));
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
        assertEquals(4, model.units().size());
        for (String unit : model.units()) {
            assertEquals(new EtcdVersion(3, 5, 32), model.host(unit).installation().orElseThrow().version(), unit);
        }
    }

    /** A unit that runs no etcd yet starts none while its release is refused, and tries the resource again in each hook. */
    @Test
    void anEtcdWithoutLearnersIsRefusedOnInstallAndNothingStarts() throws IOException {
        Deployment model = new Deployment(root);
        model.attachResource("etcd", release("3.3.25"));
        model.deploy(1);
        assertNoFailedHook(model);
        String why = "etcd resource 3.3.25 refused: etcd 3.3 lacks learners (etcd 3.4 or later is needed); attach an etcd"
                + " 3.5 release";
        assertEquals(Status.blocked("(leader) " + why), model.status("etcd/0"));
        assertEquals(Status.blocked(why), model.appStatus());
        assertEquals(false, model.host("etcd/0").isRunning());
        assertEquals(0, model.host("etcd/0").starts());
        assertEquals(List.of(), model.etcd().members());

        model.attachResource("etcd", release("3.5.30"));
        model.settle();
        assertNoFailedHook(model);
        assertHealthyCluster(model);
        assertEquals(new EtcdVersion(3, 5, 30), model.host("etcd/0").installation().orElseThrow().version());
    }

    @Test
    void aPackagedEtcdWithoutLearnersBlocksTheUnitWithoutAFailedHook() {
        Deployment model = new Deployment(root).packaged(new EtcdVersion(3, 3, 25)).deploy(1);
        assertNoFailedHook(model);
        assertEquals(Status.blocked("etcd 3.3.25 (the etcd-server package apt offers) lacks learners (etcd 3.4 or later is"
                + " needed): attach a release tarball: juju attach-resource etcd etcd=./etcd-v3.5.x-linux-amd64.tar.gz"),
                model.status("etcd/0"));
        assertEquals(0, model.host("etcd/0").starts());
    }
}
