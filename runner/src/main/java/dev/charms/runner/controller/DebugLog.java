package dev.charms.runner.controller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * A model's debug log: one file of lines shaped like {@code juju debug-log --ms} prints them,
 * {@code unit-etcd-0: 08:10:00.123 DEBUG unit.etcd/0.install message} ({@code debug-log} without
 * {@code --ms} drops the milliseconds, as Juju does). Thread-safe; every line is flushed.
 */
public final class DebugLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final Pattern MILLIS = Pattern.compile("^(\\S+: \\d\\d:\\d\\d:\\d\\d)\\.\\d{3}(?= )");
    private final Path file;
    private final Writer out;

    public DebugLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    /** The Juju tag of a unit name: {@code etcd/0} becomes {@code unit-etcd-0}. */
    public static String unitTag(String unit) {
        return "unit-" + unit.replace('/', '-');
    }

    /** {@code line} as {@code juju debug-log} prints it without {@code --ms}: the time to the second. */
    public static String withoutMillis(String line) {
        return MILLIS.matcher(line).replaceFirst("$1");
    }

    /** Logs {@code message} (each of its lines) for {@code unit} at {@code level} under {@code logger}. */
    public void log(String unit, String level, String logger, String message) {
        String prefix = unitTag(unit) + ": " + LocalTime.now().format(TIME) + " " + level + " " + logger + " ";
        synchronized (this) {
            try {
                for (String line : message.split("\n", -1)) {
                    if (!line.isEmpty()) {
                        out.write(prefix + line + "\n");
                    }
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write debug log " + file, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close debug log " + file, e);
        }
    }
}
