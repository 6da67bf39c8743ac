package dev.charms.etcd.steps;

import dev.charms.etcd.state.UnitState;
import dev.charms.ops.Model;

/**
 * Once the pass has settled: opens the configured client port (shown in juju status, effective once the
 * application is exposed), closing the one opened before when the {@code port} option changed.
 */
public final class ClientPort implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return true;
    }

    @Override
    public void run(HookScope scope) {
        UnitState state = scope.state();
        Model model = scope.model();
        int port = scope.settings().clientPort();
        int opened = state.openedClientPort();
        if (opened == port) {
            return;
        }
        if (opened != 0) {
            model.tools().closePort(opened, "tcp");
        }
        model.tools().openPort(port, "tcp");
        state.openedClientPort(port);
    }
}
