package dev.charms.etcd.backup;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key layout of backups in the bucket (docs/backups.md, "Key layout"):
 * {@code [<path>/]etcd-backups/<model>/<application>/<UTC time>-r<revision>.db}, with the snapshot's
 * sha256 beside it in {@code ....db.sha256} ({@code sha256sum} format). A backup's id is the key
 * without the prefix and the {@code .db}: {@code <model>/<application>/<time>-r<revision>}, the same
 * from any application related to the same bucket.
 */
public final class BackupKeys {
    static final String ROOT = "etcd-backups";
    static final String DATA = ".db";
    static final String SUM = ".db.sha256";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern ID = Pattern.compile("^(" + NAME + ")/(" + NAME + ")/([0-9]{8}T[0-9]{6}Z)-r([0-9]+)$");

    /**
     * One backup's identity.
     *
     * @param model the model it was taken in
     * @param app the application
     * @param time when (to the second)
     * @param revision the etcd revision of the snapshot
     */
    public record BackupId(String model, String app, Instant time, long revision) {
        /** {@code <model>/<app>/<time>-r<revision>}. */
        public String id() {
            return model + "/" + app + "/" + STAMP.format(time) + "-r" + revision;
        }
    }

    private final String prefix;

    /** Keys under the provider's {@code path} (empty: the bucket's root). */
    public BackupKeys(String path) {
        String p = path == null ? "" : path.replaceAll("^/+|/+$", "");
        this.prefix = (p.isEmpty() ? "" : p + "/") + ROOT + "/";
    }

    /** The prefix every backup key starts with. */
    public String prefix() {
        return prefix;
    }

    /** A new backup's id. */
    public static BackupId id(String model, String app, Instant time, long revision) {
        if (!NAME.matcher(model).matches() || !NAME.matcher(app).matches()) {
            throw new IllegalArgumentException("model '" + model + "' or application '" + app + "' is not a Juju name");
        }
        return new BackupId(model, app, Instant.ofEpochSecond(time.getEpochSecond()), revision);
    }

    /** The snapshot object's key. */
    public String dataKey(BackupId id) {
        return prefix + id.id() + DATA;
    }

    /** The checksum object's key. */
    public String sumKey(BackupId id) {
        return prefix + id.id() + SUM;
    }

    /** Parses a {@code backup-id} parameter; empty when it is not one. */
    public static Optional<BackupId> parseId(String id) {
        Matcher m = ID.matcher(id == null ? "" : id.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Instant t = STAMP.parse(m.group(3), Instant::from);
            return Optional.of(new BackupId(m.group(1), m.group(2), t, Long.parseLong(m.group(4))));
        } catch (DateTimeParseException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The backup a snapshot object's key names; empty for any other key. */
    public Optional<BackupId> fromDataKey(String key) {
        if (!key.startsWith(prefix) || !key.endsWith(DATA)) {
            return Optional.empty();
        }
        return parseId(key.substring(prefix.length(), key.length() - DATA.length()));
    }

    /** The backup a checksum object's key names; empty for any other key. */
    public Optional<BackupId> fromSumKey(String key) {
        if (!key.startsWith(prefix) || !key.endsWith(SUM)) {
            return Optional.empty();
        }
        return parseId(key.substring(prefix.length(), key.length() - SUM.length()));
    }

    /** The content of the checksum object: {@code sha256sum}'s line for the snapshot's file name. */
    public static String sumLine(String sha256, BackupId id) {
        return sha256 + "  " + id.id().substring(id.id().lastIndexOf('/') + 1) + DATA + "\n";
    }

    /** The sha256 in a checksum object's content; empty when it holds none. */
    public static Optional<String> parseSum(String content) {
        Matcher m = Pattern.compile("^([0-9a-f]{64})\\s").matcher(content == null ? "" : content);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
