package dev.charms.runner.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.model.Charm;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.Unit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a unit's agent does across a reboot of its machine (docs/juju-contract.md, section 2), with a
 * scripted executor in place of hook processes: nothing runs while the machine is off, a hook cut short
 * is retried first, then {@code start} and, on a non-leader, {@code leader-settings-changed}, ahead of
 * what was queued.
 */
class UnitAgentRebootTest {
    @TempDir
    Path dir;
    private Model model;
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final List<UnitAgent> agents = new ArrayList<>();

    /** Runs hooks by recording them; a hook named in {@code blockOn} waits until released, then fails. */
    private final class Script extends ScriptedExecutor {
        volatile String blockOn;
        final CountDownLatch blocked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public boolean runHook(UnitAgent agent, Hook hook) throws InterruptedException {
            if (hook.name().equals(blockOn)) {
                blockOn = null;
                blocked.countDown();
                release.await();
                return false;
            }
            ran.add(hook.toString());
            if (hook.name().equals("start")) {
                agent.unit().setStarted(true);
            }
            return true;
        }

        @Override
        public void runAction(UnitAgent agent, ActionTask task) {
            ran.add("action " + task.name());
        }

    }

    @BeforeEach
    void setUp() throws Exception {
        Path charm = Files.createDirectories(dir.resolve("etcd"));
        Files.writeString(charm.resolve("metadata.yaml"), "name: etcd\nsummary: s\ndescription: d\n"
                + "peers: {cluster: {interface: etcd-peer}}\n");
        model = new Model("m");
        model.deploy("etcd", Charm.load(charm));
    }

    @AfterEach
    void tearDown() {
        agents.forEach(UnitAgent::stop);
    }

    private UnitAgent startedAgent(Script script, boolean leader) {
        Unit unit = model.addUnit("etcd");
        unit.setInstalled(true);
        unit.setStarted(true);
        if (leader) {
            model.requireApplication("etcd").setLeader(unit.name());
        }
        UnitAgent agent = new UnitAgent(unit, null, script);
        agents.add(agent);
        agent.start();
        return agent;
    }

    private void awaitSettled(UnitAgent agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!agent.settled()) {
            assertTrue(System.nanoTime() < deadline, "agent did not settle: " + agent.queued() + ", ran " + ran);
            Thread.sleep(10);
        }
    }

    @Test
    void nothingRunsWhileTheMachineIsOffAndStartRunsFirstAfterTheBoot() throws Exception {
        Script script = new Script();
        UnitAgent agent = startedAgent(script, false);
        agent.powerLoss();
        agent.awaitStopped();
        agent.enqueue(Hook.unit("config-changed"));
        agent.enqueue(Hook.unit("leader-settings-changed"));
        Thread.sleep(100);
        assertEquals(List.of(), ran, "a hook ran on a machine that is off");
        assertFalse(agent.settled(), "a unit whose agent is down is not settled");
        assertTrue(agent.isDown());

        assertNull(agent.boot(Duration.ofHours(1)));
        awaitSettled(agent);
        assertEquals(List.of("start", "leader-settings-changed", "config-changed"), ran,
                "start first, the leadership check next (queued once), then what was queued");
        assertFalse(agent.isDown());
    }

    @Test
    void theLeaderGetsNoLeaderSettingsChangedAndAUnitNotStartedYetNoStart() throws Exception {
        Script script = new Script();
        UnitAgent leader = startedAgent(script, true);
        leader.powerLoss();
        leader.boot(Duration.ofHours(1));
        awaitSettled(leader);
        assertEquals(List.of("start"), ran);

        ran.clear();
        Unit fresh = model.addUnit("etcd");
        fresh.setInstalled(true);
        UnitAgent installing = new UnitAgent(fresh, null, script);
        agents.add(installing);
        installing.start();
        installing.powerLoss();
        installing.boot(Duration.ofHours(1));
        awaitSettled(installing);
        assertEquals(List.of("leader-settings-changed"), ran, "Juju skips the start of a unit that never started");
    }

    @Test
    void aHookCutShortByThePowerLossFailsAndIsRetriedBeforeStart() throws Exception {
        Script script = new Script();
        script.blockOn = "update-status";
        UnitAgent agent = startedAgent(script, true);
        agent.enqueue(Hook.unit("update-status"));
        assertTrue(script.blocked.await(10, TimeUnit.SECONDS));
        agent.powerLoss();
        script.release.countDown();
        agent.awaitStopped();

        assertEquals("update-status", agent.boot(Duration.ofHours(1)));
        awaitSettled(agent);
        assertEquals(List.of("update-status", "start"), ran, "the interrupted hook goes first, then start");
    }

    @Test
    void addNextGoesBehindAFailedHeadAndMovesACoalescingHookForward() {
        HookQueue q = new HookQueue();
        q.add(Hook.unit("update-status"));
        q.start();
        q.failed();
        q.add(Hook.unit("config-changed"));
        q.add(Hook.unit("leader-settings-changed"));
        q.addNext(List.of(Hook.unit("start"), Hook.unit("leader-settings-changed")), true);
        assertEquals(List.of("update-status", "start", "leader-settings-changed", "config-changed"),
                q.snapshot().stream().map(Hook::toString).toList());

        HookQueue empty = new HookQueue();
        empty.addNext(List.of(Hook.unit("start")), false);
        assertEquals(List.of("start"), empty.snapshot().stream().map(Hook::toString).toList());
    }
}
