package dev.charms.runner.cli;

import dev.charms.runner.controller.DebugLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code debug-log [--replay] [--include UNIT] [-n N] [--no-tail] [--ms]}: prints the model's debug log (read
 * from its file, so it works even when the daemon is gone) and, unless {@code --no-tail}, follows it.
 */
@Command(name = "debug-log", description = "Show the model's log (hook output, juju-log, agent messages).")
final class DebugLogCommand extends ModelCommand {
    @Option(names = "--replay", description = "Show the whole log, not only the last lines.")
    boolean replay;

    @Option(names = "--include", description = "Only lines of these units (etcd/0 or unit-etcd-0).")
    List<String> include = new ArrayList<>();

    @Option(names = {"-n", "--lines"}, defaultValue = "10", description = "How many lines to show first.")
    int lines;

    @Option(names = "--ms", description = "Show times to the millisecond.")
    boolean ms;

    @Option(names = "--no-tail", description = "Stop after printing instead of following the log.")
    boolean noTail;

    @Override
    public Integer call() throws Exception {
        Path file = paths().debugLog();
        if (!Files.exists(file)) {
            throw new CliException("model \"" + model + "\" has no debug log (" + file + ")");
        }
        List<String> prefixes = include.stream()
            .map(u -> (u.startsWith("unit-") ? u : DebugLog.unitTag(u)) + ":").toList();
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> matches(l, prefixes))
            .toList();
        List<String> first = replay ? all : all.subList(Math.max(0, all.size() - lines), all.size());
        first.forEach(l -> out().println(shown(l)));
        out().flush();
        if (!noTail) {
            follow(file, prefixes);
        }
        return 0;
    }

    private String shown(String line) {
        return ms ? line : DebugLog.withoutMillis(line);
    }

    private static boolean matches(String line, List<String> prefixes) {
        return prefixes.isEmpty() || prefixes.stream().anyMatch(line::startsWith);
    }

    private void follow(Path file, List<String> prefixes) throws IOException, InterruptedException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(raf.length());
            StringBuilder partial = new StringBuilder();
            byte[] buf = new byte[8192];
            while (!Thread.currentThread().isInterrupted()) {
                int n = raf.read(buf);
                if (n <= 0) {
                    if (!Files.exists(file)) {
                        return;
                    }
                    Thread.sleep(200);
                    continue;
                }
                partial.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl);
                    partial.delete(0, nl + 1);
                    if (matches(line, prefixes)) {
                        out().println(shown(line));
                    }
                }
                out().flush();
            }
        }
    }
}
