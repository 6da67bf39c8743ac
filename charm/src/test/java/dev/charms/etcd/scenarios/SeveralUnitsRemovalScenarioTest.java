package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertKeysKept;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static dev.charms.etcd.scenarios.Scenarios.writeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.fakes.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code juju remove-unit} of several units in one command, whose hooks Juju runs at once: their members
 * leave one at a time, no hook fails, and the cluster ends with exactly the remaining units and its data.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SeveralUnitsRemovalScenarioTest {
    private static final int KEYS = 5;

    @TempDir
    Path root;

    @Test
    void removingTwoOfThreeWithTheJujuLeaderAmongThemLeavesTheThirdHealthy() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/2", KEYS);
        model.removeUnits("etcd/0", "etcd/1");
        model.settle();
        assertRemaining(model, List.of("etcd/2"));
        assertEquals("etcd/2", model.leader());
    }

    @Test
    void removingTwoOfThreeWithTheRaftLeaderAmongThemMovesRaftLeadershipFirst() {
        Deployment model = new Deployment(root).deploy(3);
        model.etcd().electLeader("etcd-2");
        writeKeys(model, "etcd/0", KEYS);
        model.removeUnits("etcd/1", "etcd/2");
        model.settle();
        assertRemaining(model, List.of("etcd/0"));
        Scenarios.assertRaftLeadershipMovedBeforeRemoval(model, "etcd-0", "etcd-2");
    }

    @Test
    void removingTwoOfFiveLeavesThree() {
        Deployment model = new Deployment(root).deploy(5);
        writeKeys(model, "etcd/0", KEYS);
        model.removeUnits("etcd/1", "etcd/3");
        model.settle();
        assertRemaining(model, List.of("etcd/0", "etcd/2", "etcd/4"));
    }

    @Test
    void removingThreeOfFiveWithBothLeadersAmongThemLeavesTwo() {
        Deployment model = new Deployment(root).deploy(5);
        writeKeys(model, "etcd/1", KEYS);
        model.removeUnits("etcd/0", "etcd/2", "etcd/4");
        model.settle();
        assertRemaining(model, List.of("etcd/1", "etcd/3"));
    }

    @Test
    void forceRemovingTwoOfThreeLeavesNoStaleMember() {
        Deployment model = new Deployment(root).deploy(3);
        writeKeys(model, "etcd/0", KEYS);
        model.forceRemoveUnits("etcd/1", "etcd/2");
        model.settle();
        assertRemaining(model, List.of("etcd/0"));
    }

    @Test
    void twoMachinesGoneAtOnceAreRemovedFromTheClusterWithoutDelay() {
        Deployment model = new Deployment(root).deploy(5);
        writeKeys(model, "etcd/0", KEYS);
        model.forceRemoveUnit("etcd/3");
        model.forceRemoveUnit("etcd/4");
        model.settle();
        assertRemaining(model, List.of("etcd/0", "etcd/1", "etcd/2"));
    }

    @Test
    void removingEveryUnitAtOnceLetsTheLeaderTakeTheOthersOutWithoutWaiting() {
        Deployment model = new Deployment(root).deploy(3);
        model.removeUnits("etcd/0", "etcd/1", "etcd/2");
        model.settle();
        assertNoFailedHook(model);
        Scenarios.assertRemovalsOneAtATime(model);
        assertEquals(List.of(), model.units());
        assertEquals(List.of("remove etcd-1", "remove etcd-2"), Scenarios.history(model, "remove "),
                "the leader removed the others' members, then its own was the last");
        for (String unit : List.of("etcd/0", "etcd/1", "etcd/2")) {
            assertEquals(false, model.host(unit).isRunning(), unit + "'s etcd still runs");
        }
    }

    private static void assertRemaining(Deployment model, List<String> units) {
        assertNoFailedHook(model);
        Scenarios.assertRemovalsOneAtATime(model);
        assertEquals(units, model.units());
        assertHealthyCluster(model);
        assertKeysKept(model, units.get(0), KEYS);
    }
}
