package dev.charms.runner.cli;

import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ModelPaths;
import picocli.CommandLine.Command;

/**
 * {@code destroy}: asks the daemon to destroy the model and exit, stops it if it does not, then removes
 * whatever is left of the model's machines, namespaces, mounts, bridge and files (also when the daemon
 * crashed or never answered).
 */
@Command(name = "destroy", aliases = "destroy-model", description = "Destroy the model: units, machines, files.")
final class DestroyCommand extends ModelCommand {
    @Override
    public Integer call() {
        ModelPaths paths = paths();
        DaemonClient client = new DaemonClient(paths);
        if (client.running()) {
            try {
                client.call("destroy", args(), p -> { });
            } catch (CliException e) {
                err().println("WARNING the controller failed to destroy the model (" + e.getMessage()
                    + "); cleaning up directly");
            }
        }
        DaemonLifecycle.stop(paths);
        Controller.cleanup(paths);
        err().println("Model \"" + paths.model() + "\" destroyed");
        return 0;
    }
}
