package dev.charms.runner.tools;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * Juju's {@code --format smart|yaml|json} output rules (juju/cmd output.go): smart prints strings raw
 * (empty: nothing), string lists one per line (an empty list prints an empty line), booleans as
 * True/False, floats in plain notation and everything else as YAML.
 */
final class Formatter {
    static final Set<String> FORMATS = Set.of("smart", "yaml", "json");

    private Formatter() {
    }

    /** Renders {@code value}; {@code format} must be one of {@link #FORMATS}. */
    static String format(Object value, String format) {
        return switch (format) {
            case "json" -> GoJson.write(value) + "\n";
            case "yaml" -> yaml(value);
            case "smart" -> smart(value);
            default -> throw new IllegalArgumentException(format);
        };
    }

    private static String smart(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s.isEmpty() ? "" : s + "\n";
        }
        if (value instanceof Boolean b) {
            return (b ? "True" : "False") + "\n";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return (Double.isFinite(d) ? new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString()
                    : Values.goFloat(d, false)) + "\n";
        }
        if (value instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
            return String.join("\n", l.stream().map(String::valueOf).toList()) + "\n";
        }
        return yaml(value);
    }

    /** FormatYaml: the document with trailing newlines collapsed to one; nothing for null or empty. */
    private static String yaml(Object value) {
        String doc = GoYaml.write(value);
        int end = doc.length();
        while (end > 1 && doc.charAt(end - 1) == '\n') {
            end--;
        }
        return end == 0 || doc.isEmpty() ? "" : doc.substring(0, end) + "\n";
    }
}
