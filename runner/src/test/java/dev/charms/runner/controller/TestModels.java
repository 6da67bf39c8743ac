package dev.charms.runner.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for the controller's integration tests: unique model paths and the recorder charm's hook log. */
final class TestModels {
    static final Path RECORDER = Path.of("src/test/resources/charms/recorder").toAbsolutePath();
    private static final Pattern RECORD = Pattern.compile("^(unit-\\S+): \\S+ DEBUG unit\\.(\\S+?)\\.\\S+ RECORD (\\S+) (\\S+) (\\S+) (\\S+)$");

    private TestModels() {
    }

    /** A fresh model under target/ (short path: unix socket paths are limited to 107 bytes). */
    static ModelPaths newModel(String prefix) throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path home = Files.createDirectories(Path.of("target").toAbsolutePath().resolve("lj-" + id));
        return new ModelPaths(home, prefix + "-" + id);
    }

    /** A started controller with fast retries and no update-status noise. */
    static Controller start(ModelPaths paths) throws IOException {
        Controller c = Controller.start(paths);
        c.setModelConfig(Map.of("retry-hook-base-delay", "1s", "update-status-hook-interval", "1h"));
        return c;
    }

    /** Destroys the model and deletes its home dir, even after a failed test. */
    static void destroy(Controller c, ModelPaths paths) {
        try {
            keepDebugLog(paths);
            if (c != null) {
                c.destroy();
            }
        } finally {
            Controller.cleanup(paths);
            FileTrees.deleteRecursively(paths.home());
        }
    }

    /** Copies the model's debug log to target/it-logs/<model>.log for post-mortems. */
    private static void keepDebugLog(ModelPaths paths) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "it-logs"));
            if (Files.exists(paths.debugLog())) {
                Files.copy(paths.debugLog(), dir.resolve(paths.model() + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep the debug log of " + paths.model() + ": " + e.getMessage());
        }
    }

    /**
     * The hooks {@code unit} ran, in order, as {@code "<hook> <remote-unit> <departing-unit>"} (e.g.
     * {@code "cluster-relation-joined rec/1 -"}), or {@code "action <name>"} for actions.
     */
    static List<String> hooks(Path debugLog, String unit) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(debugLog)) {
            Matcher m = RECORD.matcher(line);
            if (m.matches() && m.group(2).equals(unit)) {
                String path = m.group(3);
                String name = path.substring(path.indexOf('/') + 1);
                out.add(path.startsWith("actions/") ? "action " + name : name + " " + m.group(4) + " " + m.group(5));
            }
        }
        return out;
    }

    /**
     * The peer members relation-list showed in each hook {@code unit} ran, in order, as {@code "<hook>:
     * <units>"} (e.g. {@code "cluster-relation-joined: rec/1"}, {@code "start: "}).
     */
    static List<String> members(Path debugLog, String unit) throws IOException {
        Pattern line = Pattern.compile("^unit-\\S+: \\S+ DEBUG unit\\.(\\S+?)\\.\\S+ MEMBERS hooks/(\\S+) ?(.*)$");
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(debugLog)) {
            Matcher m = line.matcher(l);
            if (m.matches() && m.group(1).equals(unit)) {
                out.add(m.group(2) + ": " + m.group(3).trim());
            }
        }
        return out;
    }

    /** Only the hook names. */
    static List<String> hookNames(Path debugLog, String unit) throws IOException {
        return hooks(debugLog, unit).stream().map(h -> h.split(" ")[0]).toList();
    }
}
