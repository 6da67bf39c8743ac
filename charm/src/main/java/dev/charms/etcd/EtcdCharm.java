package dev.charms.etcd;

import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.steps.MembershipPlan;
import dev.charms.etcd.steps.Reconciler;
import dev.charms.etcd.steps.UnitRemoval;
import dev.charms.etcd.workload.MachineHost;
import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.ops.CharmSpec;
import dev.charms.ops.Event;
import dev.charms.ops.Framework;
import dev.charms.ops.Relation;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The etcd charm: nearly every event runs one holistic {@link Reconciler} pass. The exceptions are the
 * removal path (this unit departing the peer relation, then {@code stop} and {@code remove}), where the
 * unit leaves the cluster safely ({@link UnitRemoval}), and the actions, handled by {@link Actions}.
 */
public final class EtcdCharm {
    /** What metadata.yaml and actions.yaml declare (a test keeps them equal). */
    public static final CharmSpec SPEC = new CharmSpec(
            Set.of(PeerData.PEER),
            Set.of(PeerData.PEER, PeerData.DB, "certificates", dev.charms.etcd.steps.CosAgentRelation.ENDPOINT,
                    dev.charms.etcd.backup.S3Settings.ENDPOINT, "etcd-client"),
            Set.of("data"),
            Set.of("health", "member-list", "generate-client-certificates", "snapshot", "restore",
                    "rebuild-cluster", "compact", "defrag", "move-leader", "check-consistency", "alarm-list", "alarm-disarm",
                    "rotate-ca", "create-backup", "list-backups", "list-clients", "revoke-client"));

    private final Framework fw;
    private final Host host;

    public EtcdCharm(Framework fw) {
        this(fw, new MachineHost(EtcdPaths.system(), Path.of(fw.model().context().charmDir())));
    }

    public EtcdCharm(Framework fw, Host host) {
        this.fw = fw;
        this.host = host;
        for (Class<? extends Event> type : java.util.List.of(Event.Install.class,
                Event.ConfigChanged.class, Event.UpgradeCharm.class, Event.UpdateStatus.class,
                Event.LeaderElected.class, Event.LeaderSettingsChanged.class, Event.RelationCreated.class,
                Event.RelationJoined.class, Event.RelationChanged.class, Event.RelationBroken.class,
                Event.StorageAttached.class, Event.SecretEvent.class)) {
            fw.observe(type, new On<>(On.RECONCILE));
        }
        fw.observe(Event.RelationJoined.class, new On<>(On.ASK_BUCKET));
        for (Class<? extends Event> type : java.util.List.of(Event.ConfigChanged.class, Event.LeaderElected.class,
                Event.LeaderSettingsChanged.class, Event.UpgradeCharm.class, Event.UpdateStatus.class,
                Event.RelationChanged.class, Event.RelationBroken.class)) {
            fw.observe(type, new On<>(On.BACKUP_TIMER));
        }
        fw.observe(Event.Start.class, new On<>(On.START));
        fw.observe(Event.RelationDeparted.class, new On<>(On.DEPARTED));
        fw.observe(Event.Stop.class, new On<>(On.STOP));
        fw.observe(Event.Remove.class, new On<>(On.REMOVE));
        fw.observe(Event.Action.class, new On<>(On.ACTION));
        dev.charms.ops.Trace.mark("charm constructed");
        int clientPort = UnitState.openedClientPort(fw.stored());
        if (!(fw.event() instanceof Event.Action) && !(fw.event() instanceof Event.UpdateStatus)
                && !(fw.event() instanceof Event.Install) && clientPort > 0 && fw.model().isLeader()
                && expectsEtcdWork()) {
            // The leader's pass will talk to etcd (membership work) through its own member first.
            host.prewarm(clientPort, EtcdAdmin.DEFAULT_TIMEOUT);
        }
    }

    /** Whether the leader's pass will likely need etcd; unreadable peer data is left to the pass to report. */
    private boolean expectsEtcdWork() {
        try {
            return MembershipPlan.expectsEtcdWork(fw.model(), fw.stored());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * On the {@code s3-parameters} relation the leader names the bucket it would like, its application's
     * name (interface {@code s3}, v0: the requirer's {@code bucket} in its unit databag; a provider such as
     * s3-integrator answers with the bucket it was configured with).
     */
    private void askBucket(Event.RelationJoined event) {
        if (!event.relation().endpoint().equals(dev.charms.etcd.backup.S3Settings.ENDPOINT) || !fw.model().isLeader()) {
            return;
        }
        fw.model().relation(event.relation().endpoint(), event.relation().id()).ifPresent(r -> {
            if (!fw.model().appName().equals(r.localUnitData().get("bucket"))) {
                r.updateLocalUnitData(java.util.Map.of("bucket", fw.model().appName()));
            }
        });
    }

    /**
     * The scheduled-backup timer follows leadership, the option and the s3 relation (docs/backups.md,
     * "Scheduled backups"); other relations' events leave it alone, so they make no extra hook-tool calls.
     */
    private void backupTimer(Event event) {
        if (event instanceof Event.RelationEvent r && !r.relation().endpoint().equals(dev.charms.etcd.backup.S3Settings.ENDPOINT)) {
            return;
        }
        new BackupTimer(fw, host).run(event);
    }

    private void reconcile() {
        new Reconciler(fw, host).run();
    }

    /**
     * Juju runs {@code start} after the first {@code config-changed}, after a refresh, and after the
     * machine rebooted (docs/juju-contract.md, section 2): the pass is the usual one. The time of a start
     * other than the first is kept, so that a cluster still forming its quorum (its machines booting)
     * reads as starting, not as lost ({@link dev.charms.etcd.steps.StatusReport}).
     */
    private void onStart() {
        new UnitState(fw.stored()).startHookRan(System.currentTimeMillis());
        reconcile();
    }

    /** This unit departing the peer relation means it is being removed: leave the cluster first. */
    private void onDeparted(Event.RelationDeparted event) {
        boolean selfDeparting = fw.model().unitName().equals(event.departingUnit());
        if (selfDeparting && event.relation().endpoint().equals(PeerData.PEER)) {
            boolean last = fw.model().relation(PeerData.PEER)
                    .map(r -> r.units().stream().allMatch(u -> u.equals(event.remoteUnit()))).orElse(true);
            new UnitRemoval(fw, host).leave(last ? UnitRemoval.Hook.LAST_DEPARTED : UnitRemoval.Hook.DEPARTED);
        } else {
            reconcile();
        }
    }

    /**
     * On stop, a unit being removed that has not left yet looks again; the last unit of the application
     * (which gets no departed hook, and has no peer) stops etcd.
     */
    private void onStop() {
        UnitState state = new UnitState(fw.stored());
        if (state.left()) {
            return;
        }
        Optional<Relation> peer = fw.model().relation(PeerData.PEER);
        if (state.departing() || peer.isPresent() && !peer.get().units().isEmpty()) {
            new UnitRemoval(fw, host).leave(UnitRemoval.Hook.STOP);
            return;
        }
        if (host.installation().isPresent()) {
            host.stop();
        }
    }

    /** On remove, the last hook of a unit being removed, it waits for its member to leave the cluster. */
    private void onRemove() {
        UnitState state = new UnitState(fw.stored());
        if (state.departing() && !state.left()) {
            new UnitRemoval(fw, host).leave(UnitRemoval.Hook.REMOVE);
        }
    }

    /**
     * The handlers, one named class rather than lambdas: each lambda or method reference costs its hook
     * a class spun at run time, which the class archive holds only if its training run made it (it runs
     * no handler; docs/architecture.md, "Start-up"), and every hook registers all of them.
     */
    private final class On<E extends Event> implements Framework.Handler<E> {
        static final int RECONCILE = 0;
        static final int ASK_BUCKET = 1;
        static final int BACKUP_TIMER = 2;
        static final int START = 3;
        static final int DEPARTED = 4;
        static final int STOP = 5;
        static final int REMOVE = 6;
        static final int ACTION = 7;

        private final int what;

        On(int what) {
            this.what = what;
        }

        @Override
        public void handle(E event) {
            switch (what) {
                case RECONCILE -> reconcile();
                case ASK_BUCKET -> askBucket((Event.RelationJoined) event);
                case BACKUP_TIMER -> backupTimer(event);
                case START -> onStart();
                case DEPARTED -> onDeparted((Event.RelationDeparted) event);
                case STOP -> onStop();
                case REMOVE -> onRemove();
                case ACTION -> new Actions(fw, host).run((Event.Action) event);
                default -> throw new IllegalStateException("no handler " + what);
            }
        }
    }
}
