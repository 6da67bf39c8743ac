package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.ActionParams;
import dev.charms.etcd.actions.ClusterHealth;
import dev.charms.etcd.actions.RebuildPlan;
import dev.charms.etcd.actions.SnapshotRestore;
import dev.charms.etcd.actions.SnapshotTarget;
import dev.charms.etcd.actions.Snapshots;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.ops.ActionContext;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Framework;
import dev.charms.ops.Model;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code rebuild-cluster} action on the Juju leader: recovery after a majority of the members is
 * lost for good. Every member etcd lists is asked for its status; the action goes ahead only when fewer
 * voting members answer than a quorum needs, and (unless {@code force}) none of the silent ones belongs
 * to a unit still deployed, which could be alive behind a partition. The answering member with the
 * highest applied raft index is the source: a snapshot of it is saved (and kept) in {@code target}, and
 * this unit's member is rebuilt from it as a new one-member cluster, as {@code restore} does; the units
 * still deployed rejoin as learners, and the members of units that are gone are dropped.
 */
final class ClusterRebuild {
    private final Framework fw;
    private final Model model;
    private final Host host;

    ClusterRebuild(Framework fw, Host host) {
        this.fw = fw;
        this.model = fw.model();
        this.host = host;
    }

    void run(ActionContext ctx) {
        if (!model.isLeader()) {
            throw new ActionFailedException("rebuild-cluster must run on the leader unit, because it rewrites the cluster"
                    + " membership that only the leader may change: juju run " + model.appName() + "/leader rebuild-cluster");
        }
        boolean force = ActionParams.flag("force", ctx.params().get("force"), false);
        boolean dryRun = ActionParams.flag("dry-run", ctx.params().get("dry-run"), false);
        String target = ctx.stringParam("target", "/home/ubuntu/etcd-snapshots");
        Path dir = SnapshotTarget.check(target);
        ActionScope scope = new ActionScope(model, host, fw.stored());
        Map<String, String> deployed = new LinkedHashMap<>();
        scope.peer().units().forEach(u -> deployed.put(Units.memberName(u), u));

        ClusterHealth.Report report;
        try (EtcdCluster admin = scope.admin(Actions.HEALTH_TIMEOUT)) {
            report = new ClusterHealth(admin, scope.endpoints()).check();
        } catch (ActionFailedException e) {
            throw new ActionFailedException(e.getMessage() + "; with no member answering there is no data to rebuild"
                    + " from: start etcd on a surviving unit, or restore a snapshot with the restore action");
        }
        RebuildPlan plan = new RebuildPlan(report, scope.node().memberName(), deployed);
        plan.refusal(force).ifPresent(why -> {
            throw new ActionFailedException(why);
        });
        ClusterHealth.MemberHealth source = plan.source().orElseThrow();
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("survey", plan.surveyResults());
        results.put("source", plan.sourceResults());
        List<String> rejoin = deployed.values().stream().sorted(Units.ORDER).toList();
        List<String> dropped = plan.gone();
        String after = (rejoin.isEmpty() ? "" : rejoin.size() == 1
                ? "; then " + rejoin.get(0) + " leaves the old cluster (its data moved aside) and rejoins as a learner"
                : "; then " + String.join(", ", rejoin) + " leave the old cluster (their data moved aside) and rejoin"
                + " one at a time as learners")
                + (dropped.isEmpty() ? "" : "; the members of units that are gone (" + String.join(", ", dropped)
                + ") are not part of the new cluster");
        if (dryRun) {
            results.put("dry-run", true);
            results.put("plan", "save a snapshot of " + source.key() + " (the answering member with the most data) in "
                    + dir + ", rebuild " + model.unitName() + "'s member from it as a new one-member cluster" + after);
            ctx.setResults(results);
            ctx.log("dry run: nothing was changed");
            return;
        }

        ctx.log("saving a snapshot of " + source.key() + " (applied raft index "
                + source.status().orElseThrow().raftAppliedIndex() + ") in " + dir);
        SnapshotTarget.prepare(target);
        Snapshots.Saved saved;
        try (EtcdCluster admin = scope.adminAt(source.endpoint().orElseThrow(), EtcdAdmin.DEFAULT_TIMEOUT)) {
            saved = new Snapshots(admin, scope.snapshotTool()).save(dir, model.appName());
        } catch (ActionFailedException e) {
            throw new ActionFailedException("cannot take a snapshot of " + source.key() + ", nothing was changed: "
                    + e.getMessage());
        }
        SnapshotRestore restore = new SnapshotRestore(scope.snapshotTool());
        SnapshotRestore.Verified verified = restore.verify(saved.path(), saved.sha256());
        ClusterRestore.Replaced replaced = new ClusterRestore(fw, host).replaceCluster(ctx, scope, restore, verified,
                "pre-rebuild", "rebuilt the cluster from the data of member " + source.key() + " (snapshot " + saved.path() + ")");

        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("path", saved.path().toString());
        snapshot.put("sha256", saved.sha256());
        snapshot.put("revision", saved.status().revision());
        snapshot.put("copy-cmd", "juju scp " + model.unitName() + ":" + saved.path() + " .");
        Map<String, Object> rebuilt = new LinkedHashMap<>();
        rebuilt.put("generation", replaced.generation());
        rebuilt.put("member-id", Long.toHexString(replaced.rebuilt().memberId()));
        rebuilt.put("revision", replaced.rebuilt().revision());
        rebuilt.put("keys", replaced.rebuilt().keys());
        rebuilt.put("previous-data", replaced.rebuilt().movedAside().map(Path::toString).orElse("none"));
        results.put("snapshot", snapshot);
        results.put("rebuild", rebuilt);
        results.put("next", "the cluster is " + model.unitName() + "'s member alone" + after
                + "; add units with juju add-unit " + model.appName() + " to get back to a fault-tolerant size");
        ctx.setResults(results);
    }
}
