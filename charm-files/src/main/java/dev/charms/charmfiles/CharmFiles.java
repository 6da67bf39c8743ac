package dev.charms.charmfiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A charm's own files, read from its directory: metadata.yaml (required), config.yaml and actions.yaml
 * (optional; a charm without them has no options or no actions).
 */
public record CharmFiles(Path dir, Metadata metadata, ConfigSchema config, ActionsSpec actions) {

    /**
     * Reads and checks the charm files in {@code dir}.
     *
     * @throws CharmFileException when metadata.yaml is missing or a file is unreadable or invalid (the
     *                            message names the file)
     */
    public static CharmFiles load(Path dir) {
        Path metadata = dir.resolve("metadata.yaml");
        if (!Files.isRegularFile(metadata)) {
            throw new CharmFileException("charm missing from disk: no metadata.yaml in " + dir);
        }
        try {
            Metadata meta = Metadata.parse(Files.readString(metadata));
            Path configFile = dir.resolve("config.yaml");
            ConfigSchema config = Files.isRegularFile(configFile)
                    ? ConfigSchema.parse(Files.readString(configFile)) : ConfigSchema.empty();
            Path actionsFile = dir.resolve("actions.yaml");
            ActionsSpec actions = Files.isRegularFile(actionsFile)
                    ? ActionsSpec.parse(Files.readString(actionsFile)) : ActionsSpec.empty();
            return new CharmFiles(dir, meta, config, actions);
        } catch (IOException e) {
            throw new CharmFileException("cannot read charm in " + dir + ": " + e.getMessage());
        }
    }
}
