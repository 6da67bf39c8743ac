package dev.charms.etcd.workload;

import java.util.List;
import java.util.Map;

/**
 * A tiny logic-less template engine (a strict subset of Mustache, without escaping):
 * <ul>
 *   <li>{@code {{name}}} is replaced by the String value of {@code name};</li>
 *   <li>{@code {{#name}}...{{/name}}} renders its body once per element of a List value (the
 *       element is {@code {{.}}}), once for {@code true}, never for {@code false} or an empty list;</li>
 *   <li>{@code {{^name}}...{{/name}}} renders its body only for {@code false} or an empty list.</li>
 * </ul>
 * A line holding nothing but a section tag is dropped entirely. A missing variable, a value of the
 * wrong type or an unbalanced section is an error: nothing is ever silently rendered empty.
 */
public final class TemplateEngine {
    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";

    private TemplateEngine() {
    }

    /** Renders {@code template} with {@code values} (String, Boolean or List of String). */
    public static String render(String template, Map<String, ?> values) {
        return render(template, values, null);
    }

    private static String render(String template, Map<String, ?> values, String item) {
        StringBuilder out = new StringBuilder(template.length() + 256);
        int pos = 0;
        while (true) {
            int open = template.indexOf(OPEN, pos);
            if (open < 0) {
                out.append(template, pos, template.length());
                return out.toString();
            }
            int close = template.indexOf(CLOSE, open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{{' at offset " + open);
            }
            String tag = template.substring(open + 2, close).strip();
            if (tag.startsWith("#") || tag.startsWith("^")) {
                String name = tag.substring(1).strip();
                int[] bodyOpen = standalone(template, open, close + 2);
                int end = findClose(template, name, close + 2);
                int endTagClose = template.indexOf(CLOSE, end) + 2;
                int[] bodyClose = standalone(template, end, endTagClose);
                out.append(template, pos, bodyOpen[0]);
                String body = template.substring(bodyOpen[1], bodyClose[0]);
                Object value = lookup(values, name);
                if (tag.startsWith("#")) {
                    appendSection(out, name, value, body, values);
                } else if (Boolean.FALSE.equals(value) || (value instanceof List<?> l && l.isEmpty())) {
                    out.append(render(body, values, item));
                }
                pos = bodyClose[1];
            } else if (tag.startsWith("/")) {
                throw new IllegalArgumentException("section end '{{" + tag + "}}' without a start");
            } else {
                out.append(template, pos, open);
                if (tag.equals(".")) {
                    if (item == null) {
                        throw new IllegalArgumentException("'{{.}}' outside a list section");
                    }
                    out.append(item);
                } else {
                    Object value = lookup(values, tag);
                    if (!(value instanceof String s)) {
                        throw new IllegalArgumentException("template variable '" + tag + "' is not a string");
                    }
                    out.append(s);
                }
                pos = close + 2;
            }
        }
    }

    private static void appendSection(StringBuilder out, String name, Object value, String body, Map<String, ?> values) {
        if (value instanceof Boolean b) {
            if (b) {
                out.append(render(body, values, null));
            }
        } else if (value instanceof List<?> list) {
            for (Object element : list) {
                out.append(render(body, values, String.valueOf(element)));
            }
        } else {
            throw new IllegalArgumentException("template section '" + name + "' needs a boolean or a list");
        }
    }

    private static Object lookup(Map<String, ?> values, String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("template variable '" + name + "' has no value");
        }
        return value;
    }

    /** Finds the matching {@code {{/name}}}, allowing nested sections of the same name. */
    private static int findClose(String template, String name, int from) {
        int depth = 1;
        int pos = from;
        while (true) {
            int open = template.indexOf(OPEN, pos);
            if (open < 0) {
                throw new IllegalArgumentException("section '" + name + "' is not closed");
            }
            int close = template.indexOf(CLOSE, open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '{{' at offset " + open);
            }
            String tag = template.substring(open + 2, close).strip();
            if ((tag.startsWith("#") || tag.startsWith("^")) && tag.substring(1).strip().equals(name)) {
                depth++;
            } else if (tag.startsWith("/") && tag.substring(1).strip().equals(name) && --depth == 0) {
                return open;
            }
            pos = close + 2;
        }
    }

    /**
     * For a tag spanning [start, end): if it is alone on its line, returns the whole line's bounds
     * (including its newline) so the line disappears; otherwise the tag's own bounds.
     */
    private static int[] standalone(String template, int start, int end) {
        int lineStart = template.lastIndexOf('\n', start - 1) + 1;
        int lineEnd = template.indexOf('\n', end);
        int after = lineEnd < 0 ? template.length() : lineEnd + 1;
        boolean blankBefore = template.substring(lineStart, start).isBlank();
        boolean blankAfter = template.substring(end, lineEnd < 0 ? template.length() : lineEnd).isBlank();
        return blankBefore && blankAfter ? new int[] {lineStart, after} : new int[] {start, end};
    }
}
