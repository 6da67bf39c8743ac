package dev.charms.runner.cli;

import dev.charms.runner.controller.ModelPaths;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a model's controller daemon when none is running: a detached JVM ({@code setsid}, stdin from
 * /dev/null, output appended to the model's controller.log) running {@code LocalJuju controller-daemon}
 * with this process's class path (a private copy of the jar), then waits until it answers on its socket.
 */
final class DaemonLauncher {
    private static final long START_TIMEOUT_MS = 60_000;

    private DaemonLauncher() {
    }

    static void ensureRunning(ModelPaths paths) {
        DaemonClient client = new DaemonClient(paths);
        if (client.running()) {
            return;
        }
        try {
            Files.createDirectories(paths.dir());
            Files.deleteIfExists(paths.socket());
            // C1 only: the daemon mostly waits on sockets and processes, and C2's compiler threads took a
            // third of its CPU during a deploy (1.57 s against 1.12 s), which the units' hooks need then.
            List<String> cmd = new ArrayList<>(List.of("setsid",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", privateClassPath(paths),
                LocalJuju.class.getName(), "controller-daemon", "-m", paths.model()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("LOCAL_JUJU_HOME", paths.home().toString());
            pb.redirectInput(new File("/dev/null"));
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(paths.daemonLog().toFile()));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (System.currentTimeMillis() < deadline) {
                if (client.running()) {
                    return;
                }
                if (!p.isAlive() && p.exitValue() != 0) {
                    break;
                }
                Thread.sleep(50);
            }
            throw new CliException("the controller for model \"" + paths.model() + "\" did not start: "
                + lastLine(paths.daemonLog()) + " (see " + paths.daemonLog() + ")");
        } catch (IOException e) {
            throw new CliException("cannot start the controller: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while starting the controller");
        }
    }

    /**
     * The daemon's class path: a copy of the runner jar in the model dir when running from a jar, so that
     * rebuilding the jar cannot pull classes from under a running daemon; the class path as is otherwise.
     */
    private static String privateClassPath(ModelPaths paths) throws IOException {
        String cp = System.getProperty("java.class.path");
        Path jar = Path.of(cp);
        if (cp.contains(File.pathSeparator) || !cp.endsWith(".jar") || !Files.isRegularFile(jar)) {
            return cp;
        }
        Path copy = paths.dir().resolve("runner.jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy.toString();
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).trim();
                }
            }
        } catch (IOException e) {
            return "no log";
        }
        return "no output";
    }
}
