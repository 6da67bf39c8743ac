package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code refresh APP --path CHARM}: a new revision of the application's charm (Juju 3's shape). */
@Command(name = "refresh", description = "Refresh an application to a new revision of its charm (.charm file or "
    + "directory): each unit runs upgrade-charm, config-changed and start.")
final class RefreshCommand extends ModelCommand {
    @Parameters(index = "0", description = "Application name.")
    String application;

    @Option(names = "--path", required = true, description = "The new charm: a .charm file or a charm directory.")
    Path path;

    @Override
    public Integer call() {
        Path charm = path.toAbsolutePath().normalize();
        if (!Files.exists(charm)) {
            throw new CliException("charm not found: " + charm);
        }
        ObjectNode a = args();
        a.put("application", application);
        a.put("charm", charm.toString());
        var r = call("refresh", a);
        System.out.println("Added local charm \"" + application + "\", revision " + r.path("revision").asInt()
            + ", to the model");
        return 0;
    }
}
