package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.charms.ops.testing.Demo;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.State;
import dev.charms.ops.testing.ToolCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dispatch, handler order, status collection, stored state and failure handling of {@link Framework}. */
class FrameworkTest {
    private static Output run(JujuEvent event, State state, Consumer<Framework> setup) {
        return Demo.context(setup).run(event, state);
    }

    private static Output configChanged(State state, Consumer<Framework> setup) {
        return run(JujuEvent.configChanged(), state, setup);
    }

    @Test
    void handlersRunInRegistrationOrderAndOnlyForTheirType() {
        List<String> order = new ArrayList<>();
        Output out = configChanged(State.builder().build(), fw -> {
            fw.observe(Event.ConfigChanged.class, e -> order.add("first"));
            fw.observe(Event.Install.class, e -> order.add("install"));
            fw.observe(Event.class, e -> order.add("any:" + e.name()));
            fw.observe(Event.ConfigChanged.class, e -> order.add("last"));
        });
        assertEquals(0, out.exitCode());
        assertEquals(List.of("first", "any:config-changed", "last"), order);
    }

    @Test
    void relationEventsCanBeObservedTogether() {
        List<String> seen = new ArrayList<>();
        State s = State.builder().relation(dev.charms.ops.testing.PeerRelation.of("cluster", 0)
                .withPeer("demo/1", Map.of())).build();
        run(JujuEvent.relationJoined(s.relations().get(0), "demo/1"), s,
                fw -> fw.observe(Event.RelationEvent.class, e -> seen.add(e.name() + " " + e.relation().id() + " "
                        + e.remoteApp())));
        assertEquals(List.of("cluster-relation-joined 0 demo"), seen);
    }

    private static List<ToolCall> statusCalls(Output out) {
        return out.calls("status-set");
    }

    @Test
    void highestPriorityStatusWins() {
        Output out = configChanged(State.builder().build(), fw -> fw.observe(Event.ConfigChanged.class, e -> {
            fw.reportUnitStatus(Status.active("ok"));
            fw.reportUnitStatus(Status.waiting("peers"));
            fw.reportUnitStatus(Status.blocked("bad port"));
            fw.reportUnitStatus(Status.maintenance("installing"));
            fw.reportUnitStatus(Status.blocked("second blocked loses"));
        }));
        assertEquals(List.of(new ToolCall("status-set", List.of("blocked", "bad port"))), statusCalls(out));
        Output m = configChanged(State.builder().build(), fw -> fw.observe(Event.ConfigChanged.class, e -> {
            fw.reportUnitStatus(Status.waiting("peers"));
            fw.reportUnitStatus(Status.maintenance("installing"));
            fw.reportUnitStatus(Status.active("ok"));
        }));
        assertEquals(Status.maintenance("installing"), m.state().unitStatus());
        Output w = configChanged(State.builder().build(), fw -> fw.observe(Event.ConfigChanged.class, e -> {
            fw.reportUnitStatus(Status.active("ok"));
            fw.reportUnitStatus(Status.waiting("peers"));
        }));
        assertEquals(Status.waiting("peers"), w.state().unitStatus());
    }

    @Test
    void statusIsSetOnlyWhenItChanges() {
        Consumer<Framework> charm = fw -> fw.observe(Event.class,
                e -> fw.reportUnitStatus(Status.active(fw.model().config().getString("name"))));
        Output first = configChanged(State.builder().build(), charm);
        assertEquals(1, statusCalls(first).size());
        Output second = run(JujuEvent.updateStatus(), first.state(), charm);
        assertEquals(List.of(), statusCalls(second));
        Output third = configChanged(second.state().toBuilder().config("name", "renamed").build(), charm);
        assertEquals(List.of(new ToolCall("status-set", List.of("active", "renamed"))), statusCalls(third));
    }

    @Test
    void noReportedStatusMeansNoStatusSet() {
        assertFalse(configChanged(State.builder().build(), fw -> { }).called("status-set"));
    }

    @Test
    void applicationStatusOnlyOnTheLeader() {
        Consumer<Framework> charm = fw -> fw.observe(Event.class, e -> {
            fw.reportAppStatus(Status.waiting("2 of 3 members"));
            fw.reportAppStatus(Status.active("lower priority"));
        });
        Output follower = configChanged(State.builder().leader(false).build(), charm);
        assertEquals(0, follower.exitCode());
        assertFalse(follower.called("status-set"));
        Output leader = configChanged(State.builder().leader(true).build(), charm);
        assertEquals(List.of(new ToolCall("status-set", List.of("--application", "waiting", "2 of 3 members"))),
                statusCalls(leader));
        assertEquals(Status.waiting("2 of 3 members"), leader.state().appStatus());
        assertFalse(configChanged(leader.state(), charm).called("status-set"));
    }

    @Test
    void statusNowIsImmediateAndNotRepeatedAtTheEnd() {
        Output out = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            fw.setUnitStatusNow(Status.maintenance("restarting etcd"));
            fw.reportUnitStatus(Status.maintenance("restarting etcd"));
        }));
        assertEquals(1, statusCalls(out).size());
        Output failed = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            fw.setUnitStatusNow(Status.maintenance("restarting etcd"));
            throw new IllegalStateException("restart failed");
        }));
        assertEquals(Status.maintenance("restarting etcd"), failed.state().unitStatus());
        assertEquals(Map.of(Framework.STATUS_KEY, "maintenance\nrestarting etcd"), failed.state().storedState(),
                "a failed hook keeps nothing of its own but the status Juju now shows");
    }

    @Test
    void aStatusSetByAFailedHookIsReplacedByTheNextHookEvenWhenItEqualsTheOneBefore() {
        Consumer<Framework> healthy = fw -> fw.observe(Event.class, e -> fw.reportUnitStatus(Status.active("cluster is healthy")));
        Output first = configChanged(State.builder().build(), healthy);
        assertEquals(1, statusCalls(first).size());
        Output failed = configChanged(first.state(), fw -> fw.observe(Event.class, e -> {
            fw.stored().put("half-done", true);
            fw.setUnitStatusNow(Status.maintenance("starting etcd"));
            throw new IllegalStateException("etcd did not start");
        }));
        assertEquals(1, failed.exitCode());
        assertEquals(Status.maintenance("starting etcd"), failed.state().unitStatus());
        assertFalse(failed.state().storedState().containsKey("half-done"));
        Output retried = configChanged(failed.state(), healthy);
        assertEquals(Status.active("cluster is healthy"), retried.state().unitStatus());
        assertEquals(1, statusCalls(retried).size(), "the status the failed hook left must be replaced");
        assertFalse(configChanged(retried.state(), healthy).called("status-set"));
    }

    @Test
    void actionResultsAreFlattenedToDottedKeys() {
        Output out = run(JujuEvent.action("echo"), State.builder().build(), fw -> fw.observe(Event.Action.class, e -> {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("status", "healthy");
            member.put("db-size", 20480L);
            member.put("skipped", null);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("members", Map.of("etcd-0", member));
            results.put("healthy", true);
            fw.action().setResults(results);
        }));
        assertEquals(List.of(new ToolCall("action-set", List.of("members.etcd-0.status=healthy",
                "members.etcd-0.db-size=20480", "healthy=true"))), out.calls("action-set"));
        assertEquals(Map.of("members", Map.of("etcd-0", Map.of("status", "healthy", "db-size", "20480")),
                "healthy", "true"), out.actionResults());
    }

    @Test
    void badResultKeyFailsTheActionWithTheReason() {
        Output out = run(JujuEvent.action("echo"), State.builder().build(), fw -> fw.observe(Event.Action.class,
                e -> fw.action().setResults(Map.of("dbSize", 1))));
        assertEquals(1, out.exitCode());
        assertEquals("action result key 'dbSize' must be lowercase letters, digits and hyphens, starting and ending"
                + " with a letter or digit", out.actionFailure());
    }

    @Test
    void actionFailedExceptionMeansActionFailAndExitZero() {
        List<String> ran = new ArrayList<>();
        Output out = run(JujuEvent.action("echo"), State.builder().build(), fw -> {
            fw.observe(Event.Action.class, e -> {
                throw new ActionFailedException("target /nope does not exist");
            });
            fw.observe(Event.Action.class, e -> ran.add("second"));
        });
        assertEquals(0, out.exitCode());
        assertEquals("", out.stderr());
        assertEquals("target /nope does not exist", out.actionFailure());
        assertEquals(List.of(new ToolCall("action-fail", List.of("target /nope does not exist"))),
                out.calls("action-fail"));
        assertEquals(List.of(), ran);
    }

    @Test
    void unexpectedExceptionInActionMeansActionFailAndExitOne() {
        Output out = run(JujuEvent.action("echo"), State.builder().build(), fw -> fw.observe(Event.Action.class, e -> {
            throw new IllegalStateException("etcd unreachable");
        }));
        assertEquals(1, out.exitCode());
        assertEquals("ERROR echo: etcd unreachable\n", out.stderr());
        assertEquals("etcd unreachable", out.actionFailure());
    }

    @Test
    void actionFailedExceptionInAHookIsAnError() {
        Output out = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            throw new ActionFailedException("not an action");
        }));
        assertEquals(1, out.exitCode());
        assertEquals("ERROR config-changed: not an action\n", out.stderr());
        assertFalse(out.called("action-fail"));
    }

    @Test
    void exceptionInAHookIsExitOneWithOneLine() {
        Output out = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            throw new IllegalStateException("first line\n  second line\n");
        }));
        assertEquals(1, out.exitCode());
        assertEquals("ERROR config-changed: first line; second line\n", out.stderr());
        Output noMessage = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            throw new IllegalStateException();
        }));
        assertEquals("ERROR config-changed: IllegalStateException\n", noMessage.stderr());
        Output checked = configChanged(State.builder().build(), fw -> fw.observe(Event.class, e -> {
            throw new IOException("disk gone");
        }));
        assertEquals("ERROR config-changed: disk gone\n", checked.stderr());
    }

    @Test
    void failingCharmConstructorIsExitOne() {
        Output out = run(JujuEvent.install(), State.builder().build(), fw -> {
            throw new IllegalArgumentException("cannot build charm");
        });
        assertEquals(1, out.exitCode());
        assertEquals("ERROR install: cannot build charm\n", out.stderr());
    }

    @Test
    void storedStateRoundTripsThroughTheHarness() {
        Output out = configChanged(State.builder().stored("list", List.of(1, 2)).build(), fw -> fw.observe(Event.class,
                e -> fw.stored().put("map", Map.of("k", List.of(true)))));
        assertEquals(Map.of("list", List.of(1L, 2L), "map", Map.of("k", List.of(true))), out.state().storedState());
    }
}
