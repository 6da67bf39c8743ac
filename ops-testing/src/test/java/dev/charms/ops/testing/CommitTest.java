package dev.charms.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Event;
import dev.charms.ops.HookTools;
import dev.charms.ops.Status;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Juju commits relation data, ports, secrets and stored state only when the hook exits 0. */
class CommitTest {
    private final Secret ca = Secret.owned(Secret.Owner.APPLICATION, "ca", Map.of("ca-key", "K1"));
    private final State in = State.builder().leader(true)
            .relation(PeerRelation.of("cluster", 0).withLocalAppData(Map.of("token", "old"))
                    .withPeer("demo/1", Map.of()))
            .openedPorts(Set.of("80/tcp")).secret(ca).stored("runs", 1).workloadVersion("1.0").build();

    /** Changes everything a hook can change, then fails if asked to. */
    private Output changeEverything(boolean thenFail, State state) {
        return Hooks.configChanged(state, fw -> {
            HookTools t = fw.model().tools();
            t.relationSet(0, Map.of("token", "new"), true);
            t.relationSet(0, Map.of("mine", "1"), false);
            t.openPort(2379, "tcp");
            t.closePort(80, "tcp");
            t.secretSet(ca.id(), Map.of("ca-key", "K2"));
            t.secretAdd(Map.of("key", "v"), "extra", null, "unit");
            fw.stored().put("runs", fw.stored().getLong("runs", 0) + 1);
            t.statusSet("maintenance", "working", false);
            t.statusSet("active", "", true);
            t.applicationVersionSet("2.0");
            t.jujuLog("INFO", "did it");
            if (thenFail) {
                throw new IllegalStateException("boom");
            }
        });
    }

    @Test
    void successCommitsEverything() {
        Output out = changeEverything(false, in);
        assertEquals(0, out.exitCode());
        assertEquals("", out.stderr());
        State s = out.state();
        assertEquals(Map.of("token", "new"), s.relation(0).orElseThrow().localAppData());
        assertEquals(Map.of("mine", "1"), s.relation(0).orElseThrow().localUnitData());
        assertEquals(Set.of("2379/tcp"), s.openedPorts());
        assertEquals(Map.of("ca-key", "K2"), s.secret(ca.id()).orElseThrow().latestContent());
        assertEquals(2, s.secrets().size());
        assertEquals(2L, s.storedState().get("runs"));
        assertEquals(Status.maintenance("working"), s.unitStatus());
        assertEquals(Status.active(""), s.appStatus());
        assertEquals("2.0", s.workloadVersion());
    }

    @Test
    void failureKeepsInputForBufferedAndImmediateEffects() {
        Output out = changeEverything(true, in);
        assertEquals(1, out.exitCode());
        assertEquals("ERROR config-changed: boom\n", out.stderr());
        State s = out.state();
        assertEquals(in.relations(), s.relations());
        assertEquals(in.openedPorts(), s.openedPorts());
        assertEquals(in.secrets(), s.secrets());
        assertEquals(in.storedState(), s.storedState());
        assertEquals(Status.maintenance("working"), s.unitStatus());
        assertEquals(Status.active(""), s.appStatus());
        assertEquals("2.0", s.workloadVersion());
        assertEquals(List.of("did it"), out.logMessages());
        assertEquals(2, out.statusHistory().size());
    }

    @Test
    void outputChainsIntoTheNextRun() {
        Output first = changeEverything(false, in);
        Output second = changeEverything(false, first.state());
        assertEquals(1, second.exitCode());
        assertEquals("ERROR config-changed: secret-add failed (exit 1): secret with label \"extra\" already exists\n",
                second.stderr());
        assertEquals(2L, second.state().storedState().get("runs"));
        State without = first.state().toBuilder().secrets(List.of(first.state().secret(ca.id()).orElseThrow())).build();
        assertEquals(3L, changeEverything(false, without).state().storedState().get("runs"));
    }

    @Test
    void failedActionStillReportsResultsAndLogsButCommitsNothing() {
        Context ctx = Demo.context(fw -> fw.observe(Event.Action.class, e -> {
            fw.action().log("starting");
            fw.action().setResults(Map.of("partial", "yes"));
            fw.model().tools().relationSet(0, Map.of("mine", "1"), false);
            throw new IllegalStateException("disk full");
        }));
        Output out = ctx.run(JujuEvent.action("echo"), in);
        assertEquals(1, out.exitCode());
        assertEquals("disk full", out.actionFailure());
        assertEquals(Map.of("partial", "yes"), out.actionResults());
        assertEquals(List.of("starting"), out.actionLogs());
        assertEquals(in.relations(), out.state().relations());
    }

    @Test
    void actionFailedExceptionIsAnOrdinaryEndSoWritesAreCommitted() {
        Context ctx = Demo.context(fw -> fw.observe(Event.Action.class, e -> {
            fw.model().tools().relationSet(0, Map.of("mine", "1"), false);
            throw new ActionFailedException("target must be absolute");
        }));
        Output out = ctx.run(JujuEvent.action("echo"), in);
        assertEquals(0, out.exitCode());
        assertEquals("target must be absolute", out.actionFailure());
        assertEquals(Map.of("mine", "1"), out.state().relation(0).orElseThrow().localUnitData());
    }

    @Test
    void successfulActionHasNoFailure() {
        Context ctx = Demo.context(fw -> fw.observe(Event.Action.class, e -> fw.action().setResults(
                Map.of("message", fw.action().stringParam("message", null), "count", fw.action().longParam("count", 0)))));
        Output out = ctx.run(JujuEvent.action("echo", Map.of("count", 3)), in);
        assertNull(out.actionFailure());
        assertEquals(Map.of("message", "hi", "count", "3"), out.actionResults());
    }
}
