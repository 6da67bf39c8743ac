package dev.charms.etcd.actions;

import dev.charms.ops.ActionFailedException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;

/**
 * Reads action parameters that arrive in more than one form. {@code juju run} types each
 * {@code key=value} as YAML unless {@code --string-args} is given (docs/juju-contract.md, section 7), so
 * a number typed bare arrives as a number and the same number with {@code --string-args} (or quoted in
 * a {@code --params} file) as a string; a boolean likewise. Each bad value fails the action with a
 * message naming the parameter.
 */
public final class ActionParams {
    /** The words YAML 1.1 (as Juju's parser reads it) takes for true and for false. */
    private static final Set<String> TRUE = Set.of("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y");
    private static final Set<String> FALSE = Set.of("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF",
            "n", "N");

    private ActionParams() {
    }

    /**
     * A whole number given as a number ({@code 90}, or {@code 90.0} as JSON may carry it) or as a string
     * of decimal digits ({@code "90"}, surrounding blanks ignored), between {@code min} and {@code max}.
     */
    public static long wholeNumber(String name, Object value, long min, long max) {
        BigInteger n = toInteger(name, value);
        boolean low = n.compareTo(BigInteger.valueOf(min)) < 0;
        boolean high = n.compareTo(BigInteger.valueOf(max)) > 0;
        if (max == Long.MAX_VALUE && (low || high)) {
            throw new ActionFailedException(name + " " + n + (low ? " must be at least " + min : " is too large"));
        }
        if (low || high) {
            throw new ActionFailedException(name + " " + n + " is out of range " + min + "-" + max);
        }
        return n.longValueExact();
    }

    private static BigInteger toInteger(String name, Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger b) {
            return b;
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d)) {
                return new BigDecimal(d).toBigIntegerExact();
            }
            throw new ActionFailedException(name + " " + n + " is not a whole number");
        }
        if (value instanceof String s) {
            String t = s.strip();
            if (t.matches("[-+]?[0-9]+")) {
                return new BigInteger(t.startsWith("+") ? t.substring(1) : t);
            }
            throw new ActionFailedException(name + " '" + s + "' is not a whole number");
        }
        throw new ActionFailedException(name + " " + value + " is not a whole number");
    }

    /**
     * A boolean given as a boolean or as one of YAML's words for it ({@code "true"}, {@code "no"},
     * {@code "on"}, ...); {@code fallback} when absent.
     */
    public static boolean flag(String name, Object value, boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && TRUE.contains(s.strip())) {
            return true;
        }
        if (value instanceof String s && FALSE.contains(s.strip())) {
            return false;
        }
        throw new ActionFailedException(name + " must be true or false, got " + (value instanceof String ? "'" + value + "'" : value));
    }
}
