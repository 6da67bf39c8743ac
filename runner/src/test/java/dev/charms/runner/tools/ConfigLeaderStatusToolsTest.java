package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLeaderStatusToolsTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    @Test
    void configGetFormats() {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        assertEquals("{\"name\":\"etcd\",\"port\":2379,\"ratio\":0.5,\"tls\":true}\n", f.ok(ctx, "config-get", "--format=json"));
        assertEquals("name: etcd\nport: 2379\nratio: 0.5\ntls: true\n", f.ok(ctx, "config-get"));
        assertEquals("{\"name\":\"etcd\",\"port\":2379,\"ratio\":0.5,\"tls\":true,\"token\":null}\n",
                f.ok(ctx, "config-get", "--all", "--format", "json"));
        assertEquals("name: etcd\nport: 2379\nratio: 0.5\ntls: true\ntoken: null\n", f.ok(ctx, "config-get", "-a"));
        assertEquals("2379\n", f.ok(ctx, "config-get", "port"));
        assertEquals("True\n", f.ok(ctx, "config-get", "tls"));
        assertEquals("true\n", f.ok(ctx, "config-get", "tls", "--format=json"));
        assertEquals("", f.ok(ctx, "config-get", "nope"));
        assertEquals("null\n", f.ok(ctx, "config-get", "nope", "--format=json"));
        assertError(f.run(ctx, "config-get", "port", "--all"), 2, "cannot use argument --all together with key \"port\"");
        assertError(f.run(ctx, "config-get", "--format=xml"), 2,
                "invalid value \"xml\" for option --format: unknown format \"xml\"");
        f.etcd0.application().setConfig(Map.of("port", "4001", "token", "123"));
        assertEquals("4001\n", f.ok(ctx, "config-get", "port"));
        assertEquals("\"123\"\n", f.ok(ctx, "config-get", "token", "--format=yaml"));
        assertEquals("\"123\"\n", f.ok(ctx, "config-get", "token", "--format=json"));
    }

    @Test
    void outputFlagWritesFile() throws Exception {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        Path out = tmp.resolve("out.json");
        assertEquals("", f.ok(ctx, "config-get", "port", "--format=json", "-o", out.toString()));
        assertEquals("2379\n", java.nio.file.Files.readString(out));
    }

    @Test
    void isLeaderIsStickyFalseWithinContext() {
        HookContext ctx = f.hook(f.etcd1, "update-status");
        assertEquals("False\n", f.ok(ctx, "is-leader"));
        f.etcd0.application().setLeader("etcd/1");
        assertEquals("false\n", f.ok(ctx, "is-leader", "--format=json"));
        HookContext fresh = f.hook(f.etcd1, "update-status");
        assertEquals("True\n", f.ok(fresh, "is-leader"));
        f.etcd0.application().setLeader("etcd/0");
        assertEquals("False\n", f.ok(fresh, "is-leader"));
        f.etcd0.application().setLeader("etcd/1");
        assertEquals("False\n", f.ok(fresh, "is-leader"));
        assertError(f.run(fresh, "is-leader", "x"), 2, "unrecognized args: [\"x\"]");
    }

    @Test
    void leaderSetIsImmediateAndLeaderOnly() {
        HookContext leader = f.hook(f.etcd0, "leader-elected");
        long v = f.etcd0.application().leaderSettingsVersion();
        f.ok(leader, "leader-set", "token=abc", "cluster=c1");
        leader.discard();
        assertEquals(v + 1, f.etcd0.application().leaderSettingsVersion());
        HookContext other = f.hook(f.etcd1, "leader-settings-changed");
        assertEquals("abc\n", f.ok(other, "leader-get", "token"));
        assertEquals("{\"cluster\":\"c1\",\"token\":\"abc\"}\n", f.ok(other, "leader-get", "--format=json"));
        assertEquals("cluster: c1\ntoken: abc\n", f.ok(other, "leader-get", "-"));
        assertError(f.run(other, "leader-set", "a=b"), 1,
                "cannot write leadership settings: cannot write settings: not the leader");
        assertError(f.run(other, "leader-get", "a=b"), 2, "invalid key \"a=b\"");
        assertError(f.run(leader(), "leader-set", "junk"), 2, "expected \"key=value\", got \"junk\"");
    }

    private HookContext leader() {
        return f.hook(f.etcd0, "config-changed");
    }

    @Test
    void statusSetAndGet() {
        HookContext ctx = f.hook(f.etcd1, "start");
        f.ok(ctx, "status-set", "active", "ready");
        ctx.discard();
        assertEquals("active", f.etcd1.workloadStatus().status());
        assertEquals("ready", f.etcd1.workloadStatus().message());
        HookContext c2 = f.hook(f.etcd1, "update-status");
        assertEquals("active\n", f.ok(c2, "status-get"));
        assertEquals("{\"status\":\"active\"}\n", f.ok(c2, "status-get", "--format=json"));
        assertEquals("{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}\n",
                f.ok(c2, "status-get", "--include-data", "--format=json"));
        assertEquals("message: ready\nstatus: active\nstatus-data: {}\n", f.ok(c2, "status-get", "--include-data"));
        assertError(f.run(c2, "status-set", "error"), 2,
                "invalid status \"error\", expected one of [maintenance blocked waiting active]");
        assertError(f.run(c2, "status-set"), 2, "invalid args, require <status> [message]");
        assertError(f.run(c2, "status-set", "active", "a", "b"), 2, "unrecognized args: [\"b\"]");
        assertError(f.run(c2, "status-set", "--application", "active"), 1, "this unit is not the leader");
        assertError(f.run(c2, "status-get", "--application"), 1,
                "finding application status: this unit is not the leader");
    }

    @Test
    void applicationStatusNestsUnits() {
        HookContext ctx = f.hook(f.etcd0, "update-status");
        f.ok(ctx, "status-set", "--application", "blocked", "need 3 units");
        f.ok(ctx, "status-set", "maintenance", "");
        assertEquals("blocked", f.etcd0.application().status().status());
        assertEquals("blocked\n", f.ok(ctx, "status-get", "--application"));
        assertEquals("{\"application-status\":{\"status\":\"blocked\",\"units\":{\"etcd/0\":{\"status\":\"maintenance\"},"
                + "\"etcd/1\":{\"status\":\"waiting\"},\"etcd/2\":{\"status\":\"waiting\"}}}}\n",
                f.ok(ctx, "status-get", "--application", "--format=json"));
        String json = f.ok(ctx, "status-get", "--application", "--include-data", "--format=json");
        assertEquals("{\"application-status\":{\"message\":\"need 3 units\",\"status\":\"blocked\",\"status-data\":{},"
                + "\"units\":{\"etcd/0\":{\"message\":\"\",\"status\":\"maintenance\",\"status-data\":{}},"
                + "\"etcd/1\":{\"message\":\"waiting for machine\",\"status\":\"waiting\",\"status-data\":{}},"
                + "\"etcd/2\":{\"message\":\"waiting for machine\",\"status\":\"waiting\",\"status-data\":{}}}}}\n", json);
    }

    @Test
    void applicationVersionSet() {
        HookContext ctx = f.hook(f.etcd0, "start");
        f.ok(ctx, "application-version-set", "3.4.23");
        assertEquals("3.4.23", f.etcd0.workloadVersion());
        assertError(f.run(ctx, "application-version-set"), 2, "no version specified");
    }
}
