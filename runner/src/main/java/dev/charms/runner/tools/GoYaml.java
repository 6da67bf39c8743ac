package dev.charms.runner.tools;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes values as Go's gopkg.in/yaml.v2 marshals them (which is what Juju's {@code --format yaml} and
 * {@code smart} print): map keys in natural order, sequences in maps not indented, strings plain unless
 * they would read back as something else (then double-quoted), multi-line strings as literal blocks.
 */
final class GoYaml {
    private static final Pattern RESOLVES_NON_STRING = Pattern.compile(String.join("|",
            "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            "~|null|Null|NULL",
            "[-+]?(0|[1-9][0-9_]*)", "[-+]?0b[01_]+", "[-+]?0[0-7_]+", "[-+]?0x[0-9a-fA-F_]+",
            "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?", "[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)",
            "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?",
            "[-+]?\\.(inf|Inf|INF)", "\\.(nan|NaN|NAN)", "<<", "="));
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

    /** Orders map keys as yaml.v2 does: digit runs compare as numbers. */
    static final Comparator<String> NATURAL = GoYaml::naturalCompare;

    private GoYaml() {
    }

    /** The YAML document for {@code value} (ends with a newline); null gives "". */
    static String write(Object value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        Object v = Values.normalize(value);
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            writeMap(sb, m, 0);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            writeList(sb, l, 0);
        } else {
            sb.append(scalar(v, 0)).append('\n');
        }
        return sb.toString();
    }

    private static void writeMap(StringBuilder sb, Map<?, ?> m, int indent) {
        List<String> keys = new ArrayList<>();
        m.keySet().forEach(k -> keys.add(String.valueOf(k)));
        keys.sort(NATURAL);
        boolean first = true;
        for (String k : keys) {
            if (!first) {
                sb.append(" ".repeat(indent));
            }
            first = false;
            sb.append(string(k, indent)).append(':');
            Object v = m.get(k);
            if (v instanceof Map<?, ?> sub && !sub.isEmpty()) {
                sb.append('\n').append(" ".repeat(indent + 2));
                writeMap(sb, sub, indent + 2);
            } else if (v instanceof List<?> l && !l.isEmpty()) {
                sb.append('\n').append(" ".repeat(indent));
                writeList(sb, l, indent);
            } else {
                sb.append(' ').append(scalar(v, indent + 2)).append('\n');
            }
        }
    }

    private static void writeList(StringBuilder sb, List<?> l, int indent) {
        boolean first = true;
        for (Object v : l) {
            if (!first) {
                sb.append(" ".repeat(indent));
            }
            first = false;
            sb.append("- ");
            if (v instanceof Map<?, ?> sub && !sub.isEmpty()) {
                writeMap(sb, sub, indent + 2);
            } else if (v instanceof List<?> inner && !inner.isEmpty()) {
                writeList(sb, inner, indent + 2);
            } else {
                sb.append(scalar(v, indent + 2)).append('\n');
            }
        }
    }

    private static String scalar(Object v, int indent) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v instanceof Double d) {
            return Values.goFloat(d, true);
        }
        if (v instanceof String s) {
            return string(s, indent);
        }
        return String.valueOf(v);
    }

    private static String string(String s, int indent) {
        if (s.contains("\n") && literalAllowed(s)) {
            return literal(s, indent);
        }
        return plainAllowed(s) ? s : doubleQuoted(s);
    }

    private static boolean literalAllowed(String s) {
        return !s.startsWith(" ") && !s.startsWith("\n") && s.chars().allMatch(c -> c == '\n' || (c >= 0x20 && c != 0x7f));
    }

    private static String literal(String s, int indent) {
        String chomp = s.endsWith("\n\n") ? "+" : s.endsWith("\n") ? "" : "-";
        String body = s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        StringBuilder sb = new StringBuilder("|").append(chomp);
        String pad = " ".repeat(Math.max(indent, 2));
        for (String line : body.split("\n", -1)) {
            sb.append('\n');
            if (!line.isEmpty()) {
                sb.append(pad).append(line);
            }
        }
        return sb.toString();
    }

    static boolean plainAllowed(String s) {
        if (s.isEmpty() || RESOLVES_NON_STRING.matcher(s).matches()) {
            return false;
        }
        char first = s.charAt(0);
        char last = s.charAt(s.length() - 1);
        if (Character.isWhitespace(first) || Character.isWhitespace(last)) {
            return false;
        }
        if (INDICATORS.indexOf(first) >= 0 && !((first == '-' || first == '?' || first == ':') && s.length() > 1
                && s.charAt(1) != ' ' && !s.startsWith("---"))) {
            return false;
        }
        if (s.contains(": ") || s.contains(" #") || last == ':') {
            return false;
        }
        return s.chars().allMatch(c -> c >= 0x20 && c != 0x7f && c != 0xfeff);
    }

    private static String doubleQuoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                case 0 -> sb.append("\\0");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
