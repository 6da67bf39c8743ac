package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateEngineTest {
    @Test
    void substitutesVariables() {
        assertEquals("a=1, b=two", TemplateEngine.render("a={{a}}, b={{ b }}", Map.of("a", "1", "b", "two")));
    }

    @Test
    void rendersListSectionOncePerItemAndDropsStandaloneTagLines() {
        String t = "suites:\n{{#items}}\n  - {{.}}\n{{/items}}\nend\n";
        assertEquals("suites:\n  - x\n  - y\nend\n", TemplateEngine.render(t, Map.of("items", List.of("x", "y"))));
        assertEquals("suites:\nend\n", TemplateEngine.render(t, Map.of("items", List.of())));
    }

    @Test
    void booleanAndInvertedSections() {
        String t = "{{#on}}yes {{v}}{{/on}}{{^on}}no{{/on}}";
        assertEquals("yes 1", TemplateEngine.render(t, Map.of("on", true, "v", "1")));
        assertEquals("no", TemplateEngine.render(t, Map.of("on", false, "v", "1")));
    }

    @Test
    void inlineSectionKeepsSurroundingText() {
        assertEquals("[a,b,]", TemplateEngine.render("[{{#l}}{{.}},{{/l}}]", Map.of("l", List.of("a", "b"))));
    }

    @Test
    void missingVariableIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemplateEngine.render("x={{nope}}", Map.of()));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void malformedTemplatesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> TemplateEngine.render("{{#l}}x", Map.of("l", List.of())));
        assertThrows(IllegalArgumentException.class, () -> TemplateEngine.render("x{{/l}}", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TemplateEngine.render("x {{a", Map.of("a", "1")));
        assertThrows(IllegalArgumentException.class, () -> TemplateEngine.render("{{.}}", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> TemplateEngine.render("{{l}}", Map.of("l", List.of("a"))));
    }
}
