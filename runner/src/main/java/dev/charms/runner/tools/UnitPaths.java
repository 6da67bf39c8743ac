package dev.charms.runner.tools;

import java.nio.file.Path;

/**
 * Maps a path a tool received from inside a unit ({@code --file}, {@code -o}, {@code k#file=}) to the
 * host path where the runner can read or write it. Relative paths are resolved against the caller's cwd
 * before this is called.
 */
@FunctionalInterface
public interface UnitPaths {
    Path hostPath(String unit, String pathInUnit);

    /** For tests and for units that share the host's file system. */
    UnitPaths IDENTITY = (unit, path) -> Path.of(path);
}
