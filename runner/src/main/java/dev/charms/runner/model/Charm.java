package dev.charms.runner.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An unpacked charm on the host: its directory and the parsed metadata.yaml, config.yaml and actions.yaml. */
public record Charm(Path dir, CharmMeta meta, ConfigSchema config, ActionsSpec actions) {

    /**
     * Reads a charm directory. metadata.yaml is required; config.yaml and actions.yaml are optional.
     *
     * @throws ModelException when a file is missing or invalid (message names the file)
     */
    public static Charm load(Path dir) {
        Path metadata = dir.resolve("metadata.yaml");
        if (!Files.isRegularFile(metadata)) {
            throw new ModelException("charm missing from disk: no metadata.yaml in " + dir);
        }
        try {
            CharmMeta meta = CharmMeta.parse(Files.readString(metadata));
            Path configFile = dir.resolve("config.yaml");
            ConfigSchema config = Files.isRegularFile(configFile)
                    ? ConfigSchema.parse(Files.readString(configFile)) : ConfigSchema.empty();
            Path actionsFile = dir.resolve("actions.yaml");
            ActionsSpec actions = Files.isRegularFile(actionsFile)
                    ? ActionsSpec.parse(Files.readString(actionsFile)) : ActionsSpec.empty();
            return new Charm(dir, meta, config, actions);
        } catch (IOException e) {
            throw new ModelException("cannot read charm in " + dir + ": " + e.getMessage());
        }
    }
}
