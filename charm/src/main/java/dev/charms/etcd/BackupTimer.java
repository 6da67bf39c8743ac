package dev.charms.etcd;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.etcd.backup.BackupSchedule;
import dev.charms.etcd.backup.S3Settings;
import dev.charms.etcd.workload.Host;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps the scheduled-backup timer (docs/backups.md, "Scheduled backups") where it belongs: installed on
 * the leader, with the provider's settings, while {@code backup-schedule} is set and an object store is
 * related; removed everywhere else (a unit that lost leadership removes it at its next hook). The
 * leader also publishes the last scheduled result in the peer application data, for {@code health}
 * on every unit.
 */
final class BackupTimer {
    /** Peer application data: the last scheduled backup's result (JSON), as the leader's machine recorded it. */
    static final String LAST = "last-backup";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Framework fw;
    private final Model model;
    private final Host host;

    BackupTimer(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
    }

    void run(Event event) {
        if (!model.isLeader()) {
            host.scheduleBackups(Optional.empty(), new byte[0]);
            return;
        }
        if (!(event instanceof Event.UpdateStatus)) {
            Optional<Duration> interval;
            try {
                interval = BackupSchedule.parse(model.config().getString("backup-schedule"));
            } catch (IllegalArgumentException e) {
                return; // the unit is blocked with the reason (EtcdSettings); the timer stays as it was
            }
            Optional<byte[]> settings = interval.isEmpty() ? Optional.empty() : settings(event, interval.get());
            if (host.scheduleBackups(settings.isPresent() ? interval : Optional.empty(), settings.orElse(new byte[0]))) {
                model.log("INFO", settings.isPresent() ? "scheduled backups every " + interval.get().toSeconds() + " s"
                        : "scheduled backups off");
            }
        }
        publishLast();
    }

    /** The scheduled run's settings, when an object store is related and its settings are usable. */
    private Optional<byte[]> settings(Event event, Duration interval) {
        boolean broken = event instanceof Event.RelationBroken b && b.relation().endpoint().equals(S3Settings.ENDPOINT);
        List<Relation> rels = model.relations(S3Settings.ENDPOINT);
        if (broken || rels.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> data = rels.get(0).remoteAppData();
        try {
            S3Settings.parse(data);
        } catch (RuntimeException e) {
            model.log("WARNING", "scheduled backups wait for the s3 provider: " + e.getMessage());
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("s3", new TreeMap<>(data));
        out.put("model", model.context().modelName());
        out.put("app", model.appName());
        out.put("unit", model.unitName());
        out.put("interval-seconds", interval.getSeconds());
        out.put("retention", model.config().getLong(BackupActions.RETENTION));
        out.put("retention-days", model.config().getLong(BackupActions.RETENTION_DAYS));
        try {
            return Optional.of(JSON.writeValueAsBytes(out));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void publishLast() {
        Optional<String> last = host.lastScheduledBackup().map(String::strip);
        if (last.isEmpty()) {
            return;
        }
        model.relation(PeerData.PEER).ifPresent(peer -> {
            if (!last.get().equals(peer.localAppData().get(LAST))) {
                peer.updateLocalAppData(Map.of(LAST, last.get()));
            }
        });
    }

    /**
     * The last scheduled backup for {@code health}: on the leader (or without the peer relation) this
     * machine's record, else the one the leader published. A unit that was leader keeps its old record on
     * its machine; it is not shown once another unit runs the schedule.
     */
    static Map<String, Object> lastForHealth(Host host, boolean leader, Optional<Relation> peer) {
        return lastForHealth(host, leader, peer.isPresent(), peer.map(p -> p.localAppData().get(LAST)));
    }

    /** {@link #lastForHealth(Host, boolean, Optional)} with the peer data's record ({@code published}) read. */
    static Map<String, Object> lastForHealth(Host host, boolean leader, boolean peered, Optional<String> published) {
        Optional<String> raw = leader || !peered ? host.lastScheduledBackup().or(() -> published) : published;
        Map<String, Object> out = new LinkedHashMap<>();
        if (raw.isEmpty() || raw.get().isBlank()) {
            out.put("result", "none");
            return out;
        }
        try {
            JSON.readTree(raw.get()).fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
        } catch (java.io.IOException e) {
            out.put("result", "unreadable record");
        }
        return out;
    }

    /** A suffix for the leader's status when the last scheduled backup failed; empty otherwise. */
    static String failedNote(Host host) {
        Map<String, Object> last = lastForHealth(host, true, Optional.empty());
        return "failed".equals(last.get("result")) ? "; last scheduled backup failed (see health)" : "";
    }
}
