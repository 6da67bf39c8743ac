package dev.charms.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link ProcessHookTools} against real executables printing Juju's documented output formats. */
class ProcessHookToolsTest {
    @TempDir
    Path tmp;
    FakeToolDir fake;
    ProcessHookTools tools;

    @BeforeEach
    void setUp() {
        fake = new FakeToolDir(tmp);
        tools = fake.tools();
    }

    @Test
    void configGetKeepsJsonTypes() {
        fake.tool("config-get", "{\"port\":2379,\"bind_to_all_interfaces\":true,\"ratio\":0.5,\"name\":\"x\"}\n");
        Map<String, Object> config = tools.configGet();
        assertEquals(List.of("--format=json"), fake.args("config-get"));
        assertEquals(2379L, config.get("port"));
        assertEquals(Boolean.TRUE, config.get("bind_to_all_interfaces"));
        assertEquals(0.5, config.get("ratio"));
        assertEquals("x", config.get("name"));
    }

    @Test
    void configGetWithNothingSetIsEmpty() {
        fake.tool("config-get", "null\n");
        assertTrue(tools.configGet().isEmpty());
    }

    @Test
    void isLeaderParsesJsonBoolean() {
        fake.tool("is-leader", "true\n");
        assertTrue(tools.isLeader());
        assertEquals(List.of("--format=json"), fake.args("is-leader"));
        fake.tool("is-leader", "false\n");
        assertFalse(tools.isLeader());
        fake.tool("is-leader", "True\n");
        HookToolException e = assertThrows(HookToolException.class, tools::isLeader);
        assertTrue(e.getMessage().contains("malformed output"), e.getMessage());
    }

    @Test
    void relationIdsAndList() {
        fake.tool("relation-ids", "[\"cluster:0\"]\n");
        assertEquals(List.of("cluster:0"), tools.relationIds("cluster"));
        assertEquals(List.of("--format=json", "cluster"), fake.args("relation-ids"));

        fake.tool("relation-list", "[\"etcd/1\",\"etcd/2\"]\n");
        assertEquals(List.of("etcd/1", "etcd/2"), tools.relationList(3));
        assertEquals(List.of("--format=json", "-r", "3"), fake.args("relation-list"));

        fake.tool("relation-list", "\"kube\"\n");
        assertEquals("kube", tools.relationRemoteApp(4));
        assertEquals(List.of("--app", "--format=json", "-r", "4"), fake.args("relation-list"));
    }

    @Test
    void emptyListsAreEmpty() {
        fake.tool("relation-ids", "[]\n");
        assertTrue(tools.relationIds("db").isEmpty());
        fake.tool("opened-ports", "\n");
        assertTrue(tools.openedPorts().isEmpty());
    }

    @Test
    void relationGetUnitAndApp() {
        fake.tool("relation-get", "{\"egress-subnets\":\"10.0.0.5/32\",\"ingress-address\":\"10.0.0.5\"}\n");
        Map<String, String> bag = tools.relationGet(0, "etcd/1", false);
        assertEquals("10.0.0.5", bag.get("ingress-address"));
        assertEquals(List.of("--format=json", "-r", "0", "-", "etcd/1"), fake.args("relation-get"));

        fake.tool("relation-get", "{}\n");
        assertTrue(tools.relationGet(0, "etcd", true).isEmpty());
        assertEquals(List.of("--format=json", "-r", "0", "--app", "-", "etcd"), fake.args("relation-get"));
    }

    @Test
    void relationSetSendsDataOnStdinNotArgv() {
        fake.tool("relation-set", "");
        Map<String, String> data = new LinkedHashMap<>();
        data.put("token", "s3cr3t value");
        data.put("gone", "");
        tools.relationSet(7, data, true);
        assertEquals(List.of("-r", "7", "--app", "--file", "-"), fake.args("relation-set"));
        assertEquals(Map.of("token", "s3cr3t value", "gone", ""), Json.parse(fake.read("relation-set.stdin")));
        tools.relationSet(7, Map.of("a", "b"), false);
        assertEquals(List.of("-r", "7", "--file", "-"), fake.args("relation-set"));
    }

    @Test
    void statusVersionPortsAndLog() {
        fake.tool("status-set", "").tool("application-version-set", "").tool("open-port", "")
                .tool("close-port", "").tool("opened-ports", "[\"2379/tcp\",\"8000-8999/udp\"]\n").tool("juju-log", "");
        tools.statusSet("blocked", "port: must be 1024-65535", false);
        assertEquals(List.of("blocked", "port: must be 1024-65535"), fake.args("status-set"));
        tools.statusSet("active", "", true);
        assertEquals(List.of("--application", "active", ""), fake.args("status-set"));
        tools.applicationVersionSet("3.4.23");
        assertEquals(List.of("3.4.23"), fake.args("application-version-set"));
        tools.openPort(2379, "tcp");
        assertEquals(List.of("2379/tcp"), fake.args("open-port"));
        tools.closePort(2380, "udp");
        assertEquals(List.of("2380/udp"), fake.args("close-port"));
        assertEquals(List.of("2379/tcp", "8000-8999/udp"), tools.openedPorts());
        assertEquals(List.of("--format=json"), fake.args("opened-ports"));
        tools.jujuLog("WARNING", "-starts with a dash");
        assertEquals(List.of("--log-level", "WARNING", "--", "-starts with a dash"), fake.args("juju-log"));
    }

    @Test
    void networkGetParsesJujuJson() {
        fake.tool("network-get", "{\"bind-addresses\":[{\"mac-address\":\"00:16:3e:aa:bb:cc\",\"interface-name\":"
                + "\"eth0\",\"addresses\":[{\"hostname\":\"\",\"value\":\"10.0.0.5\",\"cidr\":\"10.0.0.0/24\"}]}],"
                + "\"egress-subnets\":[\"10.0.0.5/32\"],\"ingress-addresses\":[\"10.0.0.6\"]}\n");
        Network n = Network.parse(tools.networkGet("cluster"));
        assertEquals(List.of("--format=json", "cluster"), fake.args("network-get"));
        assertEquals("10.0.0.5", n.bindAddress());
        assertEquals("10.0.0.6", n.ingressAddress());
        assertEquals(List.of("10.0.0.5/32"), n.egressSubnets());
    }

    @Test
    void actionTools() {
        fake.tool("action-get", "{\"target\":\"/tmp\",\"nested\":{\"a\":1}}\n").tool("action-set", "")
                .tool("action-fail", "").tool("action-log", "");
        assertEquals("/tmp", tools.actionGet().get("target"));
        assertEquals(List.of("--format=json"), fake.args("action-get"));
        Map<String, String> results = new LinkedHashMap<>();
        results.put("members.etcd-0.status", "ok");
        results.put("count", "3");
        tools.actionSet(results);
        assertEquals(List.of("members.etcd-0.status=ok", "count=3"), fake.args("action-set"));
        tools.actionFail("bad target");
        assertEquals(List.of("bad target"), fake.args("action-fail"));
        tools.actionLog("saving");
        assertEquals(List.of("saving"), fake.args("action-log"));
    }

    @Test
    void emptyActionSetRunsNothing() {
        tools.actionSet(Map.of());
        assertFalse(fake.exists("action-set.args"));
    }

    @Test
    void secretAddPassesContentInPrivateFileThatIsRemoved() {
        fake.tool("secret-add", "secret:cu7d2b4mp25c76ki3ng0\n");
        String uri = tools.secretAdd(Map.of("ca-key", "PRIVATE-KEY-MATERIAL"), "ca", "cluster CA", "application");
        assertEquals("secret:cu7d2b4mp25c76ki3ng0", uri);
        List<String> args = fake.args("secret-add");
        String path = fake.read("secret-add.filepath");
        assertEquals(List.of("--file", path, "--label", "ca", "--description", "cluster CA", "--owner", "application"),
                args);
        assertFalse(String.join(" ", args).contains("PRIVATE-KEY-MATERIAL"));
        assertEquals("600", fake.read("secret-add.filemode").strip());
        assertEquals(Map.of("ca-key", "PRIVATE-KEY-MATERIAL"), Json.parse(fake.read("secret-add.filecopy")));
        assertFalse(Files.exists(Path.of(path)), "temporary secret file must be removed");
    }

    @Test
    void secretAddWithoutOptionalFlags() {
        fake.tool("secret-add", "secret:abc\n");
        tools.secretAdd(Map.of("key", "v"), null, null, null);
        assertEquals(List.of("--file", fake.read("secret-add.filepath")), fake.args("secret-add"));
    }

    @Test
    void failedSecretSetLeaksNothingAndRemovesFile() {
        fake.tool("secret-set", "", "ERROR this unit is not the leader\n", 1);
        HookToolException e = assertThrows(HookToolException.AccessDenied.class,
                () -> tools.secretSet("secret:abc", Map.of("ca-key", "PRIVATE-KEY-MATERIAL")));
        assertFalse(e.getMessage().contains("PRIVATE-KEY-MATERIAL"));
        assertEquals("secret-set failed (exit 1): this unit is not the leader", e.getMessage());
        List<String> args = fake.args("secret-set");
        assertEquals(List.of("secret:abc", "--file", fake.read("secret-set.filepath")), args);
        assertFalse(Files.exists(Path.of(fake.read("secret-set.filepath"))));
    }

    @Test
    void secretGrantAndRemove() {
        fake.tool("secret-grant", "");
        fake.tool("secret-remove", "");
        tools.secretGrant("secret:abc", 7);
        tools.secretRemove("secret:abc");
        assertEquals(List.of("secret:abc", "-r", "7"), fake.args("secret-grant"));
        assertEquals(List.of("secret:abc"), fake.args("secret-remove"));
    }

    @Test
    void secretGetAndIds() {
        fake.tool("secret-get", "{\"ca-key\":\"K\"}\n");
        assertEquals(Map.of("ca-key", "K"), tools.secretGet("secret:abc", "ca", true));
        assertEquals(List.of("--format=json", "secret:abc", "--label", "ca", "--refresh"), fake.args("secret-get"));
        tools.secretGet(null, "ca", false);
        assertEquals(List.of("--format=json", "--label", "ca"), fake.args("secret-get"));
        fake.tool("secret-ids", "[\"secret:abc\"]\n");
        assertEquals(List.of("secret:abc"), tools.secretIds());
        assertEquals(List.of("--format=json"), fake.args("secret-ids"));
        fake.tool("secret-remove", "");
        tools.secretRemove("secret:abc");
        assertEquals(List.of("secret:abc"), fake.args("secret-remove"));
    }

    @Test
    void secretNotFound() {
        fake.tool("secret-get", "", "ERROR secret \"secret:zzz\" not found\n", 1);
        HookToolException e = assertThrows(HookToolException.SecretNotFound.class,
                () -> tools.secretGet("secret:zzz", null, false));
        assertEquals(1, e.exitCode());
        assertEquals("secret-get failed (exit 1): secret \"secret:zzz\" not found", e.getMessage());
    }

    @Test
    void goalStateIsAskedForInJson() {
        fake.tool("goal-state", "{\"units\":{\"etcd/0\":{\"status\":\"active\",\"since\":\"2026-01-01T00:00:00Z\"}},\"relations\":{}}\n");
        assertEquals(Map.of("units", Map.of("etcd/0", Map.of("status", "active", "since", "2026-01-01T00:00:00Z")),
                "relations", Map.of()), tools.goalState());
        assertEquals(List.of("--format=json"), fake.args("goal-state"));
    }

    @Test
    void resourceGetHasNoTrailingNewline() {
        fake.tool("resource-get", "/var/lib/juju/agents/unit-etcd-0/resources/etcd/etcd.tar.gz");
        assertEquals("/var/lib/juju/agents/unit-etcd-0/resources/etcd/etcd.tar.gz", tools.resourceGet("etcd"));
        assertEquals(List.of("etcd"), fake.args("resource-get"));
        fake.tool("resource-get", "", "ERROR could not download resource: HTTP request failed: not found\n", 1);
        HookToolException e = assertThrows(HookToolException.class, () -> tools.resourceGet("etcd"));
        assertEquals("resource-get failed (exit 1): could not download resource: HTTP request failed: not found",
                e.getMessage());
    }

    @Test
    void relationNotFoundIsUsageErrorExit2() {
        fake.tool("relation-get", "", "ERROR invalid value \"9\" for option -r: relation not found\n", 2);
        HookToolException e = assertThrows(HookToolException.RelationNotFound.class,
                () -> tools.relationGet(9, "etcd/1", false));
        assertEquals(2, e.exitCode());
        assertTrue(e.isUsageError());
        assertEquals("relation-get", e.tool());
        assertEquals("relation-get failed (exit 2): invalid value \"9\" for option -r: relation not found",
                e.getMessage());
    }

    @Test
    void appBagWriteByNonLeaderIsAccessDenied() {
        fake.tool("relation-set", "", "ERROR cannot write relation settings\n", 1);
        HookToolException e = assertThrows(HookToolException.AccessDenied.class,
                () -> tools.relationSet(0, Map.of("a", "b"), true));
        assertFalse(e.isUsageError());
        assertEquals("relation-set failed (exit 1): cannot write relation settings", e.getMessage());
    }

    @Test
    void applicationStatusByNonLeaderIsAccessDenied() {
        fake.tool("status-set", "", "ERROR this unit is not the leader\n", 1);
        assertThrows(HookToolException.AccessDenied.class, () -> tools.statusSet("active", "", true));
    }

    @Test
    void otherErrorsKeepToolTextAndCode() {
        fake.tool("status-set", "", "ERROR invalid status \"error\", expected one of [maintenance blocked waiting"
                + " active]\n", 2);
        HookToolException e = assertThrows(HookToolException.class, () -> tools.statusSet("error", "x", false));
        assertEquals(HookToolException.class, e.getClass());
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().endsWith("invalid status \"error\", expected one of [maintenance blocked waiting"
                + " active]"));
    }

    @Test
    void errorWithoutTextSaysSo() {
        fake.tool("is-leader", "", "", 1);
        HookToolException e = assertThrows(HookToolException.class, tools::isLeader);
        assertEquals("is-leader failed (exit 1): no error message", e.getMessage());
    }

    @Test
    void errorMessageIsFirstLineWithoutPrefix() {
        assertEquals("boom", ProcessHookTools.errorMessage("\n  ERROR boom\nmore\n"));
        assertEquals("plain text", ProcessHookTools.errorMessage("plain text\n"));
    }

    @Test
    void malformedJsonIsReported() {
        fake.tool("config-get", "{\"port\": 2379,\n");
        HookToolException e = assertThrows(HookToolException.class, tools::configGet);
        assertTrue(e.getMessage().startsWith("config-get failed (exit 0): malformed output: malformed JSON"),
                e.getMessage());
        fake.tool("relation-ids", "{\"a\":1}\n");
        assertTrue(assertThrows(HookToolException.class, () -> tools.relationIds("x")).getMessage()
                .endsWith("malformed output: expected a JSON list"));
        fake.tool("relation-ids", "[1]\n");
        assertTrue(assertThrows(HookToolException.class, () -> tools.relationIds("x")).getMessage()
                .endsWith("malformed output: expected a list of strings"));
        fake.tool("network-get", "[]\n");
        assertTrue(assertThrows(HookToolException.class, () -> tools.networkGet("x")).getMessage()
                .endsWith("malformed output: expected a JSON object"));
        fake.tool("relation-list", "[]\n");
        assertTrue(assertThrows(HookToolException.class, () -> tools.relationRemoteApp(0)).getMessage()
                .endsWith("malformed output: expected an application name"));
    }

    @Test
    void missingToolIsExit127() {
        HookToolException e = assertThrows(HookToolException.class, tools::isLeader);
        assertEquals(127, e.exitCode());
        assertEquals("is-leader failed (exit 127): cannot run is-leader: not found on PATH or not executable",
                e.getMessage());
    }

    @Test
    void hungToolIsStoppedAfterTimeout() {
        fake.hangingTool("is-leader");
        long start = System.nanoTime();
        HookToolException e = assertThrows(HookToolException.class,
                () -> new ProcessHookTools(tmp, 500).isLeader());
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(124, e.exitCode());
        assertEquals("is-leader failed (exit 124): no answer within 0.5 s", e.getMessage());
        assertTrue(millis < 5000, "took " + millis + " ms");
    }

    @Test
    void largeStdinToAToolThatNeverReadsItDoesNotBlock() {
        fake.tool("relation-set", "", "ERROR cannot write relation settings\n", 1);
        Path script = tmp.resolve("relation-set");
        HookToolException e = assertThrows(HookToolException.class, () -> {
            Files.writeString(script, "#!/bin/sh\necho 'ERROR cannot write relation settings' >&2\nexit 1\n");
            tools.relationSet(0, Map.of("big", "x".repeat(1_000_000)), false);
        });
        assertInstanceOf(HookToolException.AccessDenied.class, e);
    }
}
