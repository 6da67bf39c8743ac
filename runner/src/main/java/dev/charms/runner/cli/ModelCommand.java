package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.ModelPaths;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** Base of every subcommand: the {@code -m/--model} option, output streams and the daemon connection. */
abstract class ModelCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, description = "Model to operate in (default: $LOCAL_JUJU_MODEL or default).",
        defaultValue = "${env:LOCAL_JUJU_MODEL:-default}")
    String model;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    ModelPaths paths() {
        try {
            return ModelPaths.fromEnvironment(model);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static ObjectNode args() {
        return DaemonProtocol.JSON.createObjectNode();
    }

    JsonNode call(String op, ObjectNode args) {
        return call(op, args, p -> { });
    }

    JsonNode call(String op, ObjectNode args, Consumer<JsonNode> progress) {
        return new DaemonClient(paths()).call(op, args, progress);
    }
}
