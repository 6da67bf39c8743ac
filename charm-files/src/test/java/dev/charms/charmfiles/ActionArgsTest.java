package dev.charms.charmfiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code key=value} arguments typed as {@code juju run} and {@code juju run-action} type them. */
class ActionArgsTest {
    @Test
    void scalarsAreTypedAsGoYamlV2TypesThem() {
        assertEquals(12345L, ActionArgs.value("12345"));
        assertEquals(-3L, ActionArgs.value("-3"));
        assertEquals(31L, ActionArgs.value("0x1F"));
        assertEquals(10L, ActionArgs.value("012"), "a leading zero is octal");
        assertEquals(1000L, ActionArgs.value("1_000"));
        assertEquals(new BigInteger("18446744073709551615"), ActionArgs.value("18446744073709551615"));
        assertEquals(1e20, ActionArgs.value("100000000000000000000"));
        assertEquals(1.5, ActionArgs.value("1.5"));
        assertEquals(1000.0, ActionArgs.value("1e3"));
        assertEquals(8.0, ActionArgs.value("08"), "not octal, so a float");
        assertEquals(0.5, ActionArgs.value(".5"));
        for (String t : List.of("true", "True", "TRUE", "yes", "Yes", "on", "ON", "y", "Y")) {
            assertEquals(true, ActionArgs.value(t), t);
        }
        for (String f : List.of("false", "no", "NO", "off", "Off", "n", "N")) {
            assertEquals(false, ActionArgs.value(f), f);
        }
        assertNull(ActionArgs.value("~"));
        assertNull(ActionArgs.value("null"));
        for (String s : List.of("2024-01-01", "2024-01-01T10:00:00Z", "10:30", "90s", "1h30m", "/srv/etcd-backups",
                "etcd-2", "etcd/2", "all", "my-app", "app.user@x-1", "ecdsa-p256", "ED25519", "~/snaps", "1.2.3",
                "0x", "+", "1e400", "<sha256>")) {
            assertEquals(s, ActionArgs.value(s), s);
        }
        assertEquals("", ActionArgs.value(""));
        assertEquals("#x", ActionArgs.value("#x"), "a comment holds no document");
        assertEquals("12345", ActionArgs.value("'12345'"));
        assertEquals("true", ActionArgs.value("\"true\""));
        assertEquals("7", ActionArgs.value("!!str 7"));
        assertEquals(List.of(1L, "a"), ActionArgs.value("[1, a]"));
        assertEquals(Map.of("a", 1L), ActionArgs.value("{a: 1}"));
        assertEquals("yaml: found undefined alias x", assertThrows(ActionArgs.InvalidArgumentException.class,
                () -> ActionArgs.value("*x")).getMessage().replace("found undefined alias: x", "found undefined alias x"));
        assertThrows(ActionArgs.InvalidArgumentException.class, () -> ActionArgs.value(".nan"));
        assertThrows(ActionArgs.InvalidArgumentException.class, () -> ActionArgs.value("[a"));
    }

    @Test
    void argumentsBecomeParametersUnlessStringArgs() {
        Map<String, Object> typed = ActionArgs.parse(List.of("revision=12345", "physical=true", "member=etcd/2",
                "target=", "file.kind=xz", "file.quality=9"), false);
        assertEquals(Map.of("revision", 12345L, "physical", true, "member", "etcd/2", "target", "",
                "file", Map.of("kind", "xz", "quality", 9L)), typed);
        assertEquals(Map.of("revision", "12345", "physical", "true", "x", "a=b"),
                ActionArgs.parse(List.of("revision=12345", "physical=true", "x=a=b"), true));
        assertEquals(Map.of("revision", 2L), ActionArgs.parse(List.of("revision=1", "revision=2"), false));
        assertEquals("argument \"revision\" must be of the form key.key.key...=value",
                assertThrows(ActionArgs.InvalidArgumentException.class,
                        () -> ActionArgs.parse(List.of("revision"), false)).getMessage());
        assertEquals("key \"Revision\" must start and end with lowercase alphanumeric, and contain only lowercase"
                + " alphanumeric and hyphens", assertThrows(ActionArgs.InvalidArgumentException.class,
                        () -> ActionArgs.parse(List.of("Revision=1"), false)).getMessage());
    }

    @Test
    void aNumberTypedBareIsRefusedByAStringParameter() {
        ActionsSpec spec = ActionsSpec.parse("""
                compact:
                  params:
                    revision: {type: string, default: "", pattern: "^[0-9]*$"}
                  additionalProperties: false
                """);
        assertEquals("validation failed: revision: Invalid type. Expected: string, given: integer",
                assertThrows(CharmFileException.class,
                        () -> spec.validate("compact", ActionArgs.parse(List.of("revision=12345"), false))).getMessage());
        assertEquals(Map.of("revision", "12345"), spec.validate("compact", ActionArgs.parse(List.of("revision=12345"), true)));
    }

    @Test
    void aParameterDeclaredIntegerOrStringTakesBothForms() {
        ActionsSpec spec = ActionsSpec.parse("""
                compact:
                  params:
                    revision:
                      type: [integer, string]
                      default: ""
                      minimum: 1
                      pattern: "^[0-9]*$"
                  additionalProperties: false
                """);
        assertEquals(Map.of("revision", 12345L), spec.validate("compact", ActionArgs.parse(List.of("revision=12345"), false)));
        assertEquals(Map.of("revision", "12345"), spec.validate("compact", ActionArgs.parse(List.of("revision=12345"), true)));
        assertEquals(Map.of("revision", ""), spec.validate("compact", Map.of()));
        assertEquals(Map.of("revision", ""), spec.validate("compact", ActionArgs.parse(List.of("revision="), false)));
        assertEquals("validation failed: revision: Must be greater than or equal to 1", assertThrows(CharmFileException.class,
                () -> spec.validate("compact", ActionArgs.parse(List.of("revision=-5"), false))).getMessage());
        assertEquals("validation failed: revision: Does not match pattern '^[0-9]*$'", assertThrows(CharmFileException.class,
                () -> spec.validate("compact", ActionArgs.parse(List.of("revision=abc"), false))).getMessage());
        assertEquals("validation failed: revision: Invalid type. Expected: [integer,string], given: number",
                assertThrows(CharmFileException.class,
                        () -> spec.validate("compact", ActionArgs.parse(List.of("revision=1.5"), false))).getMessage());
    }
}
