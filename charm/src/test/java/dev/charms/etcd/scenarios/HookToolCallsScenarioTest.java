package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.testing.ToolCall;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hook-tool call is a process and a round trip to the unit agent: the hooks a settled cluster runs
 * most (update-status every 5 minutes on every unit, and peer -changed hooks that change nothing here)
 * make at most six, on the leader and on the others, and leave the cluster as it was.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HookToolCallsScenarioTest {
    private static final int MAX_CALLS = 6;

    @TempDir
    Path root;

    private static List<String> tools(Deployment.HookRun run) {
        return run.toolCalls().stream().map(ToolCall::tool).toList();
    }

    private static void assertFewCalls(Deployment.HookRun run) {
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.toolCalls().size() <= MAX_CALLS, run.unit() + " " + run.hook() + " made "
                + run.toolCalls().size() + " hook-tool calls: " + run.toolCalls());
        assertEquals(List.of(), tools(run).stream().filter(t -> List.of("config-get", "network-get", "relation-ids",
                "relation-set", "status-set", "open-port", "application-version-set").contains(t)).toList(),
                run.unit() + " " + run.hook() + ": nothing changed, so nothing is asked again or written");
    }

    @Test
    void updateStatusOnASettledThreeUnitClusterMakesAtMostSixCalls() {
        Deployment model = new Deployment(root).deploy(3);
        for (String unit : model.units()) {
            model.updateStatus(unit);
            Deployment.HookRun run = model.runNext(unit);
            assertFewCalls(run);
            assertEquals(List.of("is-leader", "relation-get", "relation-get", "relation-get", "relation-get", "relation-list"),
                    tools(run).stream().sorted().toList(), unit + (unit.equals(model.leader()) ? " (leader)" : ""));
        }
        assertNoFailedHook(model);
        assertHealthyCluster(model);
    }

    @Test
    void anIdlePeerChangedHookMakesAtMostSixCallsOnTheLeaderAndTheOthers() {
        Deployment model = new Deployment(root).deploy(3);
        for (String unit : model.units()) {
            String remote = model.units().stream().filter(u -> !u.equals(unit)).findFirst().orElseThrow();
            model.peerChanged(unit, remote);
            assertFewCalls(model.runNext(unit));
        }
        assertNoFailedHook(model);
        assertHealthyCluster(model);
    }

    @Test
    void aConfigChangeIsStillSeenByTheHooksThatFollowIt() {
        Deployment model = new Deployment(root).deploy(3);
        model.config("heartbeat_interval", 200);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            assertEquals(1, model.host(unit).restarts(), unit + " restarted once for the new heartbeat_interval");
            model.updateStatus(unit);
            assertFewCalls(model.runNext(unit));
        }
        assertHealthyCluster(model);
    }
}
