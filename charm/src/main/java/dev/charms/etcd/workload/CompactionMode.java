package dev.charms.etcd.workload;

import java.util.Locale;
import java.util.regex.Pattern;

/** etcd's {@code auto-compaction-mode}, with the retention syntax each mode accepts. */
public enum CompactionMode {
    /** Retention is a duration ("30m", "1h30m", "12h") or a whole number of hours. */
    PERIODIC,
    /** Retention is a whole number of revisions. */
    REVISION;

    private static final Pattern DURATION = Pattern.compile("(\\d+(\\.\\d+)?(h|m|s|ms))+");
    private static final Pattern WHOLE = Pattern.compile("\\d{1,18}");

    /** The value etcd expects ("periodic" or "revision"). */
    public String etcdName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the charm option value; throws naming the option and the allowed values. */
    public static CompactionMode parse(String text) {
        String t = text == null ? "" : text.strip();
        for (CompactionMode mode : values()) {
            if (mode.etcdName().equals(t)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("auto-compaction-mode '" + t + "' is not one of: periodic, revision");
    }

    /**
     * Returns the stripped retention if valid for this mode ("0" disables compaction in both);
     * otherwise throws naming the option, the value and the expected syntax.
     */
    public String checkRetention(String retention) {
        String r = retention == null ? "" : retention.strip();
        boolean ok = this == PERIODIC ? WHOLE.matcher(r).matches() || DURATION.matcher(r).matches()
                : WHOLE.matcher(r).matches();
        if (!ok) {
            String expected = this == PERIODIC
                    ? "a duration such as 30m, 1h or 1h30m, or a whole number of hours"
                    : "a whole number of revisions";
            throw new IllegalArgumentException("auto-compaction-retention '" + r + "' is invalid for mode "
                    + etcdName() + ": expected " + expected);
        }
        return r;
    }
}
