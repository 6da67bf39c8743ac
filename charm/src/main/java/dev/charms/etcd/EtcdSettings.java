package dev.charms.etcd;

import dev.charms.etcd.workload.CipherSuites;
import dev.charms.ops.Config;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The charm's configuration, validated. {@link #parse} never throws for a user mistake: it returns the
 * problems, each naming the option and the reason, so the unit can be blocked with that message while
 * the running cluster stays untouched.
 */
public record EtcdSettings(int clientPort, int peerPort, boolean bindToAllInterfaces, int heartbeatInterval,
                           int electionTimeout, long snapshotCount, List<String> cipherSuites,
                           long quotaBackendBytes, String autoCompactionMode, String autoCompactionRetention,
                           int certificateValidityDays, Set<String> extraSans, int metricsPort) {

    /**
     * {@code snapshot_count=auto}: etcd's own default for the installed version (100000 before 3.6, 10000
     * from 3.6), which the rendered configuration states ({@link dev.charms.etcd.workload.EtcdConfig}).
     */
    public static final long AUTO_SNAPSHOT_COUNT = 0;
    private static final long MIB = 1024L * 1024L;
    private static final Pattern DURATION = Pattern.compile("^([0-9]+)(s|m|h)?$");
    private static final Pattern DNS_NAME = Pattern.compile(
            "^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$");

    /** Secure TLS 1.2 suites etcd (Go) accepts; CBC, RC4, 3DES and static-RSA suites are refused. */
    private static final Set<String> ALLOWED_CIPHER_SUITES = Set.copyOf(CipherSuites.SECURE_DEFAULT);

    /** The defaults of config.yaml, as config-get returns them (CharmFilesTest keeps the two equal). */
    public static java.util.Map<String, Object> defaultConfig() {
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        m.put("port", 2379L);
        m.put("management_port", 2380L);
        m.put("bind_to_all_interfaces", true);
        m.put("heartbeat_interval", 100L);
        m.put("election_timeout", 1000L);
        m.put("snapshot_count", "auto");
        m.put("tls_cipher_suites", "");
        m.put("quota-backend-bytes", 0L);
        m.put("auto-compaction-mode", "periodic");
        m.put("auto-compaction-retention", "1h");
        m.put("certificate-validity-days", 365L);
        m.put("certificate-extra-sans", "");
        m.put("metrics-port", 2381L);
        m.put("backup-retention-count", 0L);
        m.put("backup-retention-days", 0L);
        m.put("backup-schedule", "");
        return m;
    }

    /** Result of parsing: settings when valid, otherwise the problems. */
    public record Parsed(EtcdSettings settings, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public static Parsed parse(Config config) {
        List<String> problems = new ArrayList<>();
        int clientPort = intIn(config, "port", 1024, 65535, problems);
        int peerPort = intIn(config, "management_port", 1024, 65535, problems);
        if (clientPort > 0 && clientPort == peerPort) {
            problems.add("port and management_port must differ (both are " + clientPort + ")");
        }
        boolean bindAll = bool(config, "bind_to_all_interfaces", problems);
        int heartbeat = intIn(config, "heartbeat_interval", 10, 5000, problems);
        int election = intIn(config, "election_timeout", 50, 50000, problems);
        if (heartbeat > 0 && election > 0 && election < 5 * heartbeat) {
            problems.add("election_timeout must be at least 5 times heartbeat_interval (" + 5 * heartbeat
                    + " ms), got " + election);
        }
        long snapshotCount = snapshotCount(config, problems);
        List<String> ciphers = cipherSuites(config, problems);
        long quota = quota(config, problems);
        String mode = string(config, "auto-compaction-mode", problems);
        if (mode != null && !mode.equals("periodic") && !mode.equals("revision")) {
            problems.add("auto-compaction-mode must be periodic or revision, got '" + mode + "'");
            mode = null;
        }
        String retention = retention(config, mode, problems);
        int validity = intIn(config, "certificate-validity-days", 1, 3650, problems);
        Set<String> sans = extraSans(config, problems);
        int metricsPort = metricsPort(config, clientPort, peerPort, problems);
        intIn(config, "backup-retention-count", 0, 1000, problems); // read by create-backup (docs/backups.md)
        intIn(config, "backup-retention-days", 0, 3650, problems);
        String schedule = string(config, "backup-schedule", problems);
        if (schedule != null) {
            try {
                dev.charms.etcd.backup.BackupSchedule.parse(schedule);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            return new Parsed(null, List.copyOf(problems));
        }
        return new Parsed(new EtcdSettings(clientPort, peerPort, bindAll, heartbeat, election, snapshotCount, ciphers,
                quota, mode, retention, validity, sans, metricsPort), List.of());
    }

    /** A short text for the blocked status: the first problem, and how many more there are. */
    public static String summary(List<String> problems) {
        String first = "invalid config: " + problems.get(0);
        return problems.size() == 1 ? first : first + " (and " + (problems.size() - 1) + " more)";
    }

    private static int intIn(Config config, String key, int min, int max, List<String> problems) {
        long v;
        try {
            v = config.getLong(key);
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be a whole number");
            return -1;
        }
        if (v < min || v > max) {
            problems.add(key + " must be between " + min + " and " + max + ", got " + v);
            return -1;
        }
        return (int) v;
    }

    private static boolean bool(Config config, String key, List<String> problems) {
        try {
            return config.getBoolean(key);
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be true or false");
            return false;
        }
    }

    private static String string(Config config, String key, List<String> problems) {
        try {
            return config.getString(key).strip();
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be a string");
            return null;
        }
    }

    private static long snapshotCount(Config config, List<String> problems) {
        String raw = string(config, "snapshot_count", problems);
        if (raw == null) {
            return -1;
        }
        if (raw.equalsIgnoreCase("auto") || raw.isEmpty()) {
            return AUTO_SNAPSHOT_COUNT;
        }
        try {
            long v = Long.parseLong(raw);
            if (v >= 1000 && v <= 10_000_000) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add("snapshot_count must be auto or a whole number from 1000 to 10000000, got '" + raw + "'");
        return -1;
    }

    private static List<String> cipherSuites(Config config, List<String> problems) {
        String raw = string(config, "tls_cipher_suites", problems);
        if (raw == null || raw.isEmpty()) {
            return CipherSuites.SECURE_DEFAULT;
        }
        List<String> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String name = part.strip().toUpperCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!ALLOWED_CIPHER_SUITES.contains(name)) {
                problems.add("tls_cipher_suites: '" + part.strip() + "' is not an allowed suite (allowed: "
                        + String.join(", ", CipherSuites.SECURE_DEFAULT) + ")");
                return List.of();
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        if (out.isEmpty()) {
            problems.add("tls_cipher_suites names no cipher suite");
        }
        return List.copyOf(out);
    }

    /**
     * {@code metrics-port}: 0 (no metrics listener) or a port apart from the client and peer ports
     * (docs/observability.md).
     */
    private static int metricsPort(Config config, int clientPort, int peerPort, List<String> problems) {
        long v;
        try {
            v = config.getLong("metrics-port");
        } catch (IllegalArgumentException e) {
            problems.add("metrics-port must be a whole number");
            return -1;
        }
        if (v != 0 && (v < 1024 || v > 65535)) {
            problems.add("metrics-port must be 0 (off) or between 1024 and 65535, got " + v);
            return -1;
        }
        if (v != 0 && (v == clientPort || v == peerPort)) {
            problems.add("metrics-port must differ from port and management_port (all three are TCP ports of etcd), got " + v);
            return -1;
        }
        return (int) v;
    }

    /** Whether etcd serves /metrics and /health over plain HTTP on {@link #metricsPort}. */
    public boolean metricsEnabled() {
        return metricsPort > 0;
    }

    private static long quota(Config config, List<String> problems) {
        long v;
        try {
            v = config.getLong("quota-backend-bytes");
        } catch (IllegalArgumentException e) {
            problems.add("quota-backend-bytes must be a whole number of bytes");
            return -1;
        }
        if (v != 0 && (v < 100 * MIB || v > 8192 * MIB)) {
            problems.add("quota-backend-bytes must be 0 or between 104857600 (100 MiB) and 8589934592 (8 GiB), got " + v);
            return -1;
        }
        return v;
    }

    private static String retention(Config config, String mode, List<String> problems) {
        String raw = string(config, "auto-compaction-retention", problems);
        if (raw == null || mode == null) {
            return null;
        }
        if (raw.equals("0")) {
            return raw;
        }
        if (mode.equals("revision")) {
            try {
                if (Long.parseLong(raw) >= 1) {
                    return raw;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            problems.add("auto-compaction-retention must be a whole number of revisions (>= 1) with mode revision, got '"
                    + raw + "'");
            return null;
        }
        var m = DURATION.matcher(raw);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            problems.add("auto-compaction-retention must be a duration such as 30m, 1h or 12h (or 0 to disable) with"
                    + " mode periodic, got '" + raw + "'");
            return null;
        }
        return raw;
    }

    private static Set<String> extraSans(Config config, List<String> problems) {
        String raw = string(config, "certificate-extra-sans", problems);
        Set<String> out = new LinkedHashSet<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split(",")) {
            String san = part.strip();
            if (san.isEmpty()) {
                continue;
            }
            if (!isIpLiteral(san) && !DNS_NAME.matcher(san).matches()) {
                problems.add("certificate-extra-sans: '" + san + "' is neither an IP address nor a DNS name"
                        + (san.contains("*") ? " (wildcards are not allowed)" : ""));
                return Set.of();
            }
            out.add(san.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** True for an IPv4 dotted quad or an IPv6 literal. */
    public static boolean isIpLiteral(String s) {
        if (s.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$")) {
            for (String octet : s.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        return s.contains(":") && s.matches("^[0-9A-Fa-f:.]+$");
    }
}
