package dev.charms.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.charms.runner.controller.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy CHARM [APP] [-n N] [--config k=v|file.yaml] [--resource name=PATH] [--storage name=DIRECTIVE]};
 * starts the daemon if needed.
 */
@Command(name = "deploy", description = "Deploy a charm (.charm file or directory) as a new application.")
final class DeployCommand extends ModelCommand {
    @Parameters(index = "0", description = "Path of a .charm archive or a charm directory.")
    Path charm;

    @Parameters(index = "1", arity = "0..1", description = "Application name (default: the charm's name).")
    String application;

    @Option(names = {"-n", "--num-units"}, defaultValue = "1", description = "Number of units.")
    int units;

    @Option(names = "--config", description = "key=value, or a YAML file ({app: {key: value}} or {key: value}).")
    List<String> config = new ArrayList<>();

    @Option(names = "--resource", description = "name=PATH of a resource file.")
    List<String> resources = new ArrayList<>();

    @Option(names = "--storage", description = "name=[pool,][count,]size of a storage, e.g. data=1G (pools: tmpfs, rootfs).")
    List<String> storage = new ArrayList<>();

    @Option(names = "--update-status-interval", description = "Model's update-status interval, e.g. 10s.")
    String updateStatusInterval;

    @Override
    public Integer call() {
        if (units < 1) {
            throw new CliException("--num-units must be at least 1", 2);
        }
        Path charmPath = charm.toAbsolutePath().normalize();
        if (!Files.exists(charmPath)) {
            throw new CliException("charm not found: " + charmPath);
        }
        Map<String, String> cfg = new LinkedHashMap<>();
        for (String item : config) {
            if (item.contains("=")) {
                cfg.putAll(KeyValues.parse(List.of(item)));
            } else {
                cfg.putAll(configFile(Path.of(item)));
            }
        }
        ObjectNode res = args();
        KeyValues.parse(resources).forEach((k, v) -> res.put(k, Path.of(v).toAbsolutePath().normalize().toString()));
        if (updateStatusInterval != null) {
            Durations.parse(updateStatusInterval);
        }
        DaemonLauncher.ensureRunning(paths());
        if (updateStatusInterval != null) {
            ObjectNode mc = args();
            mc.putObject("values").put("update-status-hook-interval", updateStatusInterval);
            call("model-config", mc);
        }
        ObjectNode a = args();
        a.put("charm", charmPath.toString());
        if (application != null) {
            a.put("application", application);
        }
        a.put("units", units);
        ObjectNode c = a.putObject("config");
        cfg.forEach(c::put);
        a.set("resources", res);
        ObjectNode st = a.putObject("storage");
        KeyValues.parse(storage).forEach(st::put);
        JsonNode result = call("deploy", a);
        err().println("Deployed \"" + result.get("application").asText() + "\" from local charm \""
            + result.get("charm").asText() + "\" with " + units + (units == 1 ? " unit" : " units"));
        return 0;
    }

    private Map<String, String> configFile(Path file) {
        Object doc;
        try {
            doc = YamlText.load(Files.readString(file));
        } catch (IOException e) {
            throw new CliException("cannot read config file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new CliException("config file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new CliException("config file " + file + " must hold a YAML map");
        }
        Object appSection = application == null ? null : map.get(application);
        if (appSection == null && map.size() == 1 && map.values().iterator().next() instanceof Map<?, ?>) {
            appSection = map.values().iterator().next();
        }
        Map<?, ?> values = appSection instanceof Map<?, ?> m ? m : map;
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        return out;
    }
}
