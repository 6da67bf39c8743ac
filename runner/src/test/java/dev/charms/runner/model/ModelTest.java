package dev.charms.runner.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelTest {
    @TempDir
    Path dir;
    Model model;

    @BeforeEach
    void setUp() throws Exception {
        Path etcd = Files.createDirectories(dir.resolve("etcd"));
        Files.writeString(etcd.resolve("metadata.yaml"), "name: etcd\nsummary: s\ndescription: d\n"
                + "peers: {cluster: {interface: etcd-peer}}\nprovides: {db: {interface: etcd}, db2: {interface: etcd}}\n");
        Files.writeString(etcd.resolve("config.yaml"), "options:\n  port: {type: int, default: 2379}\n");
        Files.writeString(etcd.resolve("actions.yaml"), "health: {}\n");
        Path client = Files.createDirectories(dir.resolve("client"));
        Files.writeString(client.resolve("metadata.yaml"), "name: client\nsummary: s\ndescription: d\n"
                + "requires: {db: {interface: etcd}}\n");
        model = new Model("m");
        model.deploy("etcd", Charm.load(etcd));
        model.deploy("client", Charm.load(client));
    }

    @Test
    void deployCreatesPeerRelationAndUnitIndexesAreNotReused() {
        Relation peers = model.relation(0).orElseThrow();
        assertTrue(peers.isPeer());
        assertEquals("etcd:cluster", peers.key());
        assertEquals("cluster:0", peers.idString("etcd"));
        Unit u0 = model.addUnit("etcd");
        model.addUnit("etcd");
        model.removeUnit(u0.name());
        assertEquals("etcd/2", model.addUnit("etcd").name());
        assertEquals(List.of("etcd/1", "etcd/2"), model.requireApplication("etcd").units().stream().map(Unit::name).toList());
        assertThrows(ModelException.class, () -> model.deploy("etcd", model.requireApplication("etcd").charm()));
    }

    @Test
    void integrateResolvesEndpointsLikeJuju() {
        assertTrue(assertThrows(ModelException.class, () -> model.integrate("etcd", "client")).getMessage()
                .startsWith("ambiguous relation: \"etcd client\" could refer to"));
        Relation r = model.integrate("etcd:db", "client");
        assertEquals(1, r.id());
        assertEquals("client:db etcd:db", r.key());
        assertEquals("client", r.remoteApplication("etcd"));
        assertEquals("relation etcd:db client:db already exists", assertThrows(ModelException.class,
                () -> model.integrate("etcd:db", "client:db")).getMessage());
        assertEquals("no relations found", assertThrows(ModelException.class,
                () -> model.integrate("etcd:cluster", "client")).getMessage());
    }

    @Test
    void scopeSeedsBagAndDepartedBagStays() {
        Unit u = model.addUnit("etcd");
        u.setAddress("10.0.0.5");
        Relation peers = model.relation(0).orElseThrow();
        peers.enterScope(u);
        assertEquals(Map.of("private-address", "10.0.0.5", "ingress-address", "10.0.0.5",
                "egress-subnets", "10.0.0.5/32"), peers.unitBag("etcd/0").snapshot());
        long v = peers.unitBag("etcd/0").version();
        assertFalse(peers.unitBag("etcd/0").update(Map.of("private-address", "10.0.0.5")));
        assertEquals(v, peers.unitBag("etcd/0").version());
        model.removeUnit("etcd/0");
        assertFalse(peers.inScope("etcd/0"));
        assertTrue(peers.hasUnitBag("etcd/0"));
    }

    @Test
    void configChangesBumpVersion() {
        Application app = model.requireApplication("etcd");
        long v = app.configVersion();
        assertFalse(app.setConfig(Map.of("port", "2379")));
        assertTrue(app.setConfig(Map.of("port", "4001")));
        assertEquals(4001L, app.config().get("port"));
        assertTrue(app.resetConfig(List.of("port")));
        assertEquals(2379L, app.config().get("port"));
        assertEquals(v + 2, app.configVersion());
        assertThrows(ModelException.class, () -> app.setConfig(Map.of("port", "x")));
    }

    @Test
    void actionIdsShareOneSequenceAndUnknownActionsAreRejected() {
        model.addUnit("etcd");
        ActionTask t = model.enqueueAction("etcd/0", "health", Map.of());
        assertEquals("1", t.operationId());
        assertEquals("2", t.id());
        assertEquals("4", model.enqueueAction("etcd/0", "health", Map.of()).id());
        assertEquals(ActionTask.State.PENDING, t.state());
        assertEquals("action \"nope\" not defined on unit \"etcd/0\"", assertThrows(ModelException.class,
                () -> model.enqueueAction("etcd/0", "nope", Map.of())).getMessage());
        assertEquals("validation failed: (root): Additional property x is not allowed", assertThrows(ModelException.class,
                () -> model.enqueueAction("etcd/0", "health", Map.of("x", 1))).getMessage());
    }

    @Test
    void portRanges() {
        assertEquals(new PortRange(2379, 2379, "tcp"), PortRange.parse("2379"));
        assertEquals("8000-8999/udp", PortRange.parse("8000-8999/UDP").toString());
        assertEquals("icmp", PortRange.parse("ICMP").toString());
        assertEquals("port range bounds must be between 0 and 65535, got 70000-70000",
                assertThrows(ModelException.class, () -> PortRange.parse("70000")).getMessage());
        assertEquals("invalid port range 10-5/tcp", assertThrows(ModelException.class, () -> PortRange.parse("10-5")).getMessage());
        assertEquals("invalid port range \"1-2-3\"", assertThrows(ModelException.class, () -> PortRange.parse("1-2-3")).getMessage());
        assertEquals("protocol \"icmp\" doesn't support any ports; got \"80\"",
                assertThrows(ModelException.class, () -> PortRange.parse("80/icmp")).getMessage());
        assertEquals("icmp", PortRange.parse("icmp/tcp").toString());
    }
}
