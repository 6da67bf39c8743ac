package dev.charms.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.Framework;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The configuration, the addresses and the relation ids change only with a hook Juju runs before any
 * update-status or relation -joined/-changed/-departed hook (docs/juju-contract.md, section 2): the model
 * asks for them in every other hook and those quieter hooks read what it recorded. Relation data and
 * leadership are asked for in every hook, once.
 */
class RecordedInputsTest {
    private static final List<String> RECORDED = List.of("config-get", "network-get", "relation-ids");

    private final Relation db = Relation.of("db", 3, "app").withRemoteUnit("app/0", Map.of("want", "x"));
    private final PeerRelation peers = PeerRelation.of("cluster", 0).withPeer("demo/1", Map.of("k", "v"));
    private final State start = State.builder().config("port", 2379).relation(db).relation(peers)
            .network("db", NetworkInfo.of("10.0.0.5")).build();

    /** Reads every input and keeps what it saw in stored state. */
    private static void readEverything(Framework fw) {
        fw.stored().put("seen-port", fw.model().config().getInt("port"));
        fw.stored().put("seen-address", fw.model().network("db").ingressAddress());
        fw.stored().put("seen-db", fw.model().relations("db").size());
        fw.stored().put("seen-peers", fw.model().relation("cluster").orElseThrow().units());
        fw.stored().put("seen-leader", fw.model().isLeader());
    }

    private static Output run(JujuEvent event, State state) {
        return Hooks.on(event, state, RecordedInputsTest::readEverything);
    }

    private static long asked(Output out, String tool) {
        return out.calls(tool).size();
    }

    @Test
    void quietHooksReadWhatTheLastOtherHookRecorded() {
        Output changed = run(JujuEvent.configChanged(), start);
        RECORDED.forEach(t -> assertTrue(changed.called(t), t + " in config-changed"));
        assertEquals(2, asked(changed, "relation-ids"), "cluster and db");
        for (JujuEvent quiet : List.of(JujuEvent.updateStatus(), JujuEvent.relationChanged(peers, "demo/1"),
                JujuEvent.relationJoined(db, "app/0"), JujuEvent.relationDeparted(peers, "demo/1", "demo/1"))) {
            Output out = run(quiet, changed.state());
            assertEquals(0, out.exitCode(), out.stderr());
            RECORDED.forEach(t -> assertFalse(out.called(t), t + " asked again in " + quiet));
            assertEquals(List.of("is-leader", "relation-list"), out.toolCalls().stream().map(ToolCall::tool)
                    .filter(t -> !t.equals("relation-get")).sorted().toList(), "leadership and members are asked every hook");
            assertEquals(2379L, out.state().storedState().get("seen-port"));
            assertEquals("10.0.0.5", out.state().storedState().get("seen-address"));
            assertEquals(1L, out.state().storedState().get("seen-db"));
        }
    }

    @Test
    void everyOtherHookAsksAgainAndSeesTheChange() {
        State recorded = run(JujuEvent.configChanged(), start).state();
        State moved = recorded.toBuilder().config("port", 2400).network("db", NetworkInfo.of("10.0.0.6")).build();
        for (JujuEvent loud : List.of(JujuEvent.configChanged(), JujuEvent.upgradeCharm(), JujuEvent.start(),
                JujuEvent.leaderSettingsChanged(), JujuEvent.relationCreated(db))) {
            Output out = run(loud, moved);
            assertEquals(0, out.exitCode(), out.stderr());
            RECORDED.forEach(t -> assertTrue(out.called(t), t + " in " + loud));
            assertEquals(2400L, out.state().storedState().get("seen-port"));
            assertEquals("10.0.0.6", out.state().storedState().get("seen-address"));
            Output after = run(JujuEvent.updateStatus(), out.state());
            assertEquals(2400L, after.state().storedState().get("seen-port"), "update-status after " + loud);
            assertEquals("10.0.0.6", after.state().storedState().get("seen-address"));
        }
    }

    @Test
    void anotherHookThatDoesNotAskLeavesNothingBehindForTheQuietOnes() {
        State recorded = run(JujuEvent.configChanged(), start).state();
        State moved = recorded.toBuilder().config("port", 2400).build();
        Output blind = Hooks.configChanged(moved, fw -> fw.stored().put("seen-db", fw.model().relations("db").size()));
        assertEquals(0, blind.exitCode(), blind.stderr());
        Output after = run(JujuEvent.updateStatus(), blind.state());
        assertEquals(List.of("config-get --format=json", "network-get --format=json db", "relation-ids --format=json cluster"),
                after.toolCalls().stream().filter(c -> RECORDED.contains(c.tool())).map(ToolCall::toString).sorted().toList(),
                "only the db relation's ids were asked for since");
        assertEquals(2400L, after.state().storedState().get("seen-port"));
    }

    @Test
    void aFailedHookRecordsNothing() {
        State recorded = run(JujuEvent.configChanged(), start).state();
        State moved = recorded.toBuilder().config("port", 2400).build();
        Output failed = Hooks.configChanged(moved, fw -> {
            readEverything(fw);
            throw new IllegalStateException("boom");
        });
        assertEquals(1, failed.exitCode());
        Output retried = run(JujuEvent.configChanged(), failed.state());
        assertTrue(retried.called("config-get"));
        assertEquals(2400L, retried.state().storedState().get("seen-port"));
    }

    @Test
    void leavingARelationForgetsItsIdsSoTheNextHookAsks() {
        State recorded = run(JujuEvent.configChanged(), start).state();
        Output broken = run(JujuEvent.relationBroken(db), recorded);
        assertEquals(0, broken.exitCode(), broken.stderr());
        assertTrue(broken.called("relation-ids"), "-broken asks");
        State gone = broken.state().toBuilder().withoutRelation(3).build();
        Output after = run(JujuEvent.updateStatus(), gone);
        assertEquals(0, after.exitCode(), after.stderr());
        assertEquals(List.of("relation-ids --format=json db"), after.calls("relation-ids").stream().map(ToolCall::toString).toList());
        assertEquals(0L, after.state().storedState().get("seen-db"));
        assertFalse(run(JujuEvent.updateStatus(), after.state()).called("relation-ids"), "recorded again");
    }

    @Test
    void aUnitsOwnDepartureAsksAndForgetsThatEndpointsIds() {
        State recorded = run(JujuEvent.configChanged(), start).state();
        Output own = run(JujuEvent.relationDeparted(peers, "demo/1", "demo/0"), recorded);
        assertEquals(0, own.exitCode(), own.stderr());
        RECORDED.forEach(t -> assertTrue(own.called(t), t + " in the unit's own -departed"));
        Output next = run(JujuEvent.updateStatus(), own.state());
        assertEquals(List.of("relation-ids --format=json cluster"), next.calls("relation-ids").stream().map(ToolCall::toString).toList());
        assertFalse(next.called("config-get"));
    }

    @Test
    void aBagWrittenInAHookReadsBackAsWrittenWithoutAskingAgain() {
        Output out = Hooks.on(JujuEvent.updateStatus(), run(JujuEvent.configChanged(), start).state(), fw -> {
            dev.charms.ops.Relation peer = fw.model().relation("cluster").orElseThrow();
            assertEquals(Map.of(), peer.localUnitData());
            peer.updateLocalUnitData(Map.of("a", "1"));
            peer.updateLocalUnitData(Map.of("a", "1"));
            assertEquals(Map.of("a", "1"), peer.localUnitData());
            assertEquals(Map.of("a", "1"), fw.model().relation("cluster").orElseThrow().localUnitData());
            assertEquals(Map.of("k", "v"), peer.unitData("demo/1"));
            assertEquals(Map.of("k", "v"), peer.unitData("demo/1"));
        });
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals(2, asked(out, "relation-get"), "each bag read once");
        assertEquals(1, asked(out, "relation-set"), "an unchanged value is not sent again");
        assertEquals(Map.of("a", "1"), out.state().relation(0).orElseThrow().localUnitData());
    }
}
