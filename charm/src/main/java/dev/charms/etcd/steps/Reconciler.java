package dev.charms.etcd.steps;

import dev.charms.etcd.workload.Host;
import dev.charms.ops.Framework;
import dev.charms.ops.Status;
import dev.charms.ops.Trace;
import java.util.List;
import java.util.Optional;

/**
 * One idempotent pass that converges this unit, and (on the leader) the cluster, towards what the
 * configuration and the peer data say. It opens the hook's {@link HookScope} and runs the converging
 * steps in order; while a step says the pass is not settled ({@link Unsettled}), it runs them again, at
 * most {@link #MAX_ROUNDS} rounds in all; then the closing steps run once. A step may end the pass early
 * ({@link HookScope#halt}). Every hook but the removal hooks ends here, in any order Juju runs them.
 */
public final class Reconciler {
    /**
     * Rounds per pass: the first, one after the leader admitted itself, and two that hand its own
     * restart turn on (restarting in between when the turn stays its own).
     */
    static final int MAX_ROUNDS = 4;

    /** The converging steps, in the order they run in each round. */
    static final List<Step> CONVERGING = List.of(
            new ClusterCertificates(),
            new CertificateAuthorities(false),
            new EtcdClientRelation(false),
            new UnitCertificate(),
            new Bootstrap(),
            new Departures(),
            new Membership(),
            new RestartTurns(),
            new ThisMember(),
            new RestartInTurn(),
            new RestartTurnHandOver(),
            new UnitStatus());

    /** The steps run once the pass has settled. */
    static final List<Step> CLOSING = List.of(new ClientPort(), new MetricsPort(), new CertificateAuthorities(true), new Authentication(),
            new EtcdClientRelation(true), new DbRelation(),
            new CosAgentRelation());

    private final Framework fw;
    private final Host host;

    public Reconciler(Framework fw, Host host) {
        this.fw = fw;
        this.host = host;
    }

    public void run() {
        if (new dev.charms.etcd.state.UnitState(fw.stored()).left()) {
            fw.reportUnitStatus(Status.maintenance("this unit has left the cluster and is being removed"));
            return;
        }
        Optional<HookScope> opened = HookScope.open(fw, host);
        if (opened.isEmpty()) {
            return;
        }
        Trace.mark("reconcile: prepared");
        try (HookScope scope = opened.get()) {
            runRounds(scope, CONVERGING, CLOSING).ifPresent(fw::reportUnitStatus);
            // A refused etcd release blocks the unit while the steps keep the cluster as it is; a blocked
            // status a step reported (no quorum, etcd not running) goes first.
            HookScope.reportRefusedRelease(fw, scope.state());
        }
        Trace.mark("reconcile: done");
    }

    /**
     * Runs the {@code converging} steps, again while a round leaves the pass unsettled (at most
     * {@link #MAX_ROUNDS} rounds), then the {@code closing} steps. Returns the status of a step that halted
     * the pass, which then ends there.
     */
    static Optional<Status> runRounds(HookScope scope, List<Step> converging, List<Step> closing) {
        Optional<Unsettled> rerun = Optional.empty();
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            scope.beginRound(round, rerun.orElse(null));
            Optional<Status> halted = runAll(converging, scope);
            if (halted.isPresent()) {
                return halted;
            }
            rerun = scope.unsettledBy();
            if (rerun.isEmpty()) {
                break;
            }
        }
        return runAll(closing, scope);
    }

    /** Runs each step that applies, in order; the status of one that halted the pass, if any. */
    private static Optional<Status> runAll(List<Step> steps, HookScope scope) {
        for (Step step : steps) {
            if (!step.appliesTo(scope)) {
                continue;
            }
            step.run(scope);
            Trace.mark("reconcile: " + step.getClass().getSimpleName());
            if (scope.halted().isPresent()) {
                return scope.halted();
            }
        }
        return Optional.empty();
    }
}
