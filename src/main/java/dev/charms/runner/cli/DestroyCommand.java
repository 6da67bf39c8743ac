package dev.charms.runner.cli;

import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ModelPaths;
import picocli.CommandLine.Command;

/**
 * {@code destroy}: asks the daemon to destroy the model and exit; without a live daemon (crashed, killed)
 * it cleans up the model's machines, namespaces, mounts, bridge and files directly.
 */
@Command(name = "destroy", aliases = "destroy-model", description = "Destroy the model: units, machines, files.")
final class DestroyCommand extends ModelCommand {
    @Override
    public Integer call() {
        ModelPaths paths = paths();
        DaemonClient client = new DaemonClient(paths);
        if (client.running()) {
            client.call("destroy", args(), p -> { });
            DaemonLifecycle.awaitExit(paths);
        }
        Controller.cleanup(paths);
        err().println("Model \"" + paths.model() + "\" destroyed");
        return 0;
    }
}
