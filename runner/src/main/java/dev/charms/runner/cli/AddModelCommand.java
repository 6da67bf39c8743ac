package dev.charms.runner.cli;

import dev.charms.runner.controller.ModelPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code add-model [MODEL]}: starts the model's controller with no application yet, as {@code juju
 * add-model} does (deploy starts it too when it is not running). The model is the argument if given,
 * else {@code -m} or {@code LOCAL_JUJU_MODEL}.
 */
@Command(name = "add-model", description = "Create a model (start its controller) without deploying anything.")
final class AddModelCommand extends ModelCommand {
    @Parameters(index = "0", arity = "0..1", description = "Model name (default: -m or LOCAL_JUJU_MODEL).")
    String name;

    @Override
    public Integer call() {
        if (name != null) {
            model = name;
        }
        ModelPaths paths = paths();
        if (new DaemonClient(paths).running()) {
            throw new CliException("model \"" + paths.model() + "\" already exists");
        }
        DaemonLauncher.ensureRunning(paths);
        err().println("Added model \"" + paths.model() + "\"");
        return 0;
    }
}
