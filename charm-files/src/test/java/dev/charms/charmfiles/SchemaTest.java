package dev.charms.charmfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {
    private static final String CONFIG = """
            options:
              port: {type: int, default: 2379}
              ratio: {type: float, default: 1}
              tls: {type: boolean, default: true}
              name: {default: etcd}
              token: {type: secret}
            """;

    private static final String ACTIONS = """
            generate-client-certificates:
              params:
                common-name:
                  type: string
                  default: etcd-client
                  pattern: "^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
                validity-days:
                  type: integer
                  default: 365
                  minimum: 1
                  maximum: 3650
                key-type:
                  type: string
                  enum: [ecdsa-p256, ed25519]
                  default: ecdsa-p256
                tags:
                  type: array
                  items: {type: string}
              required: [validity-days]
            open:
              params:
                anything: {type: object}
              additionalProperties: true
            """;

    @Test
    void configSchemaParsesValuesLikeJuju() {
        ConfigSchema s = ConfigSchema.parse(CONFIG);
        assertEquals("string", s.require("name").type());
        assertEquals(Map.of("port", 2379L, "ratio", 1.0, "tls", true, "name", "etcd"), s.defaults());
        assertEquals(Map.of("port", 4001L), s.parse(Map.of("port", "4001")));
        assertEquals("unknown option \"nope\"", assertThrows(CharmFileException.class,
                () -> s.parse(Map.of("nope", "1"))).getMessage());
        assertEquals("option \"port\" expected int, got \"1.5\"", assertThrows(CharmFileException.class,
                () -> s.parse(Map.of("port", "1.5"))).getMessage());
        assertEquals("option \"port\" expected int, got \"abc\"", assertThrows(CharmFileException.class,
                () -> s.parse(Map.of("port", "abc"))).getMessage());
        assertEquals("option \"tls\" expected boolean, got \"yes\"", assertThrows(CharmFileException.class,
                () -> s.parse(Map.of("tls", "yes"))).getMessage());
        for (String t : List.of("true", "True", "TRUE", "t", "T", "1")) {
            assertEquals(true, s.parse(Map.of("tls", t)).get("tls"));
        }
        for (String t : List.of("false", "False", "FALSE", "f", "F", "0")) {
            assertEquals(false, s.parse(Map.of("tls", t)).get("tls"));
        }
        assertEquals(2.5, s.parse(Map.of("ratio", "2.5")).get("ratio"));
        assertEquals("option \"ratio\" expected float, got \"x\"", assertThrows(CharmFileException.class,
                () -> s.parse(Map.of("ratio", "x"))).getMessage());
        Map<String, Object> reset = s.parse(Map.of("port", ""));
        assertTrue(reset.containsKey("port"));
        assertEquals(null, reset.get("port"));
        assertEquals("", s.parse(Map.of("name", "")).get("name"));
    }

    @Test
    void configSchemaRejectsBadFiles() {
        assertEquals("invalid config: empty configuration", assertThrows(CharmFileException.class,
                () -> ConfigSchema.parse("foo: 1\n")).getMessage());
        assertEquals("invalid config: option \"a\" has unknown type \"list\"", assertThrows(CharmFileException.class,
                () -> ConfigSchema.parse("options:\n  a: {type: list}\n")).getMessage());
        assertEquals("invalid config default: option \"a\" expected int, got \"x\"", assertThrows(CharmFileException.class,
                () -> ConfigSchema.parse("options:\n  a: {type: int, default: x}\n")).getMessage());
    }

    @Test
    void actionsSpecValidatesAndInsertsDefaults() {
        ActionsSpec spec = ActionsSpec.parse(ACTIONS);
        Map<String, Object> out = spec.validate("generate-client-certificates", Map.of("validity-days", 30));
        assertEquals(Map.of("validity-days", 30, "common-name", "etcd-client", "key-type", "ecdsa-p256"), out);
        assertEquals("validation failed: (root): Additional property bogus is not allowed", fails(spec,
                Map.of("validity-days", 1, "bogus", "x")));
        assertEquals("validation failed: (root): validity-days is required", fails(spec, Map.of()));
        assertEquals("validation failed: validity-days: Must be less than or equal to 3650",
                fails(spec, Map.of("validity-days", 4000)));
        assertEquals("validation failed: validity-days: Must be greater than or equal to 1",
                fails(spec, Map.of("validity-days", 0)));
        assertEquals("validation failed: validity-days: Invalid type. Expected: integer, given: number",
                fails(spec, Map.of("validity-days", 1.5)));
        assertEquals("validation failed: validity-days: Invalid type. Expected: integer, given: string",
                fails(spec, Map.of("validity-days", "10")));
        assertEquals("validation failed: key-type: key-type must be one of the following: \"ecdsa-p256\", \"ed25519\"",
                fails(spec, Map.of("validity-days", 1, "key-type", "rsa")));
        assertEquals("validation failed: common-name: Does not match pattern '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'",
                fails(spec, Map.of("validity-days", 1, "common-name", "-bad")));
        assertEquals("validation failed: tags.1: Invalid type. Expected: string, given: integer",
                fails(spec, Map.of("validity-days", 1, "tags", List.of("a", 2))));
        Map<String, Object> two = new LinkedHashMap<>();
        two.put("validity-days", 0);
        two.put("key-type", "x");
        assertEquals("validation failed: key-type: key-type must be one of the following: \"ecdsa-p256\", \"ed25519\"; "
                + "validity-days: Must be greater than or equal to 1", fails(spec, two));
        assertEquals(Map.of("x", 1), spec.validate("open", Map.of("x", 1)));
        assertEquals("action \"nope\" not defined", assertThrows(CharmFileException.class,
                () -> spec.validate("nope", Map.of())).getMessage());
        assertEquals("No description", spec.action("open").orElseThrow().description());
    }

    private static String fails(ActionsSpec spec, Map<String, Object> params) {
        return assertThrows(CharmFileException.class, () -> spec.validate("generate-client-certificates", params)).getMessage();
    }

    @Test
    void actionsSpecRejectsBadNames() {
        assertThrows(CharmFileException.class, () -> ActionsSpec.parse("Bad_Name: {}\n"));
        assertThrows(CharmFileException.class, () -> ActionsSpec.parse("juju-run: {}\n"));
        assertThrows(CharmFileException.class, () -> ActionsSpec.parse("a:\n  params:\n    p: {type: text}\n"));
    }

    @Test
    void charmMetaAndLoad(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("metadata.yaml"), """
                name: etcd
                summary: s
                description: d
                peers: {cluster: etcd-peer}
                provides: {db: {interface: etcd}}
                requires: {certificates: {interface: tls-certificates, limit: 1, optional: true}}
                resources: {etcd: {type: file, filename: etcd.tar.gz}}
                storage: {data: {type: filesystem, location: /var/lib/etcd, minimum-size: 1G, multiple: {range: 0-1}}, logs: {type: block, multiple: {range: 2+}}}
                """);
        CharmFiles charm = CharmFiles.load(dir);
        Metadata m = charm.metadata();
        assertEquals(List.of("cluster", "db", "certificates"), List.copyOf(m.endpoints().keySet()));
        assertEquals(Endpoint.Role.PEER, m.endpoint("cluster").orElseThrow().role());
        assertEquals("etcd-peer", m.endpoint("cluster").orElseThrow().interfaceName());
        assertEquals(1, m.endpoint("certificates").orElseThrow().limit());
        assertEquals(new Storage("data", "filesystem", "/var/lib/etcd", 0, 1, 1024), m.storage().get("data"));
        assertEquals(-1, m.storage().get("logs").maxCount());
        assertEquals("etcd.tar.gz", m.resources().get("etcd").filename());
        assertTrue(charm.config().options().isEmpty());
        assertFalse(m.hasBinding("nope"));
        assertEquals("invalid metadata.yaml: \"summary\" must be a string", assertThrows(CharmFileException.class,
                () -> Metadata.parse("name: x\ndescription: d\n")).getMessage());
        assertTrue(assertThrows(CharmFileException.class, () -> Metadata.parse("name: x\nsummary: s\ndescription: d\n"
                + "provides: {juju-info: {interface: x}}\n")).getMessage().contains("reserved"));
        assertTrue(assertThrows(CharmFileException.class, () -> CharmFiles.load(dir.resolve("missing")))
                .getMessage().startsWith("charm missing from disk"));
    }

    @Test
    void typedValuesFollowTheOptionType() {
        ConfigSchema s = ConfigSchema.parse(CONFIG);
        ConfigOption port = s.require("port");
        assertEquals(Optional.of(5L), port.typed(5));
        assertEquals(Optional.of(5L), port.typed((short) 5));
        assertEquals(Optional.of(5L), port.typed(BigInteger.valueOf(5)));
        assertEquals(Optional.empty(), port.typed(BigInteger.TWO.pow(64)));
        assertEquals(Optional.empty(), port.typed(5.5));
        assertEquals(Optional.empty(), port.typed("5"));
        assertEquals(Optional.of(1.0), s.require("ratio").typed(1));
        assertEquals(Optional.empty(), s.require("ratio").typed(BigInteger.ONE));
        assertEquals(Optional.of(true), s.require("tls").typed(true));
        assertEquals(Optional.empty(), s.require("tls").typed("true"));
        assertEquals(Optional.of("x"), s.require("token").typed("x"));
        assertEquals(Optional.empty(), s.require("name").typed(5));
        assertEquals("invalid config default: option \"a\" expected float, got true",
                assertThrows(CharmFileException.class,
                        () -> ConfigSchema.parse("options:\n  a: {type: float, default: true}\n")).getMessage());
    }

    @Test
    void unevaluatedKeywordsAreListedNotRefused() {
        ActionsSpec spec = ActionsSpec.parse("""
                go:
                  $comment: x
                  params:
                    list:
                      type: array
                      uniqueItems: true
                      items: {type: object, properties: {k: {type: string, format: uri}}}
                    plain: {type: string, examples: [a], title: Plain}
                """);
        assertEquals(List.of("(root): $comment", "list: uniqueItems", "list.items.k: format"),
                spec.action("go").orElseThrow().unevaluatedKeywords());
        assertEquals(List.of(), ActionsSpec.parse(ACTIONS).action("open").orElseThrow().unevaluatedKeywords());
    }

    @Test
    void endpointsKeepTheirRoleAndBindingsIncludeExtraOnes() {
        Metadata m = Metadata.parse("""
                name: x
                summary: s
                description: d
                requires: {certificates: {interface: tls-certificates}}
                peers: {cluster: {interface: x-peer}}
                extra-bindings: {public: }
                """);
        assertEquals(List.of("cluster", "certificates"), List.copyOf(m.endpoints().keySet()));
        assertEquals("peers", m.endpoint("cluster").orElseThrow().role().section());
        assertEquals(Endpoint.Role.REQUIRER, m.endpoint("certificates").orElseThrow().role());
        assertEquals(Set.of("public"), m.extraBindings());
        assertTrue(m.hasBinding("public"));
        assertTrue(m.hasBinding("cluster"));
        assertEquals("invalid metadata.yaml requires.cluster: endpoint \"cluster\" declared twice",
                assertThrows(CharmFileException.class, () -> Metadata.parse("name: x\nsummary: s\ndescription: d\n"
                        + "peers: {cluster: p}\nrequires: {cluster: r}\n")).getMessage());
    }

    @Test
    void sizesAreReadAsJujuReadsThem() {
        assertEquals(64, Storage.parseSizeMb("64M"));
        assertEquals(64, Storage.parseSizeMb("64"));
        assertEquals(1024, Storage.parseSizeMb("1G"));
        assertEquals(1536, Storage.parseSizeMb("1.5G"));
        assertEquals(1024 * 1024, Storage.parseSizeMb("1T"));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Storage.parseSizeMb("big"));
        assertTrue(bad.getMessage().contains("\"big\""), bad.getMessage());
    }
}
