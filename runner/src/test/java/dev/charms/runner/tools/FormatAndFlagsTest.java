package dev.charms.runner.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormatAndFlagsTest {
    @Test
    void smartRules() {
        assertEquals("", Formatter.format(null, "smart"));
        assertEquals("", Formatter.format("", "smart"));
        assertEquals("abc\n", Formatter.format("abc", "smart"));
        assertEquals("a\nb\n", Formatter.format(List.of("a", "b"), "smart"));
        assertEquals("\n", Formatter.format(List.of(), "smart"));
        assertEquals("True\n", Formatter.format(true, "smart"));
        assertEquals("0.5\n", Formatter.format(0.5, "smart"));
        assertEquals("1000000000000000000000\n", Formatter.format(1e21, "smart"));
        assertEquals("7\n", Formatter.format(7L, "smart"));
        assertEquals("a: 1\n", Formatter.format(Map.of("a", 1), "smart"));
    }

    @Test
    void jsonRules() {
        assertEquals("null\n", Formatter.format(null, "json"));
        assertEquals("\"\\u003cb\\u003e \\u0026\"\n", Formatter.format("<b> &", "json"));
        assertEquals("{\"a\":2,\"b\":[1.5,true]}\n", Formatter.format(Map.of("b", List.of(1.5, true), "a", 2.0), "json"));
    }

    @Test
    void yamlQuotingLikeGoYamlV2() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("y", "yes");
        m.put("num", "123");
        m.put("float", "1.5");
        m.put("empty", "");
        m.put("colon", "a: b");
        m.put("dash", "-x");
        m.put("star", "*x");
        m.put("plain", "hello world");
        m.put("null", null);
        m.put("spaces", " padded ");
        m.put("multi", "l1\nl2");
        m.put("trail", "l1\n");
        assertEquals("""
                colon: "a: b"
                dash: -x
                empty: ""
                float: "1.5"
                multi: |-
                  l1
                  l2
                "null": null
                num: "123"
                plain: hello world
                spaces: " padded "
                star: "*x"
                trail: |
                  l1
                "y": "yes"
                """, Formatter.format(m, "yaml"));
        assertEquals("", Formatter.format(null, "yaml"));
        assertEquals("{}\n", Formatter.format(Map.of(), "yaml"));
        assertEquals("- a\n- b: 1\n  c: 2\n", Formatter.format(List.of("a", Map.of("c", 2, "b", 1)), "yaml"));
        assertEquals("units:\n  etcd/2: x\n  etcd/10: z\n",
                Formatter.format(Map.of("units", Map.of("etcd/10", "z", "etcd/2", "x")), "yaml"));
    }

    @Test
    void flagForms() throws ToolException {
        Flags flags = new Flags().value("r", "relation").bool("app").value("format");
        Flags.Parsed p = flags.parse(List.of("-rcluster:3", "key", "--app", "--format", "json", "--", "--app=x"));
        assertEquals("cluster:3", p.value("r"));
        assertEquals("json", p.value("format"));
        assertTrue(p.has("app"));
        assertEquals(List.of("key", "--app=x"), p.positional());
        assertEquals("3", flags.parse(List.of("-r=3")).value("r"));
        assertEquals("3", flags.parse(List.of("--relation=3")).value("r"));
        assertEquals("--relation", flags.parse(List.of("--relation", "3")).writtenAs("r"));
        assertEquals(false, flags.parse(List.of("--app", "--app=false")).has("app"));
        assertEquals(List.of("-"), flags.parse(List.of("-")).positional());
        ToolException e = assertThrows(ToolException.class, () -> flags.parse(List.of("-x")));
        assertEquals("option provided but not defined: -x", e.getMessage());
        assertEquals(2, e.code());
        e = assertThrows(ToolException.class, () -> flags.parse(List.of("--format")));
        assertEquals("option needs an argument: --format", e.getMessage());
    }

    @Test
    void goQuoting() {
        assertEquals("[\"x\" \"y\\\"z\"]", ToolCall.goQuoted(List.of("x", "y\"z")));
    }
}
