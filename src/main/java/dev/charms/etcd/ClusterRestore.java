package dev.charms.etcd;

import dev.charms.etcd.actions.SnapshotRestore;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.workload.EtcdAdmin;
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
    private final Workload workload;

    ClusterRestore(Framework fw, Workload workload) {
        this.fw = fw;
        this.model = fw.model();
        this.workload = workload;
    }

    void run(ActionContext ctx) {
        if (!model.isLeader()) {
            throw new ActionFailedException("restore must run on the leader unit, because it rewrites the cluster"
                    + " membership that only the leader may change: juju run " + model.appName() + "/leader restore ...");
        }
        String snapshotParam = ctx.stringParam("snapshot", "");
        Path snapshotPath = SnapshotRestore.snapshotPath(snapshotParam,
                snapshotParam.isBlank() ? model.resource("snapshot") : Optional.empty());
        String expected = SnapshotRestore.expectedSha256(ctx.stringParam("sha256", ""));
        boolean skipBackup = ctx.booleanParam("skip-backup", false);
        Path backupDir = skipBackup ? null : SnapshotTarget.prepare(ctx.stringParam("target", "/home/ubuntu"));
        ActionScope scope = new ActionScope(model, workload);
        SnapshotRestore restore = new SnapshotRestore(scope.snapshotTool());
        SnapshotRestore.Verified verified = restore.verify(snapshotPath, expected);
        ctx.log("snapshot " + snapshotPath + " verified: revision " + verified.status().revision() + ", sha256 " + verified.sha256());

        Optional<Snapshots.Saved> backup = skipBackup ? Optional.empty() : Optional.of(backup(ctx, scope, backupDir));

        Reconciler.Pass pass = new Reconciler(fw, workload).prepare().orElseThrow(() -> new ActionFailedException(
                "this unit is not ready to run etcd (see juju status); nothing was changed"));
        Relation peer = pass.peer();
        Optional<Roster.Entry> previous = Optional.ofNullable(scope.roster().get(model.unitName()));
        CharmLocalMember member = new CharmLocalMember(fw, workload, pass, previous);
        String token = "etcd-" + model.appName() + "-" + randomHex(8);
        String generation = STAMP.format(Instant.now()) + "-" + randomHex(3);
        ctx.log("rebuilding this unit's member from the snapshot as a new one-member cluster");
        SnapshotRestore.Rebuilt rebuilt = restore.rebuild(verified, member, token);

        String memberId = Long.toHexString(rebuilt.memberId());
        String initialCluster = member.name() + "=" + member.peerUrl();
        Roster roster = Roster.empty().with(model.unitName(), member.restoredEntry(initialCluster, memberId));
        peer.updateLocalAppData(Map.of(PeerData.TOKEN, token, PeerData.MEMBERS, roster.toJson(),
                PeerData.RESTORE, generation, PeerData.RESTART_TURN, ""));
        peer.updateLocalUnitData(Map.of(PeerData.STATE, PeerData.STATE_STARTED, PeerData.MEMBER_ID, memberId,
                PeerData.RESTORED, generation, PeerData.RESTART_REQUEST, ""));
        model.log("WARNING", "restored the cluster from snapshot " + snapshotPath + " (generation " + generation
                + "); the other units rejoin one at a time");
        new StatusReport(fw, workload, pass).report(roster);
        new DbRelation(fw, workload, pass).update();

        ctx.setResults(SnapshotRestore.results(verified, rebuilt, generation, backup, model.unitName()));
    }

    private Snapshots.Saved backup(ActionContext ctx, ActionScope scope, Path dir) {
        Snapshots.Saved saved;
        try (EtcdAdmin admin = scope.admin(EtcdAdmin.DEFAULT_TIMEOUT)) {
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
