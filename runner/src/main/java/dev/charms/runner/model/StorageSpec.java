package dev.charms.runner.model;

import dev.charms.charmfiles.Storage;

/** A storage of a deployed charm, as the controller attaches it to new units. */
public record StorageSpec(Storage storage) {
    /** The storage name, e.g. {@code data}. */
    public String name() {
        return storage.name();
    }

    /** {@code filesystem} or {@code block}. */
    public String type() {
        return storage.type();
    }

    /** The mount point for filesystem storage (may be empty). */
    public String location() {
        return storage.location();
    }

    /** How many instances each unit gets at deploy (the lower bound of {@code multiple.range}). */
    public int minCount() {
        return storage.minCount();
    }
}
