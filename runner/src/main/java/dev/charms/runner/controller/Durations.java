package dev.charms.runner.controller;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations the way Juju (Go) writes them: {@code 500ms}, {@code 10s}, {@code 1m30s}, {@code 2h}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    /** Parses {@code text}; a bare number means seconds. Fails with a message naming the value. */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = PART.matcher(t);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double value = Double.parseDouble(m.group(1));
            millis += (long) (value * switch (m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1000;
                case "m" -> 60_000;
                default -> 3_600_000;
            });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (expected e.g. 30s, 5m, 1h)");
        }
        return Duration.ofMillis(millis);
    }

    /** Formats like Go's time.Duration: {@code 5m0s}, {@code 10s}, {@code 1.5s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        long frac = ms % 1000;
        String sec = frac == 0 ? s + "s" : s + "." + String.format("%03d", frac).replaceAll("0+$", "") + "s";
        if (h > 0) {
            return h + "h" + m + "m" + sec;
        }
        return m > 0 ? m + "m" + sec : sec;
    }
}
