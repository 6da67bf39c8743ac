package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * {@link MachineFiles} for a {@link NamespaceMachine}: under an overlaid directory an entry comes from
 * the overlay's upper directory when the unit wrote it (a whiteout there hides it), else from the host
 * directory underneath; the agent and tools directories are the unit's own host directories; any other
 * path is the host's.
 */
final class OverlayFiles implements MachineFiles {
    private final UnitLayout layout;

    OverlayFiles(UnitLayout layout) {
        this.layout = layout;
    }

    /** The layers (top first) that can hold {@code pathInMachine}. */
    private List<Path> layers(String pathInMachine) {
        Path path = Path.of(pathInMachine).normalize();
        Path agent = Path.of(layout.agentDirInMachine());
        Path tools = Path.of(layout.toolsDirInMachine());
        if (path.startsWith(agent)) {
            return List.of(layout.agent().resolve(agent.relativize(path).toString()));
        }
        if (path.startsWith(tools)) {
            return List.of(layout.tools().resolve(tools.relativize(path).toString()));
        }
        for (String dir : UnitLayout.OVERLAID) {
            Path top = Path.of(dir);
            if (path.startsWith(top)) {
                return List.of(layout.upper(dir).resolve(top.relativize(path).toString()), path);
            }
        }
        return List.of(path);
    }

    private static boolean isWhiteout(Path path) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attrs.isOther() && !attrs.isDirectory() && !attrs.isRegularFile() && !attrs.isSymbolicLink();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Optional<Path> find(String pathInMachine) {
        for (Path layer : layers(pathInMachine)) {
            if (Files.exists(layer, LinkOption.NOFOLLOW_LINKS)) {
                return isWhiteout(layer) ? Optional.empty() : Optional.of(layer);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> readLink(String pathInMachine) {
        Optional<Path> found = find(pathInMachine);
        if (found.isEmpty() || !Files.isSymbolicLink(found.get())) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(found.get()).toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(String dirInMachine) {
        TreeSet<String> names = new TreeSet<>();
        List<String> hidden = new ArrayList<>();
        for (Path layer : layers(dirInMachine)) {
            if (!Files.isDirectory(layer, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(layer)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (hidden.contains(name)) {
                        continue;
                    }
                    if (isWhiteout(entry)) {
                        hidden.add(name);
                    } else {
                        names.add(name);
                    }
                }
            } catch (IOException e) {
                // an unreadable layer contributes nothing
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public List<String> listWritten(String dirInMachine) {
        List<Path> layers = layers(dirInMachine);
        if (layers.size() < 2) {
            return list(dirInMachine);
        }
        TreeSet<String> names = new TreeSet<>();
        if (Files.isDirectory(layers.get(0), LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(layers.get(0))) {
                for (Path entry : entries) {
                    if (!isWhiteout(entry)) {
                        names.add(entry.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                // an unreadable layer contributes nothing
            }
        }
        return new ArrayList<>(names);
    }
}
