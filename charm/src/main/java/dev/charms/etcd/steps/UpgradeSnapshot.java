package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdVersion;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot etcd's upgrade procedure asks for before a cluster moves to a newer minor version. The
 * first member to restart onto it (the leader, whose rolling-restart turn comes first) saves one through
 * its own etcd, still running the old version, into the {@code snapshot} action's default directory; it
 * logs where, and publishes {@code "<new version> <path>"} as {@code upgrade-snapshot} in its unit bag,
 * where the members restarting after it find it and the {@code health} action reports it.
 */
public final class UpgradeSnapshot {
    /** Where the snapshot goes: the {@code snapshot} action's default target. */
    public static final String DIRECTORY = "/home/ubuntu/etcd-snapshots";

    private UpgradeSnapshot() {
    }

    /** The etcd version a member's running fingerprint records ({@link MemberProcess#fingerprint}: its last part). */
    static Optional<EtcdVersion> runningVersion(String fingerprint) {
        int dash = fingerprint == null ? -1 : fingerprint.lastIndexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(EtcdVersion.parse(fingerprint.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether a member of {@code from} restarting on {@code to} moves to a newer minor version. */
    static boolean movesMinor(EtcdVersion from, EtcdVersion to) {
        return to.major() == from.major() && to.minor() > from.minor();
    }

    /**
     * Every snapshot the units published for an upgrade, as {@code "<unit>: <path> (before etcd <version>)"}, this
     * unit's first.
     */
    public static List<String> published(Relation peer, String thisUnit) {
        return found(peer, thisUnit).stream().map(f -> f.unit() + ": " + f.path() + " (before etcd " + f.version() + ")").toList();
    }

    /**
     * Before this unit's member restarts from the version it runs onto the installed one: when that moves it
     * to a newer minor version and no unit has saved a snapshot for that minor version yet, saves one and
     * publishes it. Returns the snapshot to report for this upgrade (this unit's or another's), if any.
     */
    static Optional<String> beforeRestart(HookScope scope) {
        EtcdVersion to = scope.installation().version();
        Optional<EtcdVersion> from = runningVersion(scope.state().runningFingerprint());
        if (from.isEmpty() || !movesMinor(from.get(), to)) {
            return Optional.empty();
        }
        Relation peer = scope.peer();
        Optional<Found> earlier = found(peer, scope.unit()).stream()
                .filter(f -> f.version().major() == to.major() && f.version().minor() == to.minor()).findFirst();
        if (earlier.isPresent()) {
            return Optional.of(earlier.get().unit() + ": " + earlier.get().path());
        }
        scope.framework().setUnitStatusNow(Status.maintenance("saving a snapshot before upgrading etcd from "
                + from.get() + " to " + to));
        Path dir = SnapshotTarget.prepare(DIRECTORY);
        Snapshots.Saved saved;
        try (EtcdCluster local = scope.host().cluster(List.of(scope.node().localClientUrl()))) {
            saved = new Snapshots(local, scope.host().snapshotTool(scope.installation())).save(dir, scope.model().appName());
        }
        peer.updateLocalUnitData(Map.of(PeerData.UPGRADE_SNAPSHOT, to + " " + saved.path()));
        scope.model().log("INFO", "saved a snapshot before upgrading etcd from " + from.get() + " to " + to + ": "
                + saved.path() + " (sha256 " + saved.sha256() + ", revision " + saved.status().revision() + ")");
        return Optional.of(scope.unit() + ": " + saved.path());
    }

    /** A snapshot {@code unit} published, saved before its member moved to etcd {@code version}. */
    private record Found(String unit, EtcdVersion version, String path) {
    }

    /** The snapshots the units' bags name, this unit's first. */
    private static List<Found> found(Relation peer, String thisUnit) {
        List<String> units = new ArrayList<>(List.of(thisUnit));
        units.addAll(peer.units());
        List<Found> out = new ArrayList<>();
        for (String unit : units) {
            String value = peer.unitData(unit).getOrDefault(PeerData.UPGRADE_SNAPSHOT, "").strip();
            String[] parts = value.split(" ", 2);
            if (parts.length == 2) {
                try {
                    out.add(new Found(unit, EtcdVersion.parse(parts[0]), parts[1]));
                } catch (IllegalArgumentException e) {
                    // not a value this charm wrote: nothing to report
                }
            }
        }
        return out;
    }
}
