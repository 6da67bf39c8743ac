package dev.charms.runner.tools;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Normalizes tool output values (maps, lists, strings, numbers, booleans) the way Go would see them. */
final class Values {
    private Values() {
    }

    /** Deep copy with string keys sorted, small integers as Long. */
    static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>(GoYaml.NATURAL);
            m.forEach((k, x) -> out.put(String.valueOf(k), normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    /** Go's strconv.FormatFloat(f, 'g', -1, 64), with YAML spellings of infinities and NaN when {@code yaml}. */
    static String goFloat(double d, boolean yaml) {
        if (Double.isNaN(d)) {
            return yaml ? ".nan" : "NaN";
        }
        if (Double.isInfinite(d)) {
            return yaml ? (d > 0 ? ".inf" : "-.inf") : (d > 0 ? "+Inf" : "-Inf");
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 21) {
            String digits = bd.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        return bd.toPlainString();
    }
}
