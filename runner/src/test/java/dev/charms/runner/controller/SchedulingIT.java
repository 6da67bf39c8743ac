package dev.charms.runner.controller;

import dev.charms.runner.model.Relation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.charms.runner.controller.TestModels.hookNames;
import static dev.charms.runner.controller.TestModels.hooks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hook order of deploy, add-unit and remove-unit with the recorder charm in real machines (docs/juju-contract.md, section 2). */
class SchedulingIT {
    private static final Duration SETTLE = Duration.ofMinutes(2);
    private ModelPaths paths;
    private Controller controller;

    @BeforeEach
    void setUp() throws Exception {
        paths = TestModels.newModel("sched");
        controller = TestModels.start(paths);
    }

    @AfterEach
    void tearDown() {
        TestModels.destroy(controller, paths);
    }

    private List<String> hooksOf(String unit) throws Exception {
        return hooks(controller.debugLogFile(), unit);
    }

    private static void assertJoinedThenChanged(List<String> hooks, String remote) {
        int joined = hooks.indexOf("cluster-relation-joined " + remote + " -");
        assertTrue(joined >= 0, "no joined(" + remote + ") in " + hooks);
        assertEquals("cluster-relation-changed " + remote + " -", hooks.get(joined + 1),
            "joined(" + remote + ") not immediately followed by changed: " + hooks);
        assertEquals(1, hooks.stream().filter(h -> h.startsWith("cluster-relation-joined " + remote)).count());
    }

    /**
     * {@code unit} of a deploy of {@code units} (rec/0 the leader) ran install, relation-created, its
     * leadership hook, config-changed and start, then joined immediately followed by changed for every
     * other unit, after start.
     */
    private void assertDeployOrder(String unit, List<String> units) throws Exception {
        List<String> names = hookNames(controller.debugLogFile(), unit);
        String leadership = unit.equals("rec/0") ? "leader-elected" : "leader-settings-changed";
        assertEquals(List.of("install", "cluster-relation-created", leadership, "config-changed", "start"),
            names.subList(0, 5), unit + " ran " + names);
        List<String> all = hooksOf(unit);
        for (String peer : units) {
            if (!peer.equals(unit)) {
                assertJoinedThenChanged(all, peer);
                assertTrue(all.indexOf("cluster-relation-joined " + peer + " -") > names.indexOf("start"));
            }
        }
    }

    @Test
    void deployThreeAddOneThenRemoveTheLeader() throws Exception {
        controller.deploy(TestModels.RECORDER, "rec", 3, Map.of(), Map.of());
        controller.waitIdle(SETTLE);

        for (String unit : List.of("rec/0", "rec/1", "rec/2")) {
            assertDeployOrder(unit, List.of("rec/0", "rec/1", "rec/2"));
            List<String> all = hooksOf(unit);
            assertFalse(all.stream().anyMatch(h -> h.contains(" " + unit + " ")), unit + " saw its own write: " + all);
            boolean appLevelChange = all.contains("cluster-relation-changed - -");
            assertEquals(!unit.equals("rec/0"), appLevelChange, unit + " app-level change (leader writes app bag): " + all);
        }
        assertEquals("rec/0", controller.model().requireApplication("rec").leader().orElseThrow());
        // relation-list shows a peer only from this unit's -joined hook for it on (Juju's relation members),
        // although every unit entered scope at deploy: before it, a unit sees none of its peers.
        List<String> seen = TestModels.members(controller.debugLogFile(), "rec/0");
        assertEquals(List.of("cluster-relation-created: ", "leader-elected: ", "config-changed: ", "start: "),
            seen.subList(0, 4), "rec/0 saw " + seen);
        assertEquals(List.of("cluster-relation-joined: rec/1", "cluster-relation-changed: rec/1"), seen.subList(4, 6),
            "rec/0 saw " + seen);
        assertTrue(seen.indexOf("cluster-relation-joined: rec/1 rec/2") > 5, "rec/0 saw " + seen);
        assertEquals("cluster-relation-changed: rec/1 rec/2", seen.get(seen.size() - 1), "rec/0 saw " + seen);

        controller.addUnit("rec", 1);
        controller.waitIdle(SETTLE);
        List<String> newcomer = hookNames(controller.debugLogFile(), "rec/3");
        assertEquals(List.of("install", "cluster-relation-created", "leader-settings-changed", "config-changed", "start"),
            newcomer.subList(0, 5));
        for (String unit : List.of("rec/0", "rec/1", "rec/2")) {
            assertJoinedThenChanged(hooksOf(unit), "rec/3");
            assertJoinedThenChanged(hooksOf("rec/3"), unit);
        }

        int before1 = hooksOf("rec/1").size();
        int before2 = hooksOf("rec/2").size();
        controller.removeUnit("rec/0");
        assertEquals("rec/0", controller.model().requireApplication("rec").leader().orElseThrow(),
            "a dying leader stays leader through its own departure (Juju revokes the lease once it is dead)");
        controller.waitIdle(SETTLE);
        List<String> dying = hooksOf("rec/0");
        List<String> tail = dying.subList(dying.size() - 5, dying.size());
        assertEquals(List.of("cluster-relation-departed rec/1 rec/0", "cluster-relation-departed rec/2 rec/0",
            "cluster-relation-departed rec/3 rec/0", "stop - -", "remove - -"), tail, "dying unit ran " + dying);
        assertFalse(dying.stream().anyMatch(h -> h.startsWith("cluster-relation-broken")), "peer relations never break");

        List<String> survivor1 = hooksOf("rec/1").subList(before1, hooksOf("rec/1").size());
        List<String> survivor2 = hooksOf("rec/2").subList(before2, hooksOf("rec/2").size());
        assertTrue(survivor1.contains("cluster-relation-departed rec/0 rec/0"), survivor1.toString());
        List<String> dyingSaw = TestModels.members(controller.debugLogFile(), "rec/0");
        assertEquals(List.of("cluster-relation-departed: rec/2 rec/3", "cluster-relation-departed: rec/3",
            "cluster-relation-departed: "), dyingSaw.subList(dyingSaw.size() - 3, dyingSaw.size()),
            "each of the dying unit's -departed hooks drops that peer: " + dyingSaw);
        assertTrue(TestModels.members(controller.debugLogFile(), "rec/1").contains("cluster-relation-departed: rec/2 rec/3"));
        assertTrue(survivor2.contains("cluster-relation-departed rec/0 rec/0"), survivor2.toString());
        assertTrue(survivor1.contains("leader-elected - -"), "lowest survivor is elected: " + survivor1);
        assertTrue(survivor2.contains("leader-settings-changed - -"), survivor2.toString());
        assertFalse(survivor2.contains("leader-elected - -"));
        assertEquals("rec/1", controller.model().requireApplication("rec").leader().orElseThrow());
        assertTrue(controller.model().unit("rec/0").isEmpty(), "removed unit is gone from the model");

        assertEquals(List.of("rec/4"), controller.addUnit("rec", 1), "unit numbers are never reused");
        controller.waitIdle(SETTLE);

        controller.setModelConfig(Map.of("update-status-hook-interval", "1s"));
        long deadline = System.currentTimeMillis() + 10_000;
        while (!hookNames(controller.debugLogFile(), "rec/4").contains("update-status")
            && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(hookNames(controller.debugLogFile(), "rec/4").contains("update-status"));
    }

    @Test
    void hookJitterKeepsEachUnitsOrderAndElectMovesLeadershipAtAHookBoundary() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> controller.setModelConfig(Map.of("hook-jitter", "-1s")));
        assertThrows(IllegalArgumentException.class, () -> controller.setModelConfig(Map.of("hook-jitter", "soon")));
        assertEquals("0ms", controller.modelConfig().get("hook-jitter"));
        controller.setModelConfig(Map.of("hook-jitter", "300ms"));
        assertEquals("300ms", controller.modelConfig().get("hook-jitter"));
        controller.deploy(TestModels.RECORDER, "rec", 3, Map.of(), Map.of());
        controller.waitIdle(SETTLE);
        for (String unit : List.of("rec/0", "rec/1", "rec/2")) {
            assertDeployOrder(unit, List.of("rec/0", "rec/1", "rec/2"));
        }

        int before0 = hooksOf("rec/0").size();
        int before1 = hooksOf("rec/1").size();
        int before2 = hooksOf("rec/2").size();
        controller.elect("rec/2");
        assertEquals("rec/2", controller.model().requireApplication("rec").leader().orElseThrow());
        controller.waitIdle(SETTLE);
        assertEquals(List.of("leader-elected - -"), hooksOf("rec/2").subList(before2, hooksOf("rec/2").size()));
        assertEquals(List.of("leader-settings-changed - -"), hooksOf("rec/0").subList(before0, hooksOf("rec/0").size()));
        assertEquals(List.of("leader-settings-changed - -"), hooksOf("rec/1").subList(before1, hooksOf("rec/1").size()));

        controller.elect("rec/2");
        controller.waitIdle(SETTLE);
        assertEquals(before2 + 1, hooksOf("rec/2").size(), "electing the leader again changes nothing");
        assertThrows(RuntimeException.class, () -> controller.elect("rec/9"));
        controller.removeUnit("rec/1");
        assertThrows(RuntimeException.class, () -> controller.elect("rec/1"), "a dying unit cannot become leader");
        controller.waitIdle(SETTLE);
        assertEquals("rec/2", controller.model().requireApplication("rec").leader().orElseThrow());
    }

    @Test
    void hookHoldKeepsOneUnitsHooksBackUntilItIsLifted() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> controller.setModelConfig(Map.of("hook-hold", "rec/1")));
        assertThrows(IllegalArgumentException.class, () -> controller.setModelConfig(Map.of("hook-hold", "rec/1=soon")));
        assertEquals("", controller.modelConfig().get("hook-hold"));
        controller.setModelConfig(Map.of("hook-hold", "rec/1=1h"));
        assertEquals("rec/1=1h", controller.modelConfig().get("hook-hold"));
        controller.deploy(TestModels.RECORDER, "rec", 2, Map.of(), Map.of());
        long deadline = System.currentTimeMillis() + SETTLE.toMillis();
        while (!hookNames(controller.debugLogFile(), "rec/0").contains("start") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(hookNames(controller.debugLogFile(), "rec/0").contains("start"), "rec/0 ran its hooks");
        assertEquals(List.of(), hookNames(controller.debugLogFile(), "rec/1"), "rec/1 ran a hook while held");
        controller.setModelConfig(Map.of("hook-hold", ""));
        controller.waitIdle(SETTLE);
        assertDeployOrder("rec/1", List.of("rec/0", "rec/1"));
    }

    @Test
    void refreshSwapsTheCharmAtUpgradeCharmKeepingWhatTheCharmWrote(@org.junit.jupiter.api.io.TempDir Path tmp)
        throws Exception {
        controller.deploy(TestModels.RECORDER, "rec", 2, Map.of(), Map.of());
        controller.waitIdle(SETTLE);
        Path written = controller.hostPath("rec/0", "/var/lib/juju/agents/unit-rec-0/charm/.state/kept");
        Files.createDirectories(written.getParent());
        Files.writeString(written, "made by the charm");
        Path next = tmp.resolve("rec-next");
        CharmUnpacker.unpack(TestModels.RECORDER, next);
        Files.writeString(next.resolve("added.txt"), "new in revision 1");
        Files.delete(next.resolve("actions.yaml"));
        int before0 = hooksOf("rec/0").size();
        int before1 = hooksOf("rec/1").size();

        assertEquals(1, controller.refresh("rec", next));
        controller.waitIdle(SETTLE);
        assertEquals(List.of("upgrade-charm - -", "config-changed - -", "start - -"),
            hooksOf("rec/0").subList(before0, hooksOf("rec/0").size()));
        assertEquals(List.of("upgrade-charm - -", "config-changed - -", "start - -"),
            hooksOf("rec/1").subList(before1, hooksOf("rec/1").size()));
        Path charmDir = controller.hostPath("rec/0", "/var/lib/juju/agents/unit-rec-0/charm");
        assertEquals("new in revision 1", Files.readString(charmDir.resolve("added.txt")));
        assertFalse(Files.exists(charmDir.resolve("actions.yaml")), "a file the new revision dropped is gone");
        assertEquals("made by the charm", Files.readString(written), "what the charm wrote there stays");
        assertEquals(1, controller.status().applications().get(0).revision());

        Files.writeString(next.resolve("metadata.yaml"),
            Files.readString(next.resolve("metadata.yaml")).replace("name: recorder", "name: other"));
        assertThrows(RuntimeException.class, () -> controller.refresh("rec", next));
        assertEquals(1, controller.status().applications().get(0).revision());
    }

    @Test
    void integrateTwoApplicationsThenRemoveTheRelation() throws Exception {
        controller.deploy(TestModels.RECORDER, "front", 1, Map.of(), Map.of());
        controller.deploy(TestModels.RECORDER, "back", 2, Map.of(), Map.of());
        controller.waitIdle(SETTLE);
        int id = controller.integrate("front:backend", "back:db");
        controller.waitIdle(SETTLE);
        List<String> front = hooksOf("front/0");
        int created = front.indexOf("backend-relation-created - -");
        assertTrue(created >= 0, front.toString());
        for (String remote : List.of("back/0", "back/1")) {
            int joined = front.indexOf("backend-relation-joined " + remote + " -");
            assertTrue(joined > created, front.toString());
            assertEquals("backend-relation-changed " + remote + " -", front.get(joined + 1));
        }
        for (String unit : List.of("back/0", "back/1")) {
            List<String> h = hooksOf(unit);
            assertTrue(h.indexOf("db-relation-joined front/0 -") > h.indexOf("db-relation-created - -"), h.toString());
            assertFalse(h.stream().anyMatch(x -> x.startsWith("db-relation-joined back/")), "own app is not remote");
        }

        controller.removeRelation("front", "back");
        controller.waitIdle(SETTLE);
        List<String> after = hooksOf("front/0");
        assertEquals(List.of("backend-relation-departed back/0 back/0", "backend-relation-departed back/1 back/1",
            "backend-relation-broken - -"), after.subList(after.size() - 3, after.size()));
        List<String> back0 = hooksOf("back/0");
        assertEquals(List.of("db-relation-departed front/0 front/0", "db-relation-broken - -"),
            back0.subList(back0.size() - 2, back0.size()));
        assertTrue(controller.model().relation(id).isEmpty(), "relation forgotten after every unit ran broken");
    }

    @Test
    void failingHookErrorsRetriesDiscardsThenCommits() throws Exception {
        controller.deploy(TestModels.RECORDER, "rec", 2, Map.of(), Map.of());
        controller.waitIdle(SETTLE);
        Relation peer = controller.model().relationsOf("rec").get(0);
        assertEquals("t0", peer.unitBag("rec/0").get("token"));

        controller.config("rec", Map.of("token", "bad", "fail-hook", "config-changed"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (hookNames(controller.debugLogFile(), "rec/0").stream().filter("config-changed"::equals).count() < 3
            && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(hookNames(controller.debugLogFile(), "rec/0").stream().filter("config-changed"::equals).count() >= 3,
            "config-changed retried automatically");
        StatusSnapshot.UnitRow row = controller.status().units().stream().filter(u -> u.name().equals("rec/0"))
            .findFirst().orElseThrow();
        assertEquals("error", row.agent());
        assertEquals("hook failed: \"config-changed\"", row.agentMessage());
        assertEquals("t0", peer.unitBag("rec/0").get("token"), "a failed hook's relation-set is discarded");
        assertEquals("t0", peer.appBag("rec").get("app-token"));
        WaitTimeoutException timeout = org.junit.jupiter.api.Assertions.assertThrows(WaitTimeoutException.class,
            () -> controller.waitIdle(Duration.ofSeconds(1)));
        assertTrue(timeout.getMessage().contains("hook failed: \"config-changed\""), timeout.getMessage());

        int before = hooksOf("rec/1").size();
        controller.config("rec", Map.of("fail-hook", ""));
        controller.waitIdle(SETTLE);
        assertEquals("bad", peer.unitBag("rec/0").get("token"), "committed after the hook succeeded");
        assertEquals("bad", peer.appBag("rec").get("app-token"));
        List<String> after = hooksOf("rec/1").subList(before, hooksOf("rec/1").size());
        assertTrue(after.contains("cluster-relation-changed rec/0 -"), "peer saw the unit bag change: " + after);
        assertTrue(after.contains("cluster-relation-changed - -"), "peer saw the app bag change: " + after);
    }
}
