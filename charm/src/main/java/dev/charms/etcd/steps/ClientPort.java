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
        if (follow(model, state.openedClientPort(), port)) {
            state.openedClientPort(port);
        }
    }

    /**
     * Opens {@code port} (none when 0) for Juju in place of {@code opened} (none when 0); whether anything
     * changed. Juju applies both at the end of a successful hook.
     */
    static boolean follow(Model model, int opened, int port) {
        if (opened == port) {
            return false;
        }
        if (opened != 0) {
            model.tools().closePort(opened, "tcp");
        }
        if (port != 0) {
            model.tools().openPort(port, "tcp");
        }
        return true;
    }
}
