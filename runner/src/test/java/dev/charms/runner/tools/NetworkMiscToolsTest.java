package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.StorageAttachment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkMiscToolsTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    @Test
    void unitGet() {
        HookContext ctx = f.hook(f.etcd1, "install");
        assertEquals("10.90.0.11\n", f.ok(ctx, "unit-get", "private-address"));
        assertEquals("\"10.90.0.11\"\n", f.ok(ctx, "unit-get", "public-address", "--format=json"));
        assertError(f.run(ctx, "unit-get", "zone"), 2, "unknown setting \"zone\"");
        assertError(f.run(ctx, "unit-get"), 2, "no setting specified");
        HookContext noAddress = f.hook(f.model.addUnit("etcd"), "install");
        assertError(f.run(noAddress, "unit-get", "public-address"), 1, "public address not found");
    }

    @Test
    void networkGetFullAndSingleValues() {
        HookContext ctx = f.hook(f.etcd1, "install");
        assertEquals("{\"bind-addresses\":[{\"addresses\":[{\"cidr\":\"10.90.0.0/24\",\"hostname\":\"\",\"value\":\"10.90.0.11\"}],"
                + "\"interface-name\":\"eth0\",\"mac-address\":\"\"}],\"egress-subnets\":[\"10.90.0.11/32\"],"
                + "\"ingress-addresses\":[\"10.90.0.11\"]}\n", f.ok(ctx, "network-get", "cluster", "--format=json"));
        assertEquals("""
                bind-addresses:
                - addresses:
                  - address: 10.90.0.11
                    cidr: 10.90.0.0/24
                    hostname: ""
                    value: 10.90.0.11
                  interface-name: eth0
                  interfacename: eth0
                  mac-address: ""
                  macaddress: ""
                egress-subnets:
                - 10.90.0.11/32
                ingress-addresses:
                - 10.90.0.11
                """, f.ok(ctx, "network-get", "admin"));
        assertEquals("10.90.0.11\n", f.ok(ctx, "network-get", "db", "--bind-address"));
        assertEquals("[\"10.90.0.11/32\"]\n", f.ok(ctx, "network-get", "db", "--egress-subnets", "--format=json"));
        assertEquals("{\"bind-address\":\"10.90.0.11\",\"ingress-address\":\"10.90.0.11\"}\n",
                f.ok(ctx, "network-get", "db", "--ingress-address", "--bind-address", "--format=json"));
        assertEquals("10.90.0.11\n", f.ok(ctx, "network-get", "-r", "1", "db", "--ingress-address"));
        assertError(f.run(ctx, "network-get"), 2, "no arguments specified");
        assertError(f.run(ctx, "network-get", "nope"), 1, "no network config found for binding \"nope\"");
        assertError(f.run(ctx, "network-get", "db", "x"), 2, "unrecognized args: [\"x\"]");
    }

    @Test
    void resourceGetPrintsPathInsideUnitWithoutNewline() {
        HookContext ctx = f.hook(f.etcd1, "install");
        assertError(f.run(ctx, "resource-get", "etcd"), 1, "could not download resource: resource#etcd/etcd not found");
        f.etcd1.application().attachResource("etcd", tmp.resolve("etcd-v3.5.tar.gz"));
        assertEquals("/var/lib/juju/agents/unit-etcd-1/resources/etcd/etcd.tar.gz", f.ok(ctx, "resource-get", "etcd"));
        assertError(f.run(ctx, "resource-get"), 2, "missing required resource name");
        assertError(f.run(ctx, "resource-get", "--format=json", "etcd"), 2, "option provided but not defined: --format");
    }

    @Test
    void storageGet() {
        f.etcd1.attachStorage(new StorageAttachment("data/0", "filesystem", "/var/lib/etcd"));
        HookContext hook = f.register(HookContext.hook(f.model, f.etcd1, "data-storage-attached").storage("data/0").build());
        assertEquals("kind: filesystem\nlocation: /var/lib/etcd\n", f.ok(hook, "storage-get"));
        assertEquals("/var/lib/etcd\n", f.ok(hook, "storage-get", "location"));
        assertError(f.run(hook, "storage-get", "size"), 1, "invalid storage attribute \"size\"");
        Map<String, String> env = hook.environment("/c", "/t", "/s");
        assertEquals("data/0", env.get("JUJU_STORAGE_ID"));
        assertEquals("/var/lib/etcd", env.get("JUJU_STORAGE_LOCATION"));
        assertEquals("filesystem", env.get("JUJU_STORAGE_KIND"));
        HookContext plain = f.hook(f.etcd1, "install");
        assertError(f.run(plain, "storage-get"), 2, "no storage instance specified");
        assertEquals("{\"kind\":\"filesystem\",\"location\":\"/var/lib/etcd\"}\n",
                f.ok(plain, "storage-get", "-s", "data/0", "--format=json"));
    }

    @Test
    void jujuLogGoesToSinkWithLevelAndRelationPrefix() {
        HookContext rel = f.relationHook(f.etcd1, "cluster-relation-changed", f.peers, "etcd/0");
        f.ok(rel, "juju-log", "-l", "WARNING", "--", "peer", "-x", "lagging");
        f.ok(rel, "juju-log", "--debug", "hi");
        f.ok(rel, "juju-log", "--log-level=bogus", "msg");
        assertEquals(List.of(
                "etcd/1 WARNING unit.etcd/1.juju-log cluster:0: peer -x lagging",
                "etcd/1 DEBUG unit.etcd/1.juju-log cluster:0: hi",
                "etcd/1 WARNING unit.etcd/1.juju-log Specified log level of \"bogus\" is not valid",
                "etcd/1 INFO unit.etcd/1.juju-log cluster:0: msg"), f.logs);
        assertError(f.run(rel, "juju-log"), 2, "no message specified");
    }

    @Test
    void jujuReboot() {
        HookContext ctx = f.hook(f.etcd1, "upgrade-charm");
        f.ok(ctx, "juju-reboot");
        assertTrue(ctx.rebootRequested());
        f.ok(ctx, "juju-reboot", "--now");
        assertTrue(ctx.rebootNow());
        HookContext action = f.register(HookContext.action(f.model, f.etcd1,
                f.model.enqueueAction("etcd/1", "health", Map.of())).build());
        assertError(f.run(action, "juju-reboot"), 1, "juju-reboot is not supported when running an action.");
    }

    @Test
    void goalStateListsTheApplicationsUnitsAndEachRelationsRemoteUnitsAsJujuDoes() throws Exception {
        f.etcd1.setWorkloadStatus(new dev.charms.runner.model.Status("active", "", Map.of(),
                java.time.Instant.parse("2026-01-02T03:04:05.678Z")));
        f.etcd2.setDying(true);
        HookContext ctx = f.hook(f.etcd0, "update-status");
        Map<?, ?> goal = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                f.ok(ctx, "goal-state", "--format=json"), Map.class);
        Map<?, ?> units = (Map<?, ?>) goal.get("units");
        assertEquals(List.of("etcd/0", "etcd/1", "etcd/2"), List.copyOf(units.keySet()));
        assertEquals(Map.of("status", "active", "since", "2026-01-02T03:04:05Z"), units.get("etcd/1"));
        assertEquals("dying", ((Map<?, ?>) units.get("etcd/2")).get("status"));
        Map<?, ?> relations = (Map<?, ?>) goal.get("relations");
        assertEquals(List.of("etcd/1", "etcd/2"), List.copyOf(((Map<?, ?>) relations.get("cluster")).keySet()),
                "a peer relation lists the other units");
        assertEquals(List.of("client", "client/0"), List.copyOf(((Map<?, ?>) relations.get("db")).keySet()));
        assertEquals("joined", ((Map<?, ?>) ((Map<?, ?>) relations.get("db")).get("client")).get("status"));
        assertTrue(f.ok(ctx, "goal-state").startsWith("relations:\n"), "YAML by default");
        assertError(f.run(ctx, "goal-state", "--format=smart"), 2, "invalid value \"smart\" for option --format: unknown format \"smart\"");
        assertError(f.run(ctx, "goal-state", "extra"), 2, "unrecognized args: [\"extra\"]");
    }
}
