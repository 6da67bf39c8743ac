package dev.charms.etcd.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code backup-schedule} option: empty (no scheduled backups) or an interval, a whole number
 * followed by {@code s}, {@code m}, {@code h} or {@code d} ({@code 6h}, {@code 1d}); at least
 * {@link #MIN} and at most 30 days. Periods are aligned to the epoch, so every unit computes the same
 * period for the same instant (docs/backups.md, "Scheduled backups").
 */
public final class BackupSchedule {
    /** The shortest interval accepted. */
    public static final Duration MIN = Duration.ofSeconds(20);
    private static final Duration MAX = Duration.ofDays(30);
    private static final Pattern INTERVAL = Pattern.compile("^([0-9]{1,7})([smhd])$");

    private BackupSchedule() {
    }

    /** The interval; empty when scheduling is off; an {@link IllegalArgumentException} names a bad value. */
    public static Optional<Duration> parse(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = INTERVAL.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("backup-schedule must be empty or an interval such as 30m, 6h or 1d, got '"
                    + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("backup-schedule must be between 20s and 30d, got '" + value + "'");
        }
        return Optional.of(d);
    }

    /** The start of the period {@code now} falls in. */
    public static Instant periodStart(Instant now, Duration interval) {
        long p = interval.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), p) * p);
    }
}
