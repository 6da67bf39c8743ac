package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;
import dev.charms.runner.model.ActionTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookToolServerTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    private ToolResponse send(String unit, String contextId, String tool, String... args) {
        return f.server.handle(new ToolRequest(unit, tool, List.of(args),
                contextId == null ? Map.of() : Map.of("JUJU_CONTEXT_ID", contextId), "/", null));
    }

    @Test
    void unknownOrForeignContextIsRejected() {
        HookContext ctx = f.hook(f.etcd0, "install");
        ToolResponse r = send("etcd/0", "etcd/0-install-999", "is-leader");
        assertEquals(1, r.code());
        assertEquals("ERROR bad request: wrong context ID; got \"etcd/0-install-999\"\n",
                new String(r.stderr(), StandardCharsets.UTF_8));
        assertEquals(1, send("etcd/1", ctx.id(), "is-leader").code());
        assertEquals(1, send("etcd/0", null, "is-leader").code());
        assertEquals(0, send("etcd/0", ctx.id(), "is-leader").code());
        f.server.unregister(ctx);
        assertEquals(1, send("etcd/0", ctx.id(), "is-leader").code());
    }

    @Test
    void unknownToolAndSystemdForwarding() {
        HookContext ctx = f.hook(f.etcd0, "install");
        assertError(f.run(ctx, "credential-get"), 1, "bad request: unknown command: credential-get");
        ToolResponse r = send("etcd/2", null, "systemctl", "is-active", "etcd");
        assertEquals("systemd etcd/2 systemctl", new String(r.stdout(), StandardCharsets.UTF_8));
        assertTrue(f.server.toolNames().containsAll(List.of("relation-get", "secret-info-get", "journalctl",
                "state-delete", "storage-get", "opened-ports", "juju-reboot", "goal-state")));
    }

    @Test
    void stdinIsRequestedOnlyWhenNeeded() {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        ToolRequest req = new ToolRequest("etcd/0", "relation-set", List.of("--file", "-"),
                Map.of("JUJU_CONTEXT_ID", ctx.id()), "/", null);
        assertTrue(f.server.handle(req).needsStdin());
        ToolResponse r = f.server.handle(req.withStdin("k: v\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, r.code());
        assertEquals("v\n", f.ok(ctx, "relation-get", "k", "etcd/0"));
        assertFalse(f.server.handle(new ToolRequest("etcd/0", "relation-set", List.of("a=b"),
                Map.of("JUJU_CONTEXT_ID", ctx.id()), "/", null)).needsStdin());
    }

    @Test
    void eachAnsweredCallIsCountedOnceByTool() {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        assertEquals("0 hook-tool calls", ctx.toolCallSummary());
        send("etcd/0", ctx.id(), "is-leader");
        send("etcd/0", ctx.id(), "relation-get", "-", "etcd/1");
        send("etcd/0", ctx.id(), "relation-get", "-", "etcd/0");
        ToolRequest set = new ToolRequest("etcd/0", "relation-set", List.of("--file", "-"),
                Map.of("JUJU_CONTEXT_ID", ctx.id()), "/", null);
        assertTrue(f.server.handle(set).needsStdin());
        assertEquals(0, f.server.handle(set.withStdin("k: v\n".getBytes(StandardCharsets.UTF_8))).code());
        assertTrue(send("etcd/0", ctx.id(), "relation-get", "-r", "99", "-", "etcd/1").code() != 0);
        send("etcd/0", null, "systemctl", "is-active", "etcd");
        assertEquals(Map.of("is-leader", 1, "relation-get", 3, "relation-set", 1), ctx.toolCalls(),
                "a failed call counts, a call resent with its stdin counts once, systemctl is no hook tool");
        assertEquals("5 hook-tool calls (is-leader 1, relation-get 3, relation-set 1)", ctx.toolCallSummary());
    }

    @Test
    void helpPrintsUsage() {
        HookContext ctx = f.hook(f.etcd0, "install");
        assertTrue(f.ok(ctx, "relation-get", "--help").startsWith("Usage: relation-get [options]"));
    }

    @Test
    void hookEnvironment() {
        f.etcd1.setMachineId("4");
        HookContext ctx = HookContext.hook(f.model, f.etcd1, "cluster-relation-changed")
                .relation(f.peers, "etcd/2", null).build();
        Map<String, String> env = ctx.environment("/var/lib/juju/agents/unit-etcd-1/charm",
                "/var/lib/juju/tools/unit-etcd-1", "/var/lib/juju/agents/unit-etcd-1/agent.socket");
        assertEquals("/var/lib/juju/agents/unit-etcd-1/charm", env.get("CHARM_DIR"));
        assertEquals(env.get("CHARM_DIR"), env.get("JUJU_CHARM_DIR"));
        assertTrue(env.get("JUJU_CONTEXT_ID").startsWith("etcd/1-cluster-relation-changed-"));
        assertEquals("cluster-relation-changed", env.get("JUJU_HOOK_NAME"));
        assertEquals("hooks/cluster-relation-changed", env.get("JUJU_DISPATCH_PATH"));
        assertEquals("/var/lib/juju/agents/unit-etcd-1/agent.socket", env.get("JUJU_AGENT_SOCKET_ADDRESS"));
        assertEquals("unix", env.get("JUJU_AGENT_SOCKET_NETWORK"));
        assertEquals("etcd/1", env.get("JUJU_UNIT_NAME"));
        assertEquals("test", env.get("JUJU_MODEL_NAME"));
        assertEquals(f.model.uuid(), env.get("JUJU_MODEL_UUID"));
        assertEquals("4", env.get("JUJU_MACHINE_ID"));
        assertEquals("", env.get("JUJU_PRINCIPAL_UNIT"));
        assertEquals("3.6.4", env.get("JUJU_VERSION"));
        assertEquals("cluster", env.get("JUJU_RELATION"));
        assertEquals("cluster:0", env.get("JUJU_RELATION_ID"));
        assertEquals("etcd/2", env.get("JUJU_REMOTE_UNIT"));
        assertEquals("etcd", env.get("JUJU_REMOTE_APP"));
        assertFalse(env.containsKey("JUJU_DEPARTING_UNIT"));
        assertFalse(env.containsKey("JUJU_ACTION_NAME"));
        assertTrue(env.get("PATH").startsWith("/var/lib/juju/tools/unit-etcd-1:/usr/local/sbin:"));
        assertEquals("C.UTF-8", env.get("LANG"));
        assertEquals("tmux-256color", env.get("TERM"));
        assertEquals("noninteractive", env.get("DEBIAN_FRONTEND"));
        assertEquals("none", env.get("APT_LISTCHANGES_FRONTEND"));
        assertEquals("", env.get("JUJU_CHARM_HTTPS_PROXY"));
        assertFalse(env.containsKey("HOME"));
    }

    @Test
    void actionEnvironmentAndVersion() {
        f.model.setJujuVersion("2.9.49");
        ActionTask task = f.model.enqueueAction("etcd/0", "health", Map.of());
        HookContext ctx = HookContext.action(f.model, f.etcd0, task).build();
        Map<String, String> env = ctx.environment("/c", "/t", "/s");
        assertEquals("", env.get("JUJU_HOOK_NAME"));
        assertEquals("actions/health", env.get("JUJU_DISPATCH_PATH"));
        assertEquals("health", env.get("JUJU_ACTION_NAME"));
        assertEquals(task.id(), env.get("JUJU_ACTION_UUID"));
        assertEquals("action-" + task.id(), env.get("JUJU_ACTION_TAG"));
        assertFalse(env.containsKey("JUJU_ACTION_ID"));
        assertFalse(env.containsKey("JUJU_RELATION"));
        assertEquals("2.9.49", env.get("JUJU_VERSION"));
    }

    @Test
    void createdAndBrokenContexts() {
        HookContext created = HookContext.hook(f.model, f.etcd0, "db-relation-created").relation(f.db, null, null).build();
        Map<String, String> env = created.environment("/c", "/t", "/s");
        assertEquals("", env.get("JUJU_REMOTE_UNIT"));
        assertEquals("client", env.get("JUJU_REMOTE_APP"));
        assertEquals("db:1", env.get("JUJU_RELATION_ID"));
        HookContext broken = f.register(HookContext.hook(f.model, f.etcd0, "db-relation-broken")
                .relation(f.db, null, null).build());
        assertEquals("\n", f.ok(broken, "relation-list"));
        assertEquals("[]\n", f.ok(broken, "relation-list", "--format=json"));
    }

    @Test
    void commitTwiceIsAnError() {
        HookContext ctx = f.hook(f.etcd0, "install");
        ctx.commit();
        assertThrows(IllegalStateException.class, ctx::commit);
    }
}
