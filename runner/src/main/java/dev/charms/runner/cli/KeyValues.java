package dev.charms.runner.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code key=value} command-line arguments. */
final class KeyValues {
    private KeyValues() {
    }

    /** Splits each {@code k=v} at the first '='; anything without '=' is an error naming the argument. */
    static Map<String, String> parse(List<String> pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        if (pairs == null) {
            return out;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CliException("expected key=value, got \"" + pair + "\"", 2);
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }
}
