package dev.charms.runner.cli;

import picocli.CommandLine.Command;

/** {@code controller-daemon}: runs the model's controller daemon in the foreground (started by deploy). */
@Command(name = "controller-daemon", hidden = true, description = "Run the model's controller daemon (internal).")
final class DaemonCommand extends ModelCommand {
    @Override
    public Integer call() throws Exception {
        ControllerDaemon.run(paths());
        return 0;
    }
}
