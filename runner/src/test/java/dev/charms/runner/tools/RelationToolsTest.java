package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.ModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelationToolsTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    @Test
    void relationSetIsInvisibleToOthersUntilCommitButVisibleToSelf() {
        HookContext writer = f.relationHook(f.etcd1, "cluster-relation-changed", f.peers, "etcd/0");
        f.ok(writer, "relation-set", "url=https://10.90.0.11:2379", "-r", "cluster:0");
        HookContext reader = f.relationHook(f.etcd2, "cluster-relation-changed", f.peers, "etcd/1");
        assertEquals("", f.ok(reader, "relation-get", "url"));
        assertEquals("https://10.90.0.11:2379\n", f.ok(writer, "relation-get", "url", "etcd/1"));
        CommitResult result = writer.commit();
        assertEquals(List.of(new BagChange(0, "etcd/1", false)), result.bags());
        assertEquals("https://10.90.0.11:2379\n", f.ok(reader, "relation-get", "url"));
    }

    @Test
    void discardDropsBufferedWrites() {
        HookContext writer = f.relationHook(f.etcd1, "cluster-relation-changed", f.peers, "etcd/0");
        f.ok(writer, "relation-set", "k=v");
        long before = f.peers.unitBag("etcd/1").version();
        writer.discard();
        assertEquals(before, f.peers.unitBag("etcd/1").version());
        assertEquals(null, f.peers.unitBag("etcd/1").get("k"));
        assertError(f.run(writer, "relation-get"), 1, "bad request: wrong context ID; got \"" + writer.id() + "\"");
    }

    @Test
    void wholeBagFormatsAndDefaultSeeding() {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        assertEquals("{\"egress-subnets\":\"10.90.0.11/32\",\"ingress-address\":\"10.90.0.11\","
                + "\"private-address\":\"10.90.0.11\"}\n", f.ok(ctx, "relation-get", "--format=json"));
        assertEquals("egress-subnets: 10.90.0.11/32\ningress-address: 10.90.0.11\nprivate-address: 10.90.0.11\n",
                f.ok(ctx, "relation-get", "-", "etcd/1"));
        assertEquals("null\n", f.ok(ctx, "relation-get", "--format", "json", "missing"));
        assertEquals("", f.ok(ctx, "relation-get", "--format=yaml", "missing"));
    }

    @Test
    void keyEqualsEmptyDeletesAndFileAndStdinMerge() throws Exception {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        f.ok(ctx, "relation-set", "a=1", "b=2");
        f.ok(ctx, "relation-set", "a=");
        Path file = Files.writeString(tmp.resolve("s.yaml"), "c: 3\nd: four\n");
        f.ok(ctx, "relation-set", "--file", file.toString(), "d=override");
        assertEquals(0, f.runWithStdin(ctx, "{\"e\": \"5\"}", "relation-set", "--file", "-").code());
        assertEquals("{\"b\":\"2\",\"c\":\"3\",\"d\":\"override\",\"e\":\"5\",\"egress-subnets\":\"10.90.0.10/32\","
                + "\"ingress-address\":\"10.90.0.10\",\"private-address\":\"10.90.0.10\"}\n",
                f.ok(ctx, "relation-get", "--format=json", "-", "etcd/0"));
    }

    @Test
    void appBagAccessRules() {
        HookContext leader = f.relationHook(f.etcd0, "db-relation-changed", f.db, "client/0");
        f.ok(leader, "relation-set", "--app", "endpoints=https://a:2379");
        assertEquals("https://a:2379\n", f.ok(leader, "relation-get", "--app", "endpoints", "etcd"));

        HookContext follower = f.relationHook(f.etcd1, "db-relation-changed", f.db, "client/0");
        assertError(f.run(follower, "relation-set", "--app", "x=y"), 1, "cannot write relation settings");
        assertError(f.run(follower, "relation-get", "--app", "-", "etcd"), 1, "permission denied");
        assertEquals("{}\n", f.ok(follower, "relation-get", "--format=json", "--app", "-", "client"));

        HookContext peer = f.relationHook(f.etcd1, "cluster-relation-changed", f.peers, "etcd/0");
        assertEquals("{}\n", f.ok(peer, "relation-get", "--format=json", "--app", "-", "etcd"));
        HookContext peerLeader = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        f.ok(peerLeader, "relation-set", "--app", "token=t1");
        assertEquals("", f.ok(peer, "relation-get", "--app", "token", "etcd"));
        CommitResult r = peerLeader.commit();
        assertEquals(List.of(new BagChange(0, "etcd", true)), r.bags());
        assertEquals("t1\n", f.ok(peer, "relation-get", "--app", "token", "etcd"));
    }

    @Test
    void appBagCommitFailsWhenLeadershipLost() {
        HookContext leader = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        f.ok(leader, "relation-set", "--app", "token=t1");
        f.etcd0.application().setLeader("etcd/1");
        ModelException e = assertThrows(ModelException.class, leader::commit);
        assertEquals("cannot commit hook changes: this unit is not the leader", e.getMessage());
        assertEquals(null, f.peers.appBag("etcd").get("token"));
    }

    @Test
    void defaultTargetIsRemoteAppWhenNoRemoteUnit() {
        f.db.appBag("client").update(Map.of("want", "tls"));
        HookContext ctx = f.relationHook(f.etcd0, "db-relation-changed", f.db, "");
        assertEquals("tls\n", f.ok(ctx, "relation-get", "want"));
        assertEquals("tls\n", f.ok(ctx, "relation-get", "--app", "want"));
    }

    @Test
    void relationGetErrors() {
        HookContext plain = f.hook(f.etcd0, "config-changed");
        assertError(f.run(plain, "relation-get"), 2, "no relation id specified");
        assertError(f.run(plain, "relation-get", "-r", "cluster:0"), 2, "no unit or application specified");
        assertError(f.run(plain, "relation-get", "-r", "cluster:9", "-", "etcd/1"), 2,
                "invalid value \"cluster:9\" for option -r: relation not found");
        assertError(f.run(plain, "relation-get", "--relation=x", "-", "etcd/1"), 2,
                "invalid value \"x\" for option --relation: invalid relation id");
        assertError(f.run(plain, "relation-get", "-r0", "-", "etcd"), 2,
                "expected unit name, got application name \"etcd\"");
        assertError(f.run(plain, "relation-get", "-r=0", "-", "etcd/9"), 1, "unknown unit etcd/9");
        assertError(f.run(plain, "relation-get", "-r", "0", "-", "etcd/1", "extra"), 2, "unrecognized args: [\"extra\"]");
        assertError(f.run(plain, "relation-get", "--bogus"), 2, "option provided but not defined: --bogus");
        assertEquals("10.90.0.11\n", f.ok(plain, "relation-get", "-r", "0", "private-address", "etcd/1"));
    }

    @Test
    void relationSetErrors() {
        HookContext plain = f.hook(f.etcd0, "config-changed");
        assertError(f.run(plain, "relation-set", "a=b"), 2, "no relation id specified");
        assertError(f.run(plain, "relation-set", "-r", "0", "novalue"), 2, "expected \"key=value\", got \"novalue\"");
        assertError(f.run(plain, "relation-set", "-r", "0", "a=1", "a=2"), 2, "key \"a\" specified more than once");
    }

    @Test
    void departedUnitDataStaysReadable() {
        f.peers.unitBag("etcd/2").update(Map.of("name", "etcd2"));
        f.peers.leaveScope("etcd/2");
        HookContext ctx = register(HookContext.hook(f.model, f.etcd0, "cluster-relation-departed")
                .relation(f.peers, "etcd/2", null).departingUnit("etcd/2").build());
        assertEquals("etcd2\n", f.ok(ctx, "relation-get", "name"));
        assertEquals("etcd/1\n", f.ok(ctx, "relation-list"));
        assertEquals("etcd/2", ctx.environment("/c", "/t", "/s").get("JUJU_DEPARTING_UNIT"));
    }

    private HookContext register(HookContext ctx) {
        return f.register(ctx);
    }

    @Test
    void relationIdsAndList() {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-joined", f.peers, "etcd/1");
        assertEquals("cluster:0\n", f.ok(ctx, "relation-ids"));
        assertEquals("[\"db:1\"]\n", f.ok(ctx, "relation-ids", "db", "--format=json"));
        assertEquals("etcd/1\netcd/2\n", f.ok(ctx, "relation-list"));
        assertEquals("[\"client/0\"]\n", f.ok(ctx, "relation-list", "-r", "db:1", "--format=json"));
        assertEquals("client\n", f.ok(ctx, "relation-list", "-r", "1", "--app"));
        assertEquals("etcd\n", f.ok(ctx, "relation-list", "--app"));
        HookContext plain = f.hook(f.etcd0, "install");
        assertError(f.run(plain, "relation-ids"), 2, "no endpoint name specified");
        assertError(f.run(plain, "relation-list"), 2, "no relation id specified");
        HookContext notInScope = f.hook(f.model.addUnit("etcd"), "install");
        assertEquals("[]\n", f.ok(notInScope, "relation-ids", "cluster", "--format=json"));
    }

    @Test
    void aHookKeepsTheRelationsItStartedWithWhenItsUnitLeavesScope() {
        // remove-unit arrives while etcd/0's config-changed runs: the hook still sees and writes cluster:0.
        HookContext running = f.hook(f.etcd0, "config-changed");
        f.peers.leaveScope("etcd/0");
        assertEquals("cluster:0\n", f.ok(running, "relation-ids", "cluster"));
        f.ok(running, "relation-set", "-r", "0", "k=v");
        assertEquals("v\n", f.ok(running, "relation-get", "-r", "0", "k", "etcd/0"));
        HookContext next = f.hook(f.etcd0, "config-changed");
        assertEquals("[]\n", f.ok(next, "relation-ids", "cluster", "--format=json"));
        assertError(f.run(next, "relation-set", "-r", "0", "k=w"), 2, "invalid value \"0\" for option -r: relation not found");
    }

    @Test
    void remoteAppBagChangeFromOtherSideIsReadable() {
        HookContext client = f.relationHook(f.client0, "db-relation-joined", f.db, "etcd/0");
        f.ok(client, "relation-set", "--app", "prefix=/app");
        client.commit();
        HookContext etcd = f.relationHook(f.etcd1, "db-relation-changed", f.db, "");
        assertEquals("/app\n", f.ok(etcd, "relation-get", "prefix"));
        assertTrue(f.ok(etcd, "relation-get", "-", "client/0").contains("private-address: 10.90.0.13"));
    }

    @Test
    void configChangedRefreshesAddressKeys() {
        f.etcd1.setAddress("10.90.1.11");
        HookContext ctx = f.hook(f.etcd1, "config-changed");
        CommitResult r = ctx.commit();
        assertEquals(List.of(new BagChange(0, "etcd/1", false), new BagChange(1, "etcd/1", false)), r.bags());
        assertEquals("10.90.1.11/32", f.peers.unitBag("etcd/1").get("egress-subnets"));
        assertEquals("10.90.1.11", f.db.unitBag("etcd/1").get("ingress-address"));
        HookContext late = f.hook(f.etcd1, "update-status");
        late.commit();
        assertEquals(1, f.run(late, "relation-ids", "cluster").code());
    }

    @Test
    void settingsFileKeepsRawScalarText() throws Exception {
        HookContext ctx = f.relationHook(f.etcd0, "cluster-relation-changed", f.peers, "etcd/1");
        Path file = Files.writeString(tmp.resolve("raw.yaml"), "ratio: 1.50\nflag: yes\nempty:\ngone: ~\n");
        f.ok(ctx, "relation-set", "--file", file.toString(), "extra=1");
        Map<String, String> bag = ctx.ownUnitBag(f.peers);
        assertEquals("1.50", bag.get("ratio"));
        assertEquals("yes", bag.get("flag"));
        assertEquals(null, bag.get("empty"));
        assertEquals(null, bag.get("gone"));
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "- a\n- b\n");
        assertEquals(1, f.run(ctx, "relation-set", "--file", bad.toString()).code());
        assertEquals(new ToolFixture.Result(0, "", "--format flag deprecated for command \"relation-set\""),
                f.run(ctx, "relation-set", "--format", "json", "x=y"));
    }

    @Test
    void appFlagWithUnitNameReadsThatUnitsApplication() {
        f.db.appBag("client").update(Map.of("want", "tls"));
        HookContext ctx = f.relationHook(f.etcd0, "db-relation-changed", f.db, "client/0");
        assertEquals("tls\n", f.ok(ctx, "relation-get", "--app", "want", "client/0"));
        assertError(f.run(ctx, "relation-get", "--app", "want", "other"), 1, "unknown application other");
    }
}
