package dev.charms.etcd;

import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.backup.BackupKeys;
import dev.charms.etcd.backup.Backups;
import dev.charms.etcd.backup.ObjectStore;
import dev.charms.etcd.backup.ObjectStoreException;
import dev.charms.etcd.backup.S3Settings;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Host;
import dev.charms.ops.ActionContext;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backup actions on an S3-compatible object store related on {@code s3-parameters}
 * (docs/backups.md): {@code create-backup}, {@code list-backups}, and the download half of
 * {@code restore backup-id=...}. The provider's settings (credentials included) are read from the
 * relation for each action and kept in memory only.
 */
final class BackupActions {
    /** Where a snapshot waits for its upload, and a download for its restore (deleted afterwards). */
    static final String STAGING = "/home/ubuntu/etcd-snapshots";

    private final Framework fw;
    private final Model model;
    private final Host host;

    BackupActions(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
    }

    /** The provider's settings; fails naming what is missing. */
    S3Settings settings() {
        List<Relation> rels = model.relations(S3Settings.ENDPOINT);
        if (rels.isEmpty()) {
            throw new ActionFailedException("no object store is related: juju integrate " + model.appName()
                    + ":" + S3Settings.ENDPOINT + " s3-integrator (docs/backups.md)");
        }
        return S3Settings.parse(rels.get(0).remoteAppData());
    }

    /** Opens the store: the S3 client is in lib/s3/, on the class path of the backup actions only. */
    static ObjectStore open(S3Settings settings) {
        try {
            return new dev.charms.etcd.backup.S3ObjectStore(settings);
        } catch (LinkageError e) {
            throw new ActionFailedException("the S3 client library is missing from the charm (lib/s3/): " + e.getMessage());
        } catch (ObjectStoreException | IllegalArgumentException e) {
            throw new ActionFailedException(e.getMessage());
        }
    }

    void create(ActionContext ctx) {
        S3Settings settings = settings();
        int keep = retention(model.config().getLong(RETENTION));
        int days = retentionDays(model.config().getLong(RETENTION_DAYS));
        Path dir = SnapshotTarget.prepare(STAGING);
        ActionScope scope = new ActionScope(model, host, fw.stored());
        try (ObjectStore store = open(settings)) {
            Backups backups = new Backups(store, new BackupKeys(settings.path()));
            store.list(new BackupKeys(settings.path()).prefix()); // credentials, bucket and endpoint, before the snapshot
            Snapshots.Saved saved;
            try (EtcdCluster admin = scope.admin(EtcdAdmin.DEFAULT_TIMEOUT)) {
                saved = new Snapshots(admin, scope.snapshotTool()).save(dir, model.appName());
            }
            ctx.log("snapshot verified (revision " + saved.status().revision() + "), uploading to " + settings.where());
            try {
                Backups.Listed b = backups.upload(saved.path(), saved.sha256(), saved.size(), saved.etcdVersion(),
                        saved.status().revision(), modelName(), model.appName(), model.unitName(), Instant.now());
                Map<String, Object> backup = new LinkedHashMap<>(b.toResult());
                backup.put("sha256", b.sha256());
                backup.put("location", settings.where());
                Map<String, Object> results = new LinkedHashMap<>();
                results.put("backup", backup);
                ctx.log("backup " + b.id().id() + " uploaded and verified");
                if (keep > 0 || days > 0) {
                    List<String> pruned = backups.prune(modelName(), model.appName(), keep, days, Instant.now());
                    results.put("pruned", pruned.isEmpty() ? "none" : String.join(", ", pruned));
                    ctx.log("retention keeps " + (keep > 0 ? "the newest " + keep + " backups" : "")
                            + (keep > 0 && days > 0 ? " and " : "") + (days > 0 ? "the backups of the last " + days + " days" : "")
                            + " of this application: " + (pruned.isEmpty() ? "none" : pruned.size()) + " deleted");
                }
                ctx.setResults(results);
            } finally {
                Files.deleteIfExists(saved.path());
            }
        } catch (ObjectStoreException e) {
            throw new ActionFailedException(e.getMessage() + "; nothing was uploaded");
        } catch (IOException e) {
            throw new ActionFailedException("cannot remove the staged snapshot: " + e.getMessage());
        }
    }

    /** The config option naming how many backups of this application to keep (0: all). */
    static final String RETENTION = "backup-retention-count";

    /** The config option naming how many days backups of this application are kept (0: no age limit). */
    static final String RETENTION_DAYS = "backup-retention-days";

    static int retentionDays(long value) {
        if (value < 0 || value > 3650) {
            throw new ActionFailedException(RETENTION_DAYS + " must be between 0 (no age limit) and 3650, got " + value);
        }
        return (int) value;
    }

    static int retention(long value) {
        if (value < 0 || value > 1000) {
            throw new ActionFailedException(RETENTION + " must be between 0 (keep every backup) and 1000, got " + value);
        }
        return (int) value;
    }

    void list(ActionContext ctx) {
        S3Settings settings = settings();
        try (ObjectStore store = open(settings)) {
            List<Backups.Listed> all = new Backups(store, new BackupKeys(settings.path())).list();
            Map<String, Object> results = new LinkedHashMap<>();
            Map<String, Object> items = new LinkedHashMap<>();
            int i = 0;
            for (Backups.Listed b : all) {
                items.put(String.format("b%04d", i++), b.toResult());
            }
            results.put("count", all.size());
            results.put("location", settings.where());
            if (!items.isEmpty()) {
                results.put("backups", items);
            }
            ctx.setResults(results);
            ctx.log(all.size() + " backups in " + settings.where());
        } catch (ObjectStoreException e) {
            throw new ActionFailedException(e.getMessage());
        }
    }

    /** Downloads and checks backup {@code id} for a restore: the file and its sha256. */
    Map.Entry<Path, String> download(ActionContext ctx, String id) {
        S3Settings settings = settings();
        Path dir = SnapshotTarget.prepare(STAGING);
        try (ObjectStore store = open(settings)) {
            Map.Entry<Path, String> got = new Backups(store, new BackupKeys(settings.path())).download(id, dir);
            ctx.log("downloaded backup " + id + " from " + settings.where() + ", sha256 matches its checksum object");
            return got;
        } catch (ObjectStoreException e) {
            throw new ActionFailedException(e.getMessage() + "; nothing was changed");
        }
    }

    private String modelName() {
        String name = model.context().modelName();
        return name == null || name.isBlank() ? "model" : name;
    }
}
