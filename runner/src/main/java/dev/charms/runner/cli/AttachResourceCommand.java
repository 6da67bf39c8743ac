package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code attach-resource APP name=PATH}. */
@Command(name = "attach-resource", description = "Attach a resource file to an application.")
final class AttachResourceCommand extends ModelCommand {
    @Parameters(index = "0", description = "Application name.")
    String application;

    @Parameters(index = "1", description = "name=PATH")
    String resource;

    @Override
    public Integer call() {
        Map.Entry<String, String> kv = KeyValues.parse(List.of(resource)).entrySet().iterator().next();
        Path file = Path.of(kv.getValue()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new CliException("resource file not found: " + file);
        }
        ObjectNode a = args();
        a.put("application", application);
        a.put("name", kv.getKey());
        a.put("path", file.toString());
        call("attach-resource", a);
        return 0;
    }
}
