package dev.charms.runner.model;

import dev.charms.charmfiles.ActionsSpec;
import dev.charms.charmfiles.CharmFiles;
import dev.charms.charmfiles.ConfigSchema;
import dev.charms.charmfiles.Metadata;
import java.nio.file.Path;

/** An unpacked charm on the host: its directory and the parsed metadata.yaml, config.yaml and actions.yaml. */
public record Charm(Path dir, Metadata meta, ConfigSchema config, ActionsSpec actions) {

    /**
     * Reads a charm directory. metadata.yaml is required; config.yaml and actions.yaml are optional.
     *
     * @throws ModelException when a file is missing or invalid (message names the file)
     */
    public static Charm load(Path dir) {
        CharmFiles files = ModelException.checked(() -> CharmFiles.load(dir));
        return new Charm(dir, files.metadata(), files.config(), files.actions());
    }
}
