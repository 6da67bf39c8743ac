package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ActionTask;
import dev.charms.runner.tools.ToolFixture.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortStateActionToolsTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    @Test
    void portsAreBufferedAndListedAfterCommit() {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        f.ok(ctx, "open-port", "2379");
        f.ok(ctx, "open-port", "8000-8999/UDP", "--endpoints", "db");
        f.ok(ctx, "open-port", "icmp");
        assertEquals("\n", f.ok(ctx, "opened-ports"));
        assertTrue(ctx.commit().portsChanged());
        HookContext next = f.hook(f.etcd0, "update-status");
        assertEquals("icmp\n2379/tcp\n8000-8999/udp\n", f.ok(next, "opened-ports"));
        assertEquals("icmp (*)\n2379/tcp (*)\n8000-8999/udp (db)\n", f.ok(next, "opened-ports", "--endpoints"));
        assertEquals("[\"icmp\",\"2379/tcp\",\"8000-8999/udp\"]\n", f.ok(next, "opened-ports", "--format=json"));
        f.ok(next, "close-port", "2379/tcp");
        next.discard();
        assertEquals(3, f.etcd0.openedPorts().size());
        HookContext third = f.hook(f.etcd0, "update-status");
        f.ok(third, "close-port", "2379/tcp");
        third.commit();
        assertEquals(2, f.etcd0.openedPorts().size());
    }

    @Test
    void portErrors() {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        assertError(f.run(ctx, "open-port"), 2, "no port or range specified");
        assertError(f.run(ctx, "open-port", "http"), 2,
                "invalid port \"http\": strconv.Atoi: parsing \"http\": invalid syntax");
        Result warned = f.run(ctx, "open-port", "80", "--format=json");
        assertEquals(new Result(0, "", "--format flag deprecated for command \"open-port\""), warned);
        assertError(f.run(ctx, "open-port", "80/sctp"), 2, "invalid protocol \"sctp\", expected \"tcp\", \"udp\", or \"icmp\"");
        assertError(f.run(ctx, "open-port", "80", "81"), 2, "unrecognized args: [\"81\"]");
        assertEquals(1, f.run(ctx, "open-port", "80", "--endpoints", "nope").code());
    }

    @Test
    void stateIsBufferedWithQuotasAndStrict() {
        HookContext ctx = f.hook(f.etcd0, "install");
        assertEquals("", f.ok(ctx, "state-get"));
        assertEquals("null\n", f.ok(ctx, "state-get", "--format=json"));
        f.ok(ctx, "state-set", "a=1", "b=two");
        assertEquals("{\"a\":\"1\",\"b\":\"two\"}\n", f.ok(ctx, "state-get", "--format=json"));
        f.ok(ctx, "state-delete", "a");
        assertEquals("", f.ok(ctx, "state-get", "a"));
        assertError(f.run(ctx, "state-get", "a", "--strict"), 1, "\"a\" not found");
        assertError(f.run(ctx, "state-set", "k".repeat(257) + "=v"), 1, "max allowed key length (256) exceeded");
        assertError(f.run(ctx, "state-set", "k=" + "v".repeat(64 * 1024 + 1)), 1,
                "max allowed value length (65536) exceeded");
        assertEquals(0, f.run(ctx, "state-set", "k".repeat(256) + "=" + "v".repeat(64 * 1024)).code());
        assertEquals(0, f.run(ctx, "state-delete").code());
        assertEquals(Map.of(), f.etcd0.state());
        assertTrue(ctx.commit().stateChanged());
        assertEquals("two", f.etcd0.state().get("b"));
        assertFalse(f.etcd0.state().containsKey("a"));
        HookContext failing = f.hook(f.etcd0, "update-status");
        f.ok(failing, "state-set", "b=three");
        failing.discard();
        assertEquals("two", f.etcd0.state().get("b"));
    }

    @Test
    void stateSetFromStdinFile() {
        HookContext ctx = f.hook(f.etcd0, "install");
        assertEquals(0, f.runWithStdin(ctx, "a: 1\nb: hello\n", "state-set", "--file", "-", "b=override").code());
        assertEquals("a: \"1\"\nb: override\n", f.ok(ctx, "state-get"));
    }

    private HookContext action(String name, Map<String, Object> params) {
        ActionTask task = f.model.enqueueAction("etcd/1", name, params);
        task.start();
        return f.register(HookContext.action(f.model, f.etcd1, task).build());
    }

    @Test
    void actionGetSetFailLog() {
        HookContext ctx = action("snapshot", Map.of());
        assertEquals("{\"target\":\"/tmp\"}\n", f.ok(ctx, "action-get", "--format=json"));
        assertEquals("/tmp\n", f.ok(ctx, "action-get", "target"));
        assertEquals("", f.ok(ctx, "action-get", "target.deeper"));
        f.ok(ctx, "action-set", "result.path=/tmp/s.db", "result.size=10", "ok=yes");
        f.ok(ctx, "action-set", "result.size=11");
        f.ok(ctx, "action-log", "saving", "now");
        ActionTask task = ctx.action().orElseThrow();
        assertEquals(List.of("saving now"), task.log().stream().map(ActionTask.LogLine::message).toList());
        f.ok(ctx, "action-fail");
        task.finish(0, "out", "");
        assertEquals(ActionTask.State.FAILED, task.state());
        assertEquals("action failed without reason given, check action for errors", task.message());
        assertEquals(Map.of("result", Map.of("path", "/tmp/s.db", "size", "11"), "ok", "yes", "return-code", 0,
                "stdout", "out"), task.results());
    }

    @Test
    void actionSetValidation() {
        HookContext ctx = action("health", Map.of());
        assertEquals("{}\n", f.ok(ctx, "action-get", "--format=json"));
        assertError(f.run(ctx, "action-set", "novalue"), 2, "argument \"novalue\" must be of the form key...=value");
        assertError(f.run(ctx, "action-set", "Bad=1"), 2, "key \"Bad\" must start and end with lowercase alphanumeric, "
                + "and contain only lowercase alphanumeric, hyphens and periods");
        assertError(f.run(ctx, "action-set", "a..b=1"), 2, "key \"\" must start and end with lowercase alphanumeric, "
                + "and contain only lowercase alphanumeric, hyphens and periods");
        assertError(f.run(ctx, "action-set", "result.stdout=x"), 2, "cannot set reserved action key \"stdout\"");
        assertError(f.run(ctx, "action-set", "stdout=x"), 2, "cannot set reserved action key \"stdout\"");
        assertError(f.run(ctx, "action-set", "stderr-encoding.x=1"), 2, "cannot set reserved action key \"stderr-encoding\"");
        assertError(f.run(ctx, "action-log"), 2, "no message specified");
        assertError(f.run(ctx, "action-fail", "a", "b"), 2, "unrecognized args: [\"b\"]");
        f.ok(ctx, "action-fail", "disk full");
        ActionTask task = ctx.action().orElseThrow();
        task.finish(0, "", "");
        assertEquals("disk full", task.message());
        assertEquals("", ctx.environment("/c", "/t", "/s").get("JUJU_HOOK_NAME"));
    }

    @Test
    void actionToolsRefusedInHooks() {
        HookContext hook = f.hook(f.etcd0, "install");
        for (String tool : List.of("action-get", "action-set", "action-fail", "action-log")) {
            assertError(f.run(hook, tool, "a=b"), 1, "not running an action");
        }
    }

    @Test
    void nonZeroExitFailsTask() {
        HookContext ctx = action("health", Map.of());
        ActionTask task = ctx.action().orElseThrow();
        task.finish(3, "", "boom");
        assertEquals(ActionTask.State.FAILED, task.state());
        assertEquals("exit status 3", task.message());
        assertEquals("boom", task.results().get("stderr"));
    }
}
