package dev.charms.runner.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.Charm;
import dev.charms.runner.model.Unit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader whose machine stays off longer than its lease loses leadership to a unit that is up
 * (docs/juju-contract.md, section 5), with a recording executor in place of hook processes.
 */
class LeadershipLeaseTest {
    @TempDir
    Path dir;
    private ControllerState state;
    private Leadership leadership;
    private Application app;
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    /** Records each hook as {@code unit hook}. */
    private final class Recorder extends ScriptedExecutor {
        @Override
        public boolean runHook(UnitAgent agent, Hook hook) {
            ran.add(agent.name() + " " + hook);
            return true;
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        Path charm = Files.createDirectories(dir.resolve("etcd"));
        Files.writeString(charm.resolve("metadata.yaml"), "name: etcd\nsummary: s\ndescription: d\n");
        state = new ControllerState(new ModelPaths(Files.createDirectories(dir.resolve("home")), "lease"), null);
        leadership = new Leadership(state);
        app = state.model().deploy("etcd", Charm.load(charm));
        for (int i = 0; i < 3; i++) {
            Unit unit = state.model().addUnit("etcd");
            unit.setInstalled(true);
            unit.setStarted(true);
            UnitAgent agent = new UnitAgent(unit, null, new Recorder());
            state.agents().put(unit.name(), agent);
            agent.start();
        }
        app.setLeader("etcd/0");
    }

    @AfterEach
    void tearDown() {
        state.agents().values().forEach(UnitAgent::stop);
    }

    @Test
    void aLeaderOffLongerThanItsLeaseHandsLeadershipToTheLowestUnitUp() throws Exception {
        UnitAgent old = state.agent("etcd/0");
        old.powerLoss();
        old.awaitStopped();

        assertEquals(List.of("etcd/1"), leadership.leasesLapsed(Set.of("etcd/0")));
        assertEquals(Optional.of("etcd/1"), app.leader());
        await("etcd/1 leader-elected");
        await("etcd/2 leader-settings-changed");
        assertTrue(ran.stream().noneMatch(h -> h.startsWith("etcd/0 ")), "a hook ran on a machine that is off: " + ran);

        old.boot(Duration.ofHours(1));
        await("etcd/0 leader-settings-changed");
    }

    @Test
    void whenEveryUnitIsOffNobodyClaimsTheLease() throws Exception {
        for (UnitAgent a : state.agents().values()) {
            a.powerLoss();
            a.awaitStopped();
        }
        assertEquals(List.of(), leadership.leasesLapsed(Set.of("etcd/0", "etcd/1", "etcd/2")));
        assertEquals(Optional.of("etcd/0"), app.leader());
    }

    @Test
    void aNonLeaderOffChangesNothing() {
        assertEquals(List.of(), leadership.leasesLapsed(Set.of("etcd/2")));
        assertEquals(Optional.of("etcd/0"), app.leader());
    }

    private void await(String hook) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!ran.contains(hook)) {
            assertTrue(System.nanoTime() < deadline, "never ran: " + hook + "; ran " + ran);
            Thread.sleep(10);
        }
    }
}
