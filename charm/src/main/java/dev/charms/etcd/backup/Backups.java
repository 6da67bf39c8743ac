package dev.charms.etcd.backup;

import dev.charms.etcd.backup.BackupKeys.BackupId;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Backups in an object store: upload of a verified snapshot, listing, download for a restore.
 *
 * <p>A backup is complete only when both of its objects exist: the snapshot ({@code .db}, with its
 * sha256, size, etcd version and revision in its metadata) and, written only after the snapshot's
 * upload was read back with the right size and sha256, the checksum object ({@code .db.sha256}). An
 * upload cut off leaves no checksum object, so {@link #list} never shows it as verified, and the
 * failed upload's snapshot object is deleted when the store still answers.
 */
public final class Backups {
    static final String META_SHA256 = "sha256";
    static final String META_SIZE = "size";
    static final String META_VERSION = "etcd-version";
    static final String META_REVISION = "revision";
    static final String META_UNIT = "unit";

    /**
     * A backup in the store.
     *
     * @param id its identity
     * @param size the snapshot's size
     * @param sha256 the recorded sha256 (empty when there is no checksum object)
     * @param etcdVersion the version of the member it was taken from ("unknown" when not recorded)
     * @param verified whether the checksum object exists and agrees with the snapshot's metadata and size
     */
    public record Listed(BackupId id, long size, String sha256, String etcdVersion, boolean verified) {
        /** The action result of one backup. */
        public Map<String, Object> toResult() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id.id());
            m.put("time", id.time().toString());
            m.put("size", size);
            m.put("etcd-version", etcdVersion);
            m.put("revision", id.revision());
            m.put("verified", verified);
            return m;
        }
    }

    private final ObjectStore store;
    private final BackupKeys keys;

    public Backups(ObjectStore store, BackupKeys keys) {
        this.store = store;
        this.keys = keys;
    }

    /**
     * Uploads a snapshot that {@code snapshot status} verified; the upload is read back (size and
     * recorded sha256) before the checksum object is written. Returns the backup.
     */
    public Listed upload(Path snapshot, String sha256, long size, String etcdVersion, long revision, String model,
                         String app, String unit, Instant time) {
        BackupId id = BackupKeys.id(model, app, time, revision);
        String dataKey = keys.dataKey(id);
        if (store.head(dataKey).isPresent()) {
            throw new ActionFailedException("backup " + id.id() + " exists already; try again in a second");
        }
        Map<String, String> meta = new HashMap<>();
        meta.put(META_SHA256, sha256);
        meta.put(META_SIZE, Long.toString(size));
        meta.put(META_VERSION, etcdVersion);
        meta.put(META_REVISION, Long.toString(revision));
        meta.put(META_UNIT, unit);
        try {
            store.put(dataKey, snapshot, meta);
            var head = store.head(dataKey).orElseThrow(() -> new ObjectStoreException(
                    "the uploaded snapshot " + dataKey + " is not in the bucket"));
            if (head.getKey() != size) {
                throw new ObjectStoreException("the uploaded snapshot " + dataKey + " has " + head.getKey()
                        + " bytes, expected " + size);
            }
            if (!sha256.equals(head.getValue().get(META_SHA256))) {
                throw new ObjectStoreException("the uploaded snapshot " + dataKey + " does not carry its sha256");
            }
            store.putText(keys.sumKey(id), BackupKeys.sumLine(sha256, id));
        } catch (ObjectStoreException e) {
            String cleaned = deleteQuietly(dataKey);
            throw new ActionFailedException(e.getMessage() + "; no backup was recorded" + cleaned);
        }
        return new Listed(id, size, sha256, etcdVersion, true);
    }

    private String deleteQuietly(String key) {
        try {
            store.delete(key);
            return "";
        } catch (ObjectStoreException e) {
            try {
                if (store.head(key).isEmpty()) {
                    return ""; // nothing was written (credentials that may not write cannot delete either)
                }
            } catch (ObjectStoreException unreadable) {
                // the store does not answer: say what may be left
            }
            return " (an incomplete " + key + " may remain; list-backups shows it as not verified)";
        }
    }

    /** Every backup under the prefix, oldest first; those without a checksum object are not verified. */
    public List<Listed> list() {
        List<ObjectStore.Entry> entries = store.list(keys.prefix());
        Map<String, ObjectStore.Entry> sums = new HashMap<>();
        for (ObjectStore.Entry e : entries) {
            keys.fromSumKey(e.key()).ifPresent(id -> sums.put(id.id(), e));
        }
        List<Listed> out = new ArrayList<>();
        for (ObjectStore.Entry e : entries) {
            Optional<BackupId> id = keys.fromDataKey(e.key());
            if (id.isEmpty()) {
                continue;
            }
            out.add(describe(id.get(), e.size(), sums.containsKey(id.get().id())));
        }
        out.sort(Comparator.comparing((Listed l) -> l.id().time()).thenComparing(l -> l.id().id()));
        return out;
    }

    private Listed describe(BackupId id, long size, boolean hasSum) {
        Map<String, String> meta = store.head(keys.dataKey(id)).map(Map.Entry::getValue).orElse(Map.of());
        String recorded = meta.getOrDefault(META_SHA256, "");
        boolean verified = false;
        if (hasSum) {
            Optional<String> sum = store.getText(keys.sumKey(id)).flatMap(BackupKeys::parseSum);
            verified = sum.isPresent() && sum.get().equals(recorded)
                    && Long.toString(size).equals(meta.getOrDefault(META_SIZE, ""));
        }
        return new Listed(id, size, recorded, meta.getOrDefault(META_VERSION, "unknown"), verified);
    }

    /**
     * Retention by count: {@link #prune(String, String, int, int, Instant)} with no age limit.
     */
    public List<String> prune(String model, String app, int keep) {
        return prune(model, app, keep, 0, Instant.now());
    }

    /**
     * Retention: deletes the verified backups of {@code model}/{@code app} beyond the newest {@code keep}
     * (0: no count limit) and those taken more than {@code days} days before {@code now} (0: no age
     * limit); both apply. The newest verified backup is never deleted for its age, so a schedule that
     * stopped does not leave the application without a backup. Other applications' backups and backups
     * that did not verify are left alone. The checksum object goes first, so a deletion cut short leaves
     * a backup listed as not verified, never one listed as good without its snapshot. Returns the ids
     * deleted, oldest first.
     */
    public List<String> prune(String model, String app, int keep, int days, Instant now) {
        if (keep <= 0 && days <= 0) {
            return List.of();
        }
        List<Listed> mine = list().stream()
                .filter(l -> l.verified() && l.id().model().equals(model) && l.id().app().equals(app)).toList();
        Instant oldest = days > 0 ? now.minus(java.time.Duration.ofDays(days)) : Instant.MIN;
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            Listed old = mine.get(i);
            boolean beyondCount = keep > 0 && i < mine.size() - keep;
            boolean tooOld = days > 0 && i < mine.size() - 1 && old.id().time().isBefore(oldest);
            if (beyondCount || tooOld) {
                store.delete(keys.sumKey(old.id()));
                store.delete(keys.dataKey(old.id()));
                deleted.add(old.id().id());
            }
        }
        return deleted;
    }

    /**
     * Downloads backup {@code id} into {@code dir} (mode 0600) and checks it against its checksum
     * object before returning; a backup without one, or whose content does not match, is refused and
     * the download deleted.
     *
     * @return the file and its sha256
     */
    public Map.Entry<Path, String> download(String backupId, Path dir) {
        BackupId id = BackupKeys.parseId(backupId).orElseThrow(() -> new ActionFailedException("backup-id '" + backupId
                + "' is not a backup id (<model>/<application>/<yyyymmddThhmmssZ>-r<revision>, as list-backups shows)"));
        var head = store.head(keys.dataKey(id)).orElseThrow(() -> new ActionFailedException("backup " + id.id()
                + " is not in the bucket (see list-backups)"));
        String expected = store.getText(keys.sumKey(id)).flatMap(BackupKeys::parseSum).orElseThrow(() ->
                new ActionFailedException("backup " + id.id() + " has no checksum object: its upload never completed;"
                        + " refusing to restore it"));
        Path file = dir.resolve("s3-" + id.model() + "-" + id.app() + "-" + id.id().substring(id.id().lastIndexOf('/') + 1) + ".db");
        String actual;
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = store.get(keys.dataKey(id));
                 OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, r);
                    out.write(buf, 0, r);
                    n += r;
                }
            }
            actual = HexFormat.of().formatHex(sha.digest());
            if (n != head.getKey()) {
                throw new IOException("got " + n + " bytes of " + head.getKey());
            }
        } catch (IOException | ObjectStoreException e) {
            deleteFile(file);
            throw new ActionFailedException("cannot download backup " + id.id() + ": " + e.getMessage() + "; nothing was changed");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(expected)) {
            deleteFile(file);
            throw new ActionFailedException("backup " + id.id() + " has sha256 " + actual + " but its checksum object says "
                    + expected + ": refusing to restore it, nothing was changed");
        }
        return Map.entry(file, actual);
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the failure message is what matters
        }
    }
}
