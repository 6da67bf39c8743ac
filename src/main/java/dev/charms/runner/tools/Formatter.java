package dev.charms.runner.tools;

import java.util.List;
import java.util.Set;

/** Juju's {@code --format smart|yaml|json} output rules (cmd package output.go). */
final class Formatter {
    static final Set<String> FORMATS = Set.of("smart", "yaml", "json");

    private Formatter() {
    }

    /** Renders {@code value}; {@code format} must be one of {@link #FORMATS}. */
    static String format(Object value, String format) {
        return switch (format) {
            case "json" -> GoJson.write(value) + "\n";
            case "yaml" -> GoYaml.write(value);
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
        if (value instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
            return String.join("\n", l.stream().map(String::valueOf).toList()) + "\n";
        }
        return GoYaml.write(value);
    }
}
