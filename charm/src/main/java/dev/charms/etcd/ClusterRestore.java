package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.ActionParams;
import dev.charms.etcd.actions.SnapshotRestore;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.steps.DbRelation;
import dev.charms.etcd.steps.HookScope;
import dev.charms.etcd.steps.StatusReport;
import dev.charms.ops.ActionContext;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code restore} action on the Juju leader. The snapshot is verified first and the current data
 * backed up (unless {@code skip-backup}); only then is this unit's member rebuilt from the snapshot as
 * a new one-member cluster ({@link SnapshotRestore}). The peer application data then gets the new
 * cluster token, a roster of only this unit and a new restore generation: every other unit sees the
 * generation, stops its etcd and moves its old data aside, and the leader adds the units back one at
 * a time as learners through the normal membership flow. The unit status and the {@code db}
 * relation's connection string are updated at once.
 */
final class ClusterRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Framework fw;
    private final Model model;
    private final Host host;

    ClusterRestore(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
    }

    void run(ActionContext ctx) {
        if (!model.isLeader()) {
            throw new ActionFailedException("restore must run on the leader unit, because it rewrites the cluster"
                    + " membership that only the leader may change: juju run " + model.appName() + "/leader restore ...");
        }
        String snapshotParam = ctx.stringParam("snapshot", "");
        String backupId = ctx.stringParam("backup-id", "").strip();
        String expected = SnapshotRestore.expectedSha256(ctx.stringParam("sha256", ""));
        boolean skipBackup = ActionParams.flag("skip-backup", ctx.params().get("skip-backup"), false);
        boolean dryRun = ActionParams.flag("dry-run", ctx.params().get("dry-run"), false);
        String target = ctx.stringParam("target", "/home/ubuntu");
        Path backupDir = skipBackup ? null : dryRun ? SnapshotTarget.check(target) : SnapshotTarget.prepare(target);
        if (backupId.isEmpty()) {
            Path snapshotPath = SnapshotRestore.snapshotPath(snapshotParam,
                    snapshotParam.isBlank() ? model.resource("snapshot") : Optional.empty());
            restore(ctx, snapshotPath, expected, skipBackup, dryRun, backupDir);
            return;
        }
        if (!snapshotParam.isBlank()) {
            throw new ActionFailedException("give snapshot= or backup-id=, not both");
        }
        // From the object store: downloaded and checked against its checksum object before anything changes.
        Map.Entry<Path, String> downloaded = new BackupActions(fw, host).download(ctx, backupId);
        if (!expected.isEmpty() && !expected.equals(downloaded.getValue())) {
            deleteQuietly(downloaded.getKey());
            throw new ActionFailedException("backup " + backupId + " has sha256 " + downloaded.getValue() + ", expected "
                    + expected + ": refusing to restore it, nothing was changed");
        }
        try {
            restore(ctx, downloaded.getKey(), downloaded.getValue(), skipBackup, dryRun, backupDir);
        } finally {
            deleteQuietly(downloaded.getKey());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (java.io.IOException ignored) {
            // a leftover download in the staging directory harms nothing
        }
    }

    private void restore(ActionContext ctx, Path snapshotPath, String expected, boolean skipBackup, boolean dryRun,
                         Path backupDir) {
        ActionScope scope = new ActionScope(model, host, fw.stored());
        SnapshotRestore restore = new SnapshotRestore(scope.snapshotTool());
        SnapshotRestore.Verified verified = restore.verify(snapshotPath, expected);
        ctx.log("snapshot " + snapshotPath + " verified: revision " + verified.status().revision() + ", sha256 " + verified.sha256());
        if (dryRun) {
            ctx.setResults(dryRun(scope, verified, backupDir));
            ctx.log("dry run: nothing was changed");
            return;
        }

        Optional<Snapshots.Saved> backup = skipBackup ? Optional.empty() : Optional.of(backup(ctx, scope, backupDir));

        Replaced replaced = replaceCluster(ctx, scope, restore, verified, "pre-restore",
                "restored the cluster from snapshot " + snapshotPath);
        ctx.setResults(SnapshotRestore.results(verified, replaced.rebuilt(), replaced.generation(), backup, model.unitName()));
    }

    /**
     * A new one-member cluster made from a snapshot and published.
     *
     * @param rebuilt what the rebuild of this unit's member did
     * @param generation the restore generation the other units now see
     */
    record Replaced(SnapshotRestore.Rebuilt rebuilt, String generation) {
    }

    /**
     * Rebuilds this unit's member from {@code verified} as the only member of a new cluster (the old
     * data moved aside as {@code data.<reason>-<time>}) and publishes it: the new cluster token, a roster
     * of only this unit and a new restore generation in the peer application data (every other unit then
     * leaves the old cluster and rejoins as a learner), this unit's status and the db relation.
     * {@code what} is logged as a warning, e.g. "restored the cluster from snapshot ...".
     */
    Replaced replaceCluster(ActionContext ctx, ActionScope scope, SnapshotRestore restore, SnapshotRestore.Verified verified,
                            String reason, String what) {
        HookScope hook = HookScope.open(fw, host).orElseThrow(() -> new ActionFailedException(
                "this unit is not ready to run etcd (see juju status); nothing was changed"));
        Relation peer = hook.peer();
        Optional<Roster.Entry> previous = Optional.ofNullable(scope.roster().get(model.unitName()));
        CharmLocalMember member = new CharmLocalMember(hook, previous);
        String token = "etcd-" + model.appName() + "-" + randomHex(8);
        String generation = STAMP.format(Instant.now()) + "-" + randomHex(3);
        ctx.log("rebuilding this unit's member from the snapshot as a new one-member cluster");
        SnapshotRestore.Rebuilt rebuilt = restore.rebuild(verified, member, token, reason);

        String memberId = Long.toHexString(rebuilt.memberId());
        String initialCluster = member.name() + "=" + member.peerUrl();
        Roster roster = Roster.empty().with(model.unitName(), member.restoredEntry(initialCluster, memberId));
        hook.publishRoster(roster, Map.of(PeerData.TOKEN, token, PeerData.RESTORE, generation, PeerData.RESTART_TURN, ""));
        peer.updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.STARTED.wire(), PeerData.MEMBER_ID, memberId,
                PeerData.RESTORED, generation, PeerData.RESTART_REQUEST, ""));
        model.log("WARNING", what + " (generation " + generation + "); the other units rejoin one at a time");
        StatusReport.report(hook);
        new DbRelation().run(hook);
        return new Replaced(rebuilt, generation);
    }

    /**
     * What a restore with these parameters would do, after the same checks, changing nothing: the
     * snapshot, the current data it would replace (and the writes since the snapshot that would be lost),
     * the backup, and the units that would rejoin.
     */
    private Map<String, Object> dryRun(ActionScope scope, SnapshotRestore.Verified verified, Path backupDir) {
        Map<String, Object> snapshot = new java.util.LinkedHashMap<>();
        snapshot.put("path", verified.path().toString());
        snapshot.put("size", verified.size());
        snapshot.put("sha256", verified.sha256());
        snapshot.put("revision", verified.status().revision());
        snapshot.put("total-keys", verified.status().totalKeys()); // every revision kept, as snapshot status counts
        Map<String, Object> current = new java.util.LinkedHashMap<>();
        String backup;
        try (EtcdCluster admin = scope.admin(EtcdAdmin.DEFAULT_TIMEOUT)) {
            long revision = admin.currentRevision();
            current.put("revision", revision);
            current.put("members", admin.memberList().size());
            long lost = revision - verified.status().revision();
            current.put("note", lost > 0 ? "revisions " + (verified.status().revision() + 1) + " to " + revision
                    + " (writes since the snapshot) would be lost" : "the snapshot is not older than the current data");
            backup = backupDir == null ? "skipped (skip-backup=true)" : "a snapshot of the current data would be saved in "
                    + backupDir;
        } catch (RuntimeException e) {
            current.put("revision", "unknown");
            current.put("note", "the current cluster does not answer: " + e.getMessage());
            backup = backupDir == null ? "skipped (skip-backup=true)"
                    : "impossible while the cluster does not answer: the restore would fail; use skip-backup=true";
        }
        List<String> rejoin = scope.roster().entries().keySet().stream().filter(u -> !u.equals(model.unitName())).sorted().toList();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("dry-run", true);
        out.put("snapshot", snapshot);
        out.put("current", current);
        out.put("backup", backup);
        out.put("plan", "rebuild " + model.unitName() + "'s member from the snapshot as a new one-member cluster"
                + (rejoin.isEmpty() ? "" : "; then " + String.join(", ", rejoin) + " leave the old cluster (their data"
                + " moved aside) and rejoin one at a time as learners"));
        return out;
    }

    private Snapshots.Saved backup(ActionContext ctx, ActionScope scope, Path dir) {
        Snapshots.Saved saved;
        try (EtcdCluster admin = scope.admin(EtcdAdmin.DEFAULT_TIMEOUT)) {
            saved = new Snapshots(admin, scope.snapshotTool()).save(dir, model.appName());
        } catch (ActionFailedException e) {
            throw new ActionFailedException("cannot back up the current data, nothing was changed (skip-backup=true"
                    + " restores without a backup): " + e.getMessage());
        }
        ctx.log("backed up the current data to " + saved.path());
        return saved;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
