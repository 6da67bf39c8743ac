package dev.charms.etcd.steps;

import dev.charms.etcd.state.UnitState;
import dev.charms.ops.Model;

/**
 * Once the pass has settled: opens the {@code metrics-port} (plain-HTTP /metrics and /health, see
 * docs/observability.md) for Juju, closing the one opened before when the option changed or was set to 0.
 */
public final class MetricsPort implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return true;
    }

    @Override
    public void run(HookScope scope) {
        UnitState state = scope.state();
        Model model = scope.model();
        int port = scope.settings().metricsPort();
        if (ClientPort.follow(model, state.openedMetricsPort(), port)) {
            state.openedMetricsPort(port);
        }
    }
}
