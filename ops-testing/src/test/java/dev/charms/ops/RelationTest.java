package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.testing.Demo;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import dev.charms.ops.testing.ToolCall;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link Relation} and {@link Model} read each thing once per hook and send only real changes. */
class RelationTest {
    private final State state = State.builder().leader(true)
            .relation(PeerRelation.of("cluster", 0).withLocalAppData(Map.of("token", "t"))
                    .withLocalUnitData(Map.of("name", "demo-0", "old", "x"))
                    .withPeer("demo/1", Map.of("name", "demo-1")).withPeer("demo/2", Map.of("name", "demo-2")))
            .relation(dev.charms.ops.testing.Relation.of("db", 5, "kube").withRemoteAppData(Map.of("want", "v3")))
            .build();

    /** Runs {@code body} as the charm's config-changed handler. */
    private Output run(Consumer<Framework> body) {
        return Demo.context(fw -> fw.observe(Event.class, e -> body.accept(fw))).run(JujuEvent.configChanged(), state);
    }

    private static Relation peer(Model model) {
        return model.relation("cluster").orElseThrow();
    }

    @Test
    void readsAreCachedForTheHook() {
        Output out = run(fw -> {
            Model m = fw.model();
            for (int i = 0; i < 3; i++) {
                Relation r = peer(m);
                assertEquals(List.of("demo/1", "demo/2"), r.units());
                assertEquals("demo-1", r.unitData("demo/1").get("name"));
                assertEquals("t", r.localAppData().get("token"));
                assertEquals("demo-0", r.localUnitData().get("name"));
                assertEquals("demo", r.remoteApp());
                assertTrue(m.isLeader());
                assertEquals(2379, m.config().getInt("port"));
            }
            assertEquals("v3", m.relation("db", 5).orElseThrow().remoteAppData().get("want"));
            assertEquals("kube", m.relation("db", 5).orElseThrow().remoteApp());
        });
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals(1, out.calls("relation-ids").stream().filter(c -> c.args().contains("cluster")).count());
        assertEquals(1, out.calls("relation-list").stream().filter(c -> !c.args().contains("--app")).count());
        assertEquals(1, out.calls("relation-list").stream().filter(c -> c.args().contains("--app")).count());
        assertEquals(4, out.calls("relation-get").size(), out.calls("relation-get").toString());
        assertEquals(1, out.calls("is-leader").size());
        assertEquals(1, out.calls("config-get").size());
    }

    @Test
    void writingUnchangedValuesCallsNothing() {
        Output out = run(fw -> {
            Relation r = peer(fw.model());
            r.updateLocalUnitData(Map.of("name", "demo-0"));
            r.updateLocalAppData(Map.of("token", "t"));
            r.updateLocalUnitData(Map.of("absent", ""));
        });
        assertEquals(0, out.exitCode(), out.stderr());
        assertFalse(out.called("relation-set"));
        assertEquals(state.relations(), out.state().relations());
    }

    @Test
    void onlyChangedKeysAreSentAndEmptyOrNullDeletes() {
        Output out = run(fw -> {
            Relation r = peer(fw.model());
            Map<String, String> changes = new HashMap<>();
            changes.put("name", "demo-0");
            changes.put("port", "2379");
            changes.put("old", null);
            r.updateLocalUnitData(changes);
            assertEquals(Map.of("name", "demo-0", "port", "2379"), r.localUnitData());
            r.updateLocalAppData(Map.of("token", "", "roster", "demo/0"));
            assertEquals(Map.of("roster", "demo/0"), r.localAppData());
            assertThrows(UnsupportedOperationException.class, () -> r.localAppData().put("x", "y"));
        });
        assertEquals(0, out.exitCode(), out.stderr());
        List<ToolCall> sets = out.calls("relation-set");
        assertEquals(2, sets.size());
        assertEquals("-r", sets.get(0).args().get(0));
        assertEquals(List.of("-r", "0", "old=", "port=2379"), sorted(sets.get(0).args()));
        assertEquals(List.of("--app", "-r", "0", "roster=demo/0", "token="), sorted(sets.get(1).args()));
        assertEquals(Map.of("name", "demo-0", "port", "2379"), out.state().relation(0).orElseThrow().localUnitData());
        assertEquals(Map.of("roster", "demo/0"), out.state().relation(0).orElseThrow().localAppData());
        assertEquals(2, out.calls("relation-get").size(), "each bag read once, writes update the cache");
    }

    private static List<String> sorted(List<String> args) {
        return args.stream().sorted().toList();
    }

    @Test
    void unknownEndpointIsRefused() {
        Output out = run(fw -> {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                    () -> fw.model().relations("website"));
            assertEquals("unknown endpoint 'website'", ex.getMessage());
            assertTrue(fw.model().relation("certificates").isEmpty());
            assertTrue(fw.model().relation("db", 6).isEmpty());
        });
        assertEquals(0, out.exitCode(), out.stderr());
    }
}
