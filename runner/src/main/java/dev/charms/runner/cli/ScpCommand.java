package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code scp UNIT:PATH LOCAL}: copies a file out of a unit's machine. */
@Command(name = "scp", description = "Copy a file out of a unit: scp etcd/0:/path/in/unit local-path")
final class ScpCommand extends ModelCommand {
    @Parameters(index = "0", description = "UNIT:PATH")
    String source;

    @Parameters(index = "1", description = "Local destination (file or directory).")
    Path destination;

    @Override
    public Integer call() {
        int colon = source.indexOf(':');
        if (colon <= 0 || colon == source.length() - 1) {
            throw new CliException("expected UNIT:PATH as source, got \"" + source + "\"", 2);
        }
        ObjectNode a = args();
        a.put("unit", source.substring(0, colon));
        a.put("path", source.substring(colon + 1));
        JsonNode r = call("host-path", a);
        Path from = Path.of(r.get("hostPath").asText());
        if (!Files.isRegularFile(from)) {
            throw new CliException("no such file in " + source.substring(0, colon) + ": " + source.substring(colon + 1));
        }
        Path to = Files.isDirectory(destination) ? destination.resolve(from.getFileName()) : destination;
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException("cannot copy to " + to + ": " + e.getMessage());
        }
        return 0;
    }
}
