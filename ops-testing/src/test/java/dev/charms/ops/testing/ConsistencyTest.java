package dev.charms.ops.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.charmfiles.CharmFiles;
import dev.charms.ops.CharmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness refuses states and events Juju could not produce, and runs nothing then. */
class ConsistencyTest {
    private final Context ctx = Demo.context(fw -> {
        throw new AssertionError("the charm must not run for an inconsistent state");
    });
    private final PeerRelation peers = PeerRelation.of("cluster", 0);

    private String rejected(JujuEvent event, State state) {
        return assertThrows(InconsistentStateException.class, () -> ctx.run(event, state)).getMessage();
    }

    private static State.Builder base() {
        return State.builder();
    }

    @Test
    void unknownConfigKey() {
        assertEquals("config option 'prot' is not in config.yaml",
                rejected(JujuEvent.configChanged(), base().config("prot", 1).build()));
    }

    @Test
    void wrongConfigTypes() {
        assertEquals("config option 'port' expected int, got String \"2379\"",
                rejected(JujuEvent.configChanged(), base().config("port", "2379").build()));
        assertEquals("config option 'port' expected int, got Double 2379.5",
                rejected(JujuEvent.configChanged(), base().config("port", 2379.5).build()));
        assertEquals("config option 'debug' expected boolean, got String \"true\"",
                rejected(JujuEvent.configChanged(), base().config("debug", "true").build()));
        assertEquals("config option 'name' expected string, got Integer 5",
                rejected(JujuEvent.configChanged(), base().config("name", 5).build()));
    }

    @Test
    void unitInsideItsOwnPeerData() {
        State s = base().unitName("demo/0").relation(peers.withPeer("demo/0", Map.of())).build();
        assertEquals("relation cluster:0: unit demo/0 is listed among its own peers; Juju never does that",
                rejected(JujuEvent.start(), s));
    }

    @Test
    void peerOfAnotherApplication() {
        State s = base().relation(peers.withPeer("other/1", Map.of())).build();
        assertEquals("relation cluster:0: 'other/1' is not a unit of demo", rejected(JujuEvent.start(), s));
    }

    @Test
    void remoteUnitOfWrongApplication() {
        State s = base().relation(Relation.of("db", 1, "app").withRemoteUnit("demo/1", Map.of())).build();
        assertEquals("relation db:1: 'demo/1' is not a unit of app", rejected(JujuEvent.start(), s));
    }

    @Test
    void badUnitName() {
        assertEquals("unit name 'demo' is not like app/0", rejected(JujuEvent.start(), base().unitName("demo").build()));
    }

    @Test
    void relationEventsWithoutTheRemoteUnitJujuAlwaysGives() {
        State s = base().relation(peers.withPeer("demo/1", Map.of())).build();
        assertEquals("cluster-relation-joined: Juju always names the remote unit in -relation-joined",
                rejected(new JujuEvent.RelationHook("joined", "cluster", 0, null, null), s));
        assertEquals("cluster-relation-departed: Juju always sets JUJU_REMOTE_UNIT and JUJU_DEPARTING_UNIT in"
                + " -relation-departed", rejected(JujuEvent.relationDeparted(peers, "demo/1", null), s));
        assertEquals("cluster-relation-departed: Juju always sets JUJU_REMOTE_UNIT and JUJU_DEPARTING_UNIT in"
                + " -relation-departed", rejected(JujuEvent.relationDeparted(peers, null, "demo/1"), s));
    }

    @Test
    void remoteUnitMustBeInTheRelation() {
        State s = base().relation(peers.withPeer("demo/1", Map.of())).build();
        assertEquals("cluster-relation-changed: remote unit demo/2 is not in the relation's peersData",
                rejected(JujuEvent.relationChanged(peers, "demo/2"), s));
        assertEquals("cluster-relation-departed: the departing unit demo/3 is neither the remote unit nor this unit",
                rejected(JujuEvent.relationDeparted(peers, "demo/1", "demo/3"), s));
    }

    @Test
    void endpointNotInMetadata() {
        State s = base().relation(Relation.of("website", 3, "haproxy")).build();
        assertEquals("relation website:3: endpoint 'website' is not in metadata.yaml", rejected(JujuEvent.start(), s));
    }

    @Test
    void wrongRelationKindForEndpoint() {
        assertEquals("relation db:0: endpoint 'db' is a provides endpoint, so use Relation",
                rejected(JujuEvent.start(), base().relation(PeerRelation.of("db", 0)).build()));
        assertEquals("relation cluster:0: endpoint 'cluster' is a peers endpoint, so use PeerRelation",
                rejected(JujuEvent.start(), base().relation(Relation.of("cluster", 0, "x")).build()));
    }

    @Test
    void relationIdUsedTwice() {
        State s = base().relations(List.of(peers, Relation.of("db", 0, "app"))).build();
        assertEquals("relation id 0 is used twice (or is negative)", rejected(JujuEvent.start(), s));
    }

    @Test
    void twoPeerRelationsAndEndpointLimit() {
        State s = base().relations(List.of(peers, PeerRelation.of("cluster", 1))).build();
        assertEquals("peer endpoint 'cluster' has more than one relation; Juju makes exactly one",
                rejected(JujuEvent.start(), s));
        State t = base().relations(List.of(Relation.of("certificates", 1, "ca"), Relation.of("certificates", 2, "ca2")))
                .build();
        assertEquals("endpoint 'certificates' has more relations than its limit 1", rejected(JujuEvent.start(), t));
    }

    @Test
    void relationEventMustNameARelationOfTheState() {
        assertEquals("db-relation-created: relation id 4 is not in the state",
                rejected(JujuEvent.relationCreated(Relation.of("db", 4, "app")), base().build()));
        State s = base().relation(Relation.of("db", 4, "app")).build();
        assertEquals("certificates-relation-created: relation id 4 belongs to endpoint 'db'",
                rejected(JujuEvent.relationCreated(Relation.of("certificates", 4, "app")), s));
    }

    @Test
    void peerRelationsAreNeverBroken() {
        assertEquals("cluster-relation-broken: peer relations never get -relation-broken",
                rejected(JujuEvent.relationBroken(peers), base().relation(peers).build()));
    }

    @Test
    void leadershipHooksMatchLeadership() {
        assertEquals("leader-elected runs only on the leader; set leader(true)",
                rejected(JujuEvent.leaderElected(), base().build()));
        assertEquals("leader-settings-changed runs only on non-leaders; set leader(false)",
                rejected(JujuEvent.leaderSettingsChanged(), base().leader(true).build()));
        assertEquals("Juju 4 no longer runs leader-settings-changed",
                rejected(JujuEvent.leaderSettingsChanged(), base().jujuVersion("4.0.0").build()));
        assertEquals("Juju 4 no longer runs pre-series-upgrade",
                rejected(JujuEvent.preSeriesUpgrade(), base().jujuVersion("4.0.0").build()));
    }

    @Test
    void secretsNeedJuju3AndValidKeys() {
        Secret s = Secret.owned(Secret.Owner.UNIT, "x", Map.of("key", "v"));
        assertEquals("Juju 2.9.49 has no secrets (they exist from 3.0 on)",
                rejected(JujuEvent.start(), base().jujuVersion("2.9.49").secret(s).build()));
        Secret bad = Secret.owned(Secret.Owner.UNIT, "x", Map.of("k", "v"));
        assertTrue(rejected(JujuEvent.start(), base().secret(bad).build()).endsWith(": content key 'k' is not valid in"
                + " Juju (3+ lowercase letters, digits and single hyphens, starting with a letter)"));
    }

    @Test
    void secretEventsGoToTheRightSide() {
        Secret mine = Secret.owned(Secret.Owner.APPLICATION, "mine", Map.of("key", "v"));
        Secret theirs = Secret.granted("theirs", Map.of("key", "v"));
        State s = base().leader(true).secret(mine).secret(theirs).build();
        assertEquals("secret-changed goes to consumers; " + mine.id() + " is owned here",
                rejected(JujuEvent.secretChanged(mine), s));
        assertEquals("secret-rotate goes to the owner; " + theirs.id() + " is owned by another application",
                rejected(JujuEvent.secretRotate(theirs), s));
        assertEquals("secret-remove: secret " + mine.id() + " has no revision 2",
                rejected(JujuEvent.secretRemove(mine, 2), s));
        assertEquals("secret-expired for an application-owned secret runs on the leader only",
                rejected(JujuEvent.secretExpired(mine, 1), s.toBuilder().leader(false).build()));
        assertEquals("secret-changed: secret secret:00000000000000000000 is not in the state",
                rejected(new JujuEvent.SecretHook("changed", "secret:00000000000000000000", null, null), s));
    }

    @Test
    void unknownBindingResourceStoragePortAndAction() {
        assertEquals("network binding 'nope' is neither an endpoint nor an extra binding in metadata.yaml",
                rejected(JujuEvent.start(), base().network("nope", NetworkInfo.of("10.0.0.1")).build()));
        assertEquals("resource 'nope' is not in metadata.yaml",
                rejected(JujuEvent.start(), base().resource("nope", Path.of("/tmp/x")).build()));
        assertEquals("storage 'logs' is not in metadata.yaml", rejected(JujuEvent.storageAttached("logs"), base().build()));
        assertEquals("opened port '2379' is not like 2379/tcp, 8000-8999/udp or icmp",
                rejected(JujuEvent.start(), base().openedPorts(Set.of("2379")).build()));
        assertEquals("action 'reboot' is not in actions.yaml", rejected(JujuEvent.action("reboot"), base().build()));
    }

    @Test
    void actionParametersAreValidatedLikeJuju() {
        State s = base().build();
        assertEquals("action 'echo': validation failed: (root): Additional property colour is not allowed",
                rejected(JujuEvent.action("echo", Map.of("colour", "red")), s));
        assertEquals("action 'echo': validation failed: count: Invalid type. Expected: integer, given: string",
                rejected(JujuEvent.action("echo", Map.of("count", "3")), s));
        assertEquals("action 'echo': validation failed: count: Must be less than or equal to 10",
                rejected(JujuEvent.action("echo", Map.of("count", 11)), s));
        assertEquals("action 'echo': validation failed: count: Must be greater than or equal to 1",
                rejected(JujuEvent.action("echo", Map.of("count", 0)), s));
        assertEquals("action 'echo': validation failed: message: Does not match pattern '^[a-z ]*$'",
                rejected(JujuEvent.action("echo", Map.of("message", "Hi!")), s));
        assertEquals("action 'echo': validation failed: mode: mode must be one of the following: \"fast\","
                + " \"slow\"", rejected(JujuEvent.action("echo", Map.of("mode", "medium")), s));
        assertEquals("action 'strict': validation failed: (root): target is required",
                rejected(JujuEvent.action("strict"), s));
    }

    @Test
    void specMustMatchTheYamlFiles() {
        CharmSpec wrong = new CharmSpec(Set.of("cluster"), Set.of("cluster", "db"), Set.of("data"),
                Set.of("echo", "strict", "open"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Context.fromCharmDir(wrong, fw -> fw, Demo.DIR));
        assertEquals("CharmSpec endpoints [cluster, db] differ from the charm's YAML files in " + Demo.DIR
                + ": [certificates, cluster, db]", e.getMessage());
    }

    @Test
    void badCharmFilesAreReportedAtLoad(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("metadata.yaml"), "name: x\nsummary: s\ndescription: d\n");
        Files.writeString(dir.resolve("config.yaml"), "options:\n  port:\n    type: int\n    default: abc\n");
        assertEquals("invalid config default: option \"port\" expected int, got \"abc\"",
                assertThrows(IllegalArgumentException.class, () -> CharmFiles.load(dir)).getMessage());
        Files.writeString(dir.resolve("config.yaml"), "options:\n  port:\n    type: integer\n");
        assertEquals("invalid config: option \"port\" has unknown type \"integer\"",
                assertThrows(IllegalArgumentException.class, () -> CharmFiles.load(dir)).getMessage());
        Files.delete(dir.resolve("config.yaml"));
        Files.writeString(dir.resolve("metadata.yaml"), "summary: x\n");
        assertEquals("invalid metadata.yaml: \"name\" must be a string",
                assertThrows(IllegalArgumentException.class, () -> CharmFiles.load(dir)).getMessage());
        Files.writeString(dir.resolve("metadata.yaml"), "name: [\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CharmFiles.load(dir)).getMessage()
                .startsWith("invalid metadata.yaml: "));
    }

    @Test
    void actionSchemasWithUncheckedKeywordsAreRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("metadata.yaml"), "name: x\nsummary: s\ndescription: d\n");
        Files.writeString(dir.resolve("actions.yaml"), "go:\n  params:\n    list:\n      type: array\n"
                + "      uniqueItems: true\n      items: {type: string}\n");
        CharmSpec spec = new CharmSpec(Set.of(), Set.of(), Set.of(), Set.of("go"));
        assertEquals("actions.yaml: action 'go' uses JSON-schema keywords that are not checked: list: uniqueItems",
                assertThrows(IllegalArgumentException.class, () -> Context.fromCharmDir(spec, fw -> fw, dir))
                        .getMessage());
        Files.writeString(dir.resolve("actions.yaml"), "go:\n  params:\n    list:\n      type: array\n"
                + "      items: {type: string}\n");
        assertEquals("go", Context.fromCharmDir(spec, fw -> fw, dir).files().actions().action("go").orElseThrow().name());
    }
}
