package dev.charms.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.backup.BackupKeys;
import dev.charms.etcd.backup.BackupSchedule;
import dev.charms.etcd.backup.Backups;
import dev.charms.etcd.backup.PeriodClaim;
import dev.charms.etcd.backup.ObjectStore;
import dev.charms.etcd.backup.S3ObjectStore;
import dev.charms.etcd.backup.S3Settings;
import dev.charms.etcd.backup.ScheduleFiles;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.AtomicFiles;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.etcd.workload.MachineHost;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.ops.StoredState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scheduled backup, run by {@code etcd-backup.service} outside any hook (docs/backups.md, "Scheduled
 * backups"): with the settings the leader's hooks wrote, unless a verified backup of this application
 * already exists for the current period or another run claimed it ({@link PeriodClaim}), a snapshot of
 * this unit's member is uploaded as {@code create-backup} does and retention applied. The result goes to {@code last.json} beside the
 * settings (time, result, backup id or message; never a credential); the exit code is 0 unless it failed.
 */
public final class ScheduledBackup {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ScheduledBackup() {
    }

    /** Snapshot of this unit's member, upload, retention; the outcome goes into {@code result}. */
    private static void backUp(EtcdCluster admin, SnapshotTool tool, Backups backups, String model, String app, String unit,
                               int keep, int days, Instant now, Map<String, Object> result) throws java.io.IOException {
        Path dir = SnapshotTarget.prepare(BackupActions.STAGING);
        Snapshots.Saved saved = new Snapshots(admin, tool).save(dir, app);
        try {
            Backups.Listed b = backups.upload(saved.path(), saved.sha256(), saved.size(), saved.etcdVersion(),
                    saved.status().revision(), model, app, unit, now);
            result.put("result", "ok");
            result.put("backup", b.id().id());
            List<String> pruned = backups.prune(model, app, keep, days, now);
            if (!pruned.isEmpty()) {
                result.put("pruned", String.join(", ", pruned));
            }
        } finally {
            Files.deleteIfExists(saved.path());
        }
    }

    public static void main(String[] args) {
        Path charmDir = Path.of(args.length > 0 ? args[0] : ".");
        Path state = Path.of(ScheduleFiles.STATE_DIR);
        Map<String, Object> result = new LinkedHashMap<>();
        Instant now = Instant.now();
        result.put("time", now.toString());
        int code = 0;
        try {
            JsonNode settings = JSON.readTree(Files.readAllBytes(state.resolve("settings.json")));
            Map<String, String> s3 = new HashMap<>();
            settings.path("s3").fields().forEachRemaining(f -> s3.put(f.getKey(), f.getValue().asText()));
            String model = settings.path("model").asText();
            String app = settings.path("app").asText();
            String unit = settings.path("unit").asText();
            Duration interval = Duration.ofSeconds(settings.path("interval-seconds").asLong());
            int keep = settings.path("retention").asInt(0);
            int days = settings.path("retention-days").asInt(0);
            S3Settings where = S3Settings.parse(s3);
            try (ObjectStore store = new S3ObjectStore(where)) {
                Backups backups = new Backups(store, new BackupKeys(where.path()));
                Instant period = BackupSchedule.periodStart(now, interval);
                java.util.Optional<String> skip = PeriodClaim.backedUp(backups.list(), model, app, period);
                if (skip.isPresent()) {
                    result.put("result", "skipped");
                    result.put("message", skip.get());
                } else {
                    MachineHost host = new MachineHost(EtcdPaths.system(), charmDir);
                    long port = UnitState.openedClientPort(StoredState.load(charmDir.resolve(".unit-state.json")));
                    SnapshotTool tool = host.installation().map(host::snapshotTool)
                            .orElseThrow(() -> new IllegalStateException("etcd is not installed on this unit"));
                    try (EtcdCluster admin = host.cluster(List.of(URI.create("https://127.0.0.1:" + port)), EtcdAdmin.DEFAULT_TIMEOUT)) {
                        skip = PeriodClaim.claim(admin, period, unit);
                        if (skip.isPresent()) {
                            result.put("result", "skipped");
                            result.put("message", skip.get());
                        } else {
                            backUp(admin, tool, backups, model, app, unit, keep, days, now, result);
                        }
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            result.put("result", "failed");
            result.put("message", String.valueOf(e.getMessage()));
            code = 1;
        }
        try {
            AtomicFiles.writeIfChanged(state.resolve("last.json"), JSON.writeValueAsString(result).getBytes(StandardCharsets.UTF_8),
                    AtomicFiles.Ownership.mode("rw-------"));
        } catch (Exception e) {
            code = 2;
        }
        System.out.println(result.get("result") + ": " + result.getOrDefault("backup", result.getOrDefault("message", "")));
        System.exit(code);
    }
}
