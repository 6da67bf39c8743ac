package dev.charms.runner.machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Read-only access to a machine's filesystem as the machine sees it, from the host: the emulated
 * systemd reads unit files, drop-ins, EnvironmentFile= and /etc/passwd through it.
 */
interface MachineFiles {
    /**
     * The host path to read for {@code pathInMachine}, or empty when the machine has no such entry.
     * Symbolic links are not followed (see {@link #readLink}).
     */
    Optional<Path> find(String pathInMachine);

    /** The target of a symbolic link as the machine sees it, or empty when the entry is not a link. */
    Optional<String> readLink(String pathInMachine);

    /** Names in a directory of the machine (merged over the overlay's layers), sorted; empty if none. */
    List<String> list(String dirInMachine);

    /**
     * Names the machine itself wrote in a directory (for an overlaid one, its upper layer: not what it
     * inherits from the host), sorted.
     */
    default List<String> listWritten(String dirInMachine) {
        return list(dirInMachine);
    }
}
