package dev.charms.charmfiles;

import java.math.BigInteger;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One option of config.yaml.
 *
 * @param type         string, int, float, boolean or secret
 * @param defaultValue the typed default (String, Long, Double or Boolean), or null when there is none
 */
public record ConfigOption(String name, String type, String description, Object defaultValue) {
    static final Set<String> TYPES = Set.of("string", "int", "float", "boolean", "secret");
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");
    private static final Pattern INT = Pattern.compile("[+-]?\\d+");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?((\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[iI][nN][fF]([iI][nN][iI][tT][yY])?|[nN][aA][nN])");

    /**
     * A value in the option's Java type (Long for int, Double for float, Boolean, or String for string and
     * secret), or empty when the value is not of the option's type (a YAML default, or a test's config).
     */
    public Optional<Object> typed(Object value) {
        return Optional.ofNullable(switch (type) {
            case "int" -> value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte ? (Object) ((Number) value).longValue()
                    : value instanceof BigInteger b && b.bitLength() < 64 ? b.longValue() : null;
            case "float" -> value instanceof Number n && !(value instanceof BigInteger) ? n.doubleValue() : null;
            case "boolean" -> value instanceof Boolean ? value : null;
            default -> value instanceof String ? value : null;
        });
    }

    /**
     * Parses a {@code juju config} string as Juju does (Go {@code strconv} rules per type). An empty value
     * for a non-string option is null (reset to default); a value of the wrong type is refused with
     * {@code option "port" expected int, got "abc"}.
     */
    public Object parse(String text) {
        if (type.equals("string") || type.equals("secret")) {
            return text;
        }
        if (text.isEmpty()) {
            return null;
        }
        switch (type) {
            case "int" -> {
                if (INT.matcher(text).matches()) {
                    try {
                        return Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        break;
                    }
                }
            }
            case "float" -> {
                if (FLOAT.matcher(text).matches()) {
                    String s = text.toLowerCase();
                    if (s.contains("inf")) {
                        return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    }
                    return s.contains("nan") ? Double.NaN : Double.parseDouble(text);
                }
            }
            case "boolean" -> {
                if (TRUE.contains(text)) {
                    return true;
                }
                if (FALSE.contains(text)) {
                    return false;
                }
            }
            default -> throw new IllegalStateException(type);
        }
        throw new CharmFileException("option \"" + name + "\" expected " + type + ", got \"" + text + "\"");
    }
}
