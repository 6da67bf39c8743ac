package dev.charms.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.HookToolException;
import dev.charms.ops.HookTools;
import dev.charms.ops.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory hook tools follow Juju's rules, with Juju's exit codes and texts. */
class InMemoryHookToolsTest {
    private final PeerRelation peers = PeerRelation.of("cluster", 0).withLocalAppData(Map.of("token", "t"))
            .withPeer("demo/1", Map.of("ingress-address", "10.0.0.2"));
    private final Relation db = Relation.of("db", 1, "app").withRemoteAppData(Map.of("want", "db"))
            .withRemoteUnit("app/0", Map.of("x", "y")).withLocalAppData(Map.of("url", "u"));

    private static HookTools tools(dev.charms.ops.Framework fw) {
        return fw.model().tools();
    }

    private State state(boolean leader) {
        return State.builder().leader(leader).relation(peers).relation(db).build();
    }

    @Test
    void onlyTheLeaderWritesApplicationBags() {
        Output out = Hooks.configChanged(state(false), fw -> {
            HookToolException e = assertThrows(HookToolException.AccessDenied.class,
                    () -> tools(fw).relationSet(0, Map.of("a", "b"), true));
            assertEquals("relation-set failed (exit 1): cannot write relation settings", e.getMessage());
            tools(fw).relationSet(0, Map.of("mine", "1"), false);
        });
        assertEquals(0, out.exitCode());
        assertEquals(Map.of("mine", "1"), out.state().relation(0).orElseThrow().localUnitData());
        assertEquals(Map.of("token", "t"), out.state().relation(0).orElseThrow().localAppData());
    }

    @Test
    void nonLeadersReadTheirOwnAppBagOnlyInPeerRelations() {
        Hooks.configChanged(state(false), fw -> {
            assertEquals(Map.of("token", "t"), tools(fw).relationGet(0, "demo", true));
            HookToolException e = assertThrows(HookToolException.AccessDenied.class,
                    () -> tools(fw).relationGet(1, "demo", true));
            assertEquals("relation-get failed (exit 1): permission denied", e.getMessage());
            assertEquals(Map.of("want", "db"), tools(fw).relationGet(1, "app", true));
        });
        Hooks.configChanged(state(true), fw -> assertEquals(Map.of("url", "u"), tools(fw).relationGet(1, "demo", true)));
    }

    @Test
    void relationReadErrors() {
        Hooks.configChanged(state(true), fw -> {
            HookToolException nf = assertThrows(HookToolException.RelationNotFound.class,
                    () -> tools(fw).relationGet(9, "demo/1", false));
            assertEquals("relation-get failed (exit 2): invalid value \"9\" for option -r: relation not found",
                    nf.getMessage());
            assertThrows(HookToolException.RelationNotFound.class, () -> tools(fw).relationList(9));
            assertThrows(HookToolException.RelationNotFound.class, () -> tools(fw).relationSet(9, Map.of(), false));
            assertEquals("relation-get failed (exit 1): unknown unit demo/7",
                    assertThrows(HookToolException.class, () -> tools(fw).relationGet(0, "demo/7", false)).getMessage());
            assertEquals("relation-get failed (exit 2): expected unit name, got application name \"app\"",
                    assertThrows(HookToolException.class, () -> tools(fw).relationGet(1, "app", false)).getMessage());
        });
    }

    @Test
    void relationReadsSeeOwnUncommittedWrites() {
        Hooks.configChanged(state(true), fw -> {
            tools(fw).relationSet(0, Map.of("k", "v"), false);
            assertEquals(Map.of("k", "v"), tools(fw).relationGet(0, "demo/0", false));
            tools(fw).relationSet(0, Map.of("token", ""), true);
            assertEquals(Map.of(), tools(fw).relationGet(0, "demo", true));
            assertEquals(List.of("cluster:0"), tools(fw).relationIds("cluster"));
            assertEquals(List.of("demo/1"), tools(fw).relationList(0));
            assertEquals("demo", tools(fw).relationRemoteApp(0));
            assertEquals("app", tools(fw).relationRemoteApp(1));
        });
    }

    @Test
    void departingUnitIsNotListedButStaysReadable() {
        State s = state(true);
        Output out = Hooks.on(JujuEvent.relationDeparted(peers, "demo/1", "demo/1"), s, fw -> {
            assertEquals(List.of(), tools(fw).relationList(0));
            assertEquals("10.0.0.2", tools(fw).relationGet(0, "demo/1", false).get("ingress-address"));
        });
        assertEquals(0, out.exitCode(), out.stderr());
        Hooks.on(JujuEvent.relationBroken(db), s, fw -> assertEquals(List.of(), tools(fw).relationList(1)));
    }

    @Test
    void statusRules() {
        Output out = Hooks.configChanged(state(false), fw -> {
            HookToolException e = assertThrows(HookToolException.class, () -> tools(fw).statusSet("error", "x", false));
            assertEquals(2, e.exitCode());
            assertEquals("status-set failed (exit 2): invalid status \"error\", expected one of [maintenance blocked"
                    + " waiting active]", e.getMessage());
            assertEquals("status-set failed (exit 1): this unit is not the leader",
                    assertThrows(HookToolException.AccessDenied.class, () -> tools(fw).statusSet("active", "", true))
                            .getMessage());
            tools(fw).statusSet("waiting", "for peers", false);
        });
        assertEquals(dev.charms.ops.Status.waiting("for peers"), out.state().unitStatus());
        assertEquals(null, out.state().appStatus());
        assertEquals(List.of(new Output.StatusChange(false, dev.charms.ops.Status.waiting("for peers"))),
                out.statusHistory());
    }

    @Test
    void portsBufferedAndInvisibleInTheSameHook() {
        State s = State.builder().openedPorts(Set.of("80/tcp")).build();
        Output out = Hooks.configChanged(s, fw -> {
            tools(fw).openPort(2379, "TCP");
            tools(fw).closePort(80, "tcp");
            assertEquals(List.of("80/tcp"), tools(fw).openedPorts());
            assertEquals("open-port failed (exit 2): port range bounds must be between 1 and 65535, got 0-0",
                    assertThrows(HookToolException.class, () -> tools(fw).openPort(0, "tcp")).getMessage());
            assertEquals("open-port failed (exit 2): invalid protocol \"sctp\", expected \"tcp\", \"udp\", or \"icmp\"",
                    assertThrows(HookToolException.class, () -> tools(fw).openPort(1, "sctp")).getMessage());
        });
        assertEquals(Set.of("2379/tcp"), out.state().openedPorts());
    }

    @Test
    void networkGetDefaultsAndUnknownBindings() {
        State s = State.builder().network("cluster", NetworkInfo.of("10.1.1.5")).build();
        Hooks.configChanged(s, fw -> {
            Network n = fw.model().network("cluster");
            assertEquals("10.1.1.5", n.bindAddress());
            assertEquals(List.of("10.1.1.5/32"), n.egressSubnets());
            assertEquals("192.0.2.10", fw.model().network("public").ingressAddress());
            assertEquals("network-get failed (exit 1): no network config found for binding \"nope\"",
                    assertThrows(HookToolException.class, () -> tools(fw).networkGet("nope")).getMessage());
        });
    }

    @Test
    void configHasDefaultsAndJujuTypes() {
        State s = State.builder().config("port", 4001).build();
        Hooks.configChanged(s, fw -> {
            Map<String, Object> c = tools(fw).configGet();
            assertEquals(Map.of("port", 4001L, "ratio", 1L, "debug", false, "name", "demo"), c);
            assertFalse(c.containsKey("nodefault"));
            assertEquals(4001, fw.model().config().getInt("port"));
        });
    }

    @Test
    void actionToolsOnlyInActions() {
        Hooks.configChanged(state(true), fw -> {
            for (Runnable call : List.<Runnable>of(() -> tools(fw).actionGet(), () -> tools(fw).actionLog("x"),
                    () -> tools(fw).actionFail("x"), () -> tools(fw).actionSet(Map.of("a", "b")))) {
                HookToolException e = assertThrows(HookToolException.class, call::run);
                assertTrue(e.getMessage().endsWith("(exit 1): not running an action"), e.getMessage());
            }
        });
    }

    @Test
    void actionSetKeyRules() {
        Output out = Hooks.on(JujuEvent.action("open", Map.of("anything", 1)), state(true), fw -> {
            assertEquals(Map.of("anything", 1L), tools(fw).actionGet());
            assertEquals("action-set failed (exit 2): cannot set reserved action key \"stdout\"",
                    assertThrows(HookToolException.class, () -> tools(fw).actionSet(Map.of("stdout", "x"))).getMessage());
            assertEquals("action-set failed (exit 2): key \"Bad\" must start and end with lowercase alphanumeric, and"
                    + " contain only lowercase alphanumeric, hyphens and periods",
                    assertThrows(HookToolException.class, () -> tools(fw).actionSet(Map.of("a.Bad", "x"))).getMessage());
            tools(fw).actionSet(Map.of("a.b", "1"));
            tools(fw).actionSet(Map.of("a.c", "2", "d", "3"));
            tools(fw).actionLog("working");
            tools(fw).actionFail("");
        });
        assertEquals(Map.of("a", Map.of("b", "1", "c", "2"), "d", "3"), out.actionResults());
        assertEquals(List.of("working"), out.actionLogs());
        assertEquals("action failed without reason given, check action for errors", out.actionFailure());
    }

    @Test
    void aSecretCreatedInAHookIsReadableFromTheNextHookOnly() {
        String[] id = new String[1];
        Output first = Hooks.configChanged(state(true), fw -> {
            id[0] = tools(fw).secretAdd(Map.of("key", "v"), "fresh", null, null);
            assertEquals("secret-get failed (exit 1): secret \"" + id[0] + "\" not found",
                    assertThrows(HookToolException.class, () -> tools(fw).secretGet(id[0], null, false)).getMessage(),
                    "Juju commits a new secret when the hook ends");
            assertThrows(HookToolException.class, () -> tools(fw).secretGet(null, "fresh", false));
        });
        assertEquals(0, first.exitCode(), first.stderr());
        Hooks.configChanged(first.state(), fw -> assertEquals(Map.of("key", "v"), tools(fw).secretGet(id[0], null, false)));
    }

    @Test
    void applicationSecretsNeedTheLeader() {
        Hooks.configChanged(state(false), fw -> {
            assertEquals("secret-add failed (exit 1): this unit is not the leader",
                    assertThrows(HookToolException.AccessDenied.class,
                            () -> tools(fw).secretAdd(Map.of("key", "v"), "l", null, null)).getMessage());
            String id = tools(fw).secretAdd(Map.of("key", "v"), "mine", null, "unit");
            assertTrue(id.matches("secret:[0-9a-v]{20}"), id);
            assertEquals(List.of(id), tools(fw).secretIds());
            assertEquals("secret-add failed (exit 2): key \"K\" not valid",
                    assertThrows(HookToolException.class, () -> tools(fw).secretAdd(Map.of("K", "v"), null, null, "unit"))
                            .getMessage());
            assertEquals("secret-add failed (exit 2): missing secret value or filename",
                    assertThrows(HookToolException.class, () -> tools(fw).secretAdd(Map.of(), null, null, "unit"))
                            .getMessage());
            assertEquals("secret-add failed (exit 1): secret with label \"mine\" already exists",
                    assertThrows(HookToolException.class, () -> tools(fw).secretAdd(Map.of("key", "v"), "mine", null,
                            "unit")).getMessage());
        });
    }

    @Test
    void ownerAppSecretReadableByEveryUnitWritableByLeaderOnly() {
        Secret ca = Secret.owned(Secret.Owner.APPLICATION, "ca", Map.of("ca-key", "K1"));
        State s = State.builder().secret(ca).build();
        Output out = Hooks.configChanged(s, fw -> {
            assertEquals(Map.of("ca-key", "K1"), tools(fw).secretGet(null, "ca", false));
            assertEquals(List.of(), tools(fw).secretIds());
            assertEquals("secret-set failed (exit 1): this unit is not the leader",
                    assertThrows(HookToolException.AccessDenied.class,
                            () -> tools(fw).secretSet(ca.id(), Map.of("ca-key", "K2"))).getMessage());
        });
        assertEquals(0, out.exitCode(), out.stderr());
        Output leader = Hooks.configChanged(s.toBuilder().leader(true).build(), fw -> {
            tools(fw).secretSet(ca.id(), Map.of("ca-key", "K2"));
            assertEquals(Map.of("ca-key", "K2"), tools(fw).secretGet(ca.id(), null, false));
            assertEquals(List.of(ca.id()), tools(fw).secretIds());
        });
        assertEquals(2, leader.state().secret(ca.id()).orElseThrow().latestRevision());
        String calls = leader.toolCalls().toString();
        assertFalse(calls.contains("K2"), calls);
        assertTrue(calls.contains("secret-set " + ca.id() + " --file <secret content: ca-key>"), calls);
    }

    @Test
    void theLeaderGrantsAndRemovesItsApplicationsSecrets() {
        Secret mine = Secret.owned(Secret.Owner.APPLICATION, "user", Map.of("username", "u"));
        Secret theirs = Secret.granted(null, Map.of("password", "p"));
        State s = state(true).toBuilder().secret(mine).secret(theirs).build();
        Output out = Hooks.configChanged(s, fw -> {
            tools(fw).secretGrant(mine.id(), db.id());
            assertEquals("secret-grant failed (exit 2): invalid value \"99\" for option -r: relation not found",
                    assertThrows(HookToolException.class, () -> tools(fw).secretGrant(mine.id(), 99)).getMessage());
            assertEquals("secret-grant failed (exit 1): cannot grant a secret on a peer relation",
                    assertThrows(HookToolException.class, () -> tools(fw).secretGrant(mine.id(), peers.id())).getMessage());
            assertEquals("secret-remove failed (exit 1): permission denied",
                    assertThrows(HookToolException.class, () -> tools(fw).secretRemove(theirs.id())).getMessage());
            tools(fw).secretRemove(mine.id());
        });
        assertEquals(0, out.exitCode(), out.stderr());
        assertEquals(List.of(new ToolCall("secret-grant", List.of(mine.id(), "-r", Integer.toString(db.id())))),
                out.calls("secret-grant").subList(0, 1));
        assertTrue(out.state().secret(mine.id()).isEmpty());
        assertTrue(out.state().secret(theirs.id()).isPresent());
        Output follower = Hooks.configChanged(s.toBuilder().leader(false).build(),
                fw -> assertEquals("secret-remove failed (exit 1): this unit is not the leader",
                        assertThrows(HookToolException.class, () -> tools(fw).secretRemove(mine.id())).getMessage()));
        assertEquals(0, follower.exitCode(), follower.stderr());
    }

    @Test
    void secretRemoveNeedsTheOwnerAndDropsTheSecret() {
        Secret ca = Secret.owned(Secret.Owner.APPLICATION, "ca", Map.of("ca-key", "K1"));
        State s = State.builder().secret(ca).build();
        Output follower = Hooks.configChanged(s, fw -> assertEquals("secret-remove failed (exit 1): this unit is not the leader",
                assertThrows(HookToolException.AccessDenied.class, () -> tools(fw).secretRemove(ca.id())).getMessage()));
        assertEquals(0, follower.exitCode(), follower.stderr());
        Output leader = Hooks.configChanged(s.toBuilder().leader(true).build(), fw -> {
            tools(fw).secretRemove(ca.id());
            assertEquals(List.of(), tools(fw).secretIds());
            assertEquals("secret-remove failed (exit 1): secret \"" + ca.id() + "\" not found",
                    assertThrows(HookToolException.class, () -> tools(fw).secretRemove(ca.id())).getMessage());
        });
        assertEquals(0, leader.exitCode(), leader.stderr());
        assertTrue(leader.state().secret(ca.id()).isEmpty());
    }

    @Test
    void consumerPinsRevisionUntilRefresh() {
        Secret theirs = Secret.granted(null, Map.of("password", "one")).withNewRevision(Map.of("password", "two"))
                .withTrackedRevision(1);
        State s = State.builder().secret(theirs).build();
        Output out = Hooks.on(JujuEvent.secretChanged(theirs), s, fw -> {
            assertEquals(Map.of("password", "one"), tools(fw).secretGet(theirs.id(), "db-pass", false));
            assertEquals(Map.of("password", "one"), tools(fw).secretGet(null, "db-pass", false));
            assertEquals(Map.of("password", "two"), tools(fw).secretGet(theirs.id(), null, true));
            assertEquals("secret-set failed (exit 1): permission denied",
                    assertThrows(HookToolException.AccessDenied.class,
                            () -> tools(fw).secretSet(theirs.id(), Map.of("password", "x"))).getMessage());
            assertEquals("secret-get failed (exit 1): secret \"secret:00000000000000000000\" not found",
                    assertThrows(HookToolException.SecretNotFound.class,
                            () -> tools(fw).secretGet("secret:00000000000000000000", null, false)).getMessage());
            assertEquals("secret-get failed (exit 2): require either a secret URI or label",
                    assertThrows(HookToolException.class, () -> tools(fw).secretGet(null, null, false)).getMessage());
        });
        Secret after = out.state().secret(theirs.id()).orElseThrow();
        assertEquals(2, after.trackedRevision());
        assertEquals("db-pass", after.label());
        assertEquals(Map.of("JUJU_SECRET_ID", theirs.id(), "JUJU_SECRET_LABEL", ""),
                Map.of("JUJU_SECRET_ID", out.env().get("JUJU_SECRET_ID"), "JUJU_SECRET_LABEL",
                        out.env().get("JUJU_SECRET_LABEL")));
        assertFalse(out.env().containsKey("JUJU_SECRET_REVISION"));
    }

    @Test
    void firstReadPinsTheLatestRevision() {
        Secret theirs = Secret.granted("p", Map.of("password", "one")).withNewRevision(Map.of("password", "two"));
        Output out = Hooks.configChanged(State.builder().secret(theirs).build(),
                fw -> assertEquals(Map.of("password", "two"), tools(fw).secretGet(null, "p", false)));
        assertEquals(2, out.state().secret(theirs.id()).orElseThrow().trackedRevision());
    }

    @Test
    void secretToolsDoNotExistBeforeJuju3() {
        Hooks.configChanged(State.builder().jujuVersion("2.9.49").build(), fw -> {
            HookToolException e = assertThrows(HookToolException.class, () -> tools(fw).secretIds());
            assertEquals(127, e.exitCode());
            assertFalse(fw.model().hasSecrets());
        });
    }

    @Test
    void resources(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("payload.tar.gz"), "data");
        Hooks.configChanged(State.builder().build(), fw -> {
            assertEquals("resource-get failed (exit 1): could not download resource: HTTP request failed:"
                    + " resource#demo/payload not found",
                    assertThrows(HookToolException.class, () -> tools(fw).resourceGet("payload")).getMessage());
            assertEquals(Optional.empty(), fw.model().resource("payload"));
        });
        Hooks.configChanged(State.builder().resource("payload", file).build(),
                fw -> assertEquals(Optional.of(file), fw.model().resource("payload")));
    }

    @Test
    void everyCallIsRecorded() {
        Output out = Hooks.configChanged(state(true), fw -> {
            tools(fw).isLeader();
            tools(fw).jujuLog("warning", "careful");
            tools(fw).jujuLog("LOUD", "odd level");
            tools(fw).applicationVersionSet("3.4.23");
        });
        assertEquals(List.of(new ToolCall("is-leader", List.of("--format=json")),
                new ToolCall("juju-log", List.of("--log-level", "warning", "--", "careful")),
                new ToolCall("juju-log", List.of("--log-level", "LOUD", "--", "odd level")),
                new ToolCall("application-version-set", List.of("3.4.23"))), out.toolCalls());
        assertEquals(List.of(new Output.LogLine("WARNING", "careful"), new Output.LogLine("INFO", "odd level")),
                out.logs());
        assertEquals("3.4.23", out.state().workloadVersion());
        assertFalse(out.called("relation-set"));
    }

    @Test
    void hookEnvironmentFollowsTheContract() {
        State s = state(true);
        Map<String, String> env = Hooks.on(JujuEvent.relationChanged(peers, "demo/1"), s, fw -> { }).env();
        assertEquals("hooks/cluster-relation-changed", env.get("JUJU_DISPATCH_PATH"));
        assertEquals("cluster-relation-changed", env.get("JUJU_HOOK_NAME"));
        assertEquals("cluster", env.get("JUJU_RELATION"));
        assertEquals("cluster:0", env.get("JUJU_RELATION_ID"));
        assertEquals("demo/1", env.get("JUJU_REMOTE_UNIT"));
        assertEquals("demo", env.get("JUJU_REMOTE_APP"));
        assertEquals("demo/0", env.get("JUJU_UNIT_NAME"));
        assertEquals("3.6.4", env.get("JUJU_VERSION"));
        assertEquals(Demo.DIR.toAbsolutePath().toString(), env.get("JUJU_CHARM_DIR"));
        assertEquals(env.get("JUJU_CHARM_DIR"), env.get("CHARM_DIR"));
        assertEquals("unix", env.get("JUJU_AGENT_SOCKET_NETWORK"));
        assertEquals("/var/lib/juju/agents/unit-demo-0/agent.socket", env.get("JUJU_AGENT_SOCKET_ADDRESS"));
        assertEquals("C.UTF-8", env.get("LANG"));
        assertFalse(env.containsKey("JUJU_DEPARTING_UNIT"));

        Map<String, String> app = Hooks.on(JujuEvent.relationAppChanged(db), s, fw -> { }).env();
        assertEquals("", app.get("JUJU_REMOTE_UNIT"));
        assertEquals("app", app.get("JUJU_REMOTE_APP"));
        assertEquals("db:1", app.get("JUJU_RELATION_ID"));

        Map<String, String> departed = Hooks.on(JujuEvent.relationDeparted(peers, "demo/1", "demo/0"), s, fw -> { })
                .env();
        assertEquals("demo/0", departed.get("JUJU_DEPARTING_UNIT"));
        assertEquals("demo/1", departed.get("JUJU_REMOTE_UNIT"));
        assertEquals("", Hooks.on(JujuEvent.relationCreated(db), s, fw -> { }).env().get("JUJU_REMOTE_UNIT"));

        Map<String, String> storage = Hooks.on(JujuEvent.storageAttached("data"), s, fw -> { }).env();
        assertEquals(List.of("data/0", "/srv/data", "filesystem"), List.of(storage.get("JUJU_STORAGE_ID"),
                storage.get("JUJU_STORAGE_LOCATION"), storage.get("JUJU_STORAGE_KIND")));

        Context ctx = Demo.idle();
        Map<String, String> first = ctx.run(JujuEvent.action("echo"), s).env();
        Map<String, String> second = ctx.run(JujuEvent.action("echo"), s).env();
        assertEquals("actions/echo", first.get("JUJU_DISPATCH_PATH"));
        assertEquals("", first.get("JUJU_HOOK_NAME"));
        assertEquals("echo", first.get("JUJU_ACTION_NAME"));
        assertEquals("2", first.get("JUJU_ACTION_UUID"));
        assertEquals("action-2", first.get("JUJU_ACTION_TAG"));
        assertEquals("3", second.get("JUJU_ACTION_UUID"));
        assertNotEquals(first.get("JUJU_CONTEXT_ID"), second.get("JUJU_CONTEXT_ID"));
        assertFalse(first.containsKey("JUJU_ACTION_ID"));
    }

    @Test
    void unitNameAndModelComeFromTheState() {
        AtomicReference<String> seen = new AtomicReference<>();
        Output out = Hooks.configChanged(State.builder().unitName("etcd-two/3").model("prod", "uuid-1").build(),
                fw -> seen.set(fw.model().unitName() + " " + fw.model().appName()));
        assertEquals("etcd-two/3 etcd-two", seen.get());
        assertEquals("prod", out.env().get("JUJU_MODEL_NAME"));
        assertEquals("uuid-1", out.env().get("JUJU_MODEL_UUID"));
        assertEquals("etcd-two/3", out.state().unitName());
    }

    @Test
    void goalStateListsTheApplicationsUnitsOnceAHookOrIsNotKnownWhenTheToolFails() {
        State offered = state(true).toBuilder().goalState(Map.of("demo/0", "active", "demo/1", "waiting", "demo/2", "dying")).build();
        Output out = Hooks.configChanged(offered, fw -> {
            assertEquals(Optional.of(Map.of("demo/0", "active", "demo/1", "waiting", "demo/2", "dying")), fw.model().goalStateUnits());
            fw.model().goalStateUnits();
            Map<String, Object> raw = tools(fw).goalState();
            assertEquals(Map.of("demo/1", Map.of("status", "waiting", "since", "2026-01-01T00:00:00Z"),
                    "demo/2", Map.of("status", "dying", "since", "2026-01-01T00:00:00Z")),
                    ((Map<?, ?>) raw.get("relations")).get("cluster"), "a peer relation lists the other units");
            assertEquals(Set.of("app", "app/0"), ((Map<?, ?>) ((Map<?, ?>) raw.get("relations")).get("db")).keySet());
        });
        assertEquals(2, out.toolCalls().stream().filter(c -> c.tool().equals("goal-state")).count(), "asked once by the model");
        Output missing = Hooks.configChanged(state(true), fw -> {
            assertEquals(Optional.empty(), fw.model().goalStateUnits());
            HookToolException e = assertThrows(HookToolException.class, () -> tools(fw).goalState());
            assertEquals(1, e.exitCode());
        });
        assertEquals(0, missing.exitCode());
    }
}
