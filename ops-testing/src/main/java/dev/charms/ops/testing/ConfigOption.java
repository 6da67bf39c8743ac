package dev.charms.ops.testing;

import java.math.BigInteger;

/**
 * One option of config.yaml: its Juju type ({@code string}, {@code int}, {@code float}, {@code boolean},
 * {@code secret}) and its default (null when it has none, so {@code config-get} leaves it out).
 */
public record ConfigOption(String name, String type, Object defaultValue) {
    /** Checks the type and the default as Juju does when it reads config.yaml. */
    public ConfigOption {
        type = type == null ? "string" : type;
        if (!java.util.Set.of("string", "int", "float", "boolean", "secret").contains(type)) {
            throw new IllegalArgumentException("config.yaml: option '" + name + "' has unknown type '" + type
                    + "' (expected string, int, float, boolean or secret)");
        }
        if (defaultValue != null) {
            try {
                defaultValue = coerce(name, type, defaultValue);
            } catch (InconsistentStateException e) {
                throw new IllegalArgumentException("config.yaml: invalid default: " + e.getMessage());
            }
        }
    }

    /** The value as {@code config-get} would give it, or an exception when Juju would refuse it. */
    public Object normalize(Object value) {
        return coerce(name, type, value);
    }

    private static Object coerce(String name, String type, Object value) {
        switch (type) {
            case "int":
                if (value instanceof Long || value instanceof Integer || value instanceof Short
                        || value instanceof Byte) {
                    return ((Number) value).longValue();
                }
                if (value instanceof BigInteger b && b.bitLength() < 64) {
                    return b.longValue();
                }
                break;
            case "float":
                if (value instanceof Number n) {
                    return n.doubleValue();
                }
                break;
            case "boolean":
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            default:
                if (value instanceof String) {
                    return value;
                }
                break;
        }
        throw new InconsistentStateException("config option '" + name + "' expected " + type + ", got "
                + describe(value));
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String shown = value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        return value.getClass().getSimpleName() + " " + shown;
    }
}
