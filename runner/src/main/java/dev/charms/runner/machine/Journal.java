package dev.charms.runner.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A machine's journal: one file per service in the unit's state directory, one record per line
 * ({@code <epoch-ms> TAB <identifier> TAB <pid> TAB <message>}), written by the service's output
 * readers and by the emulated systemd's own messages, printed by {@code journalctl}.
 */
final class Journal {
    private static final DateTimeFormatter SHORT = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** One journal record. */
    record Entry(long epochMillis, String identifier, long pid, String message) {
        String format(String hostname, boolean cat) {
            if (cat) {
                return message;
            }
            return SHORT.format(Instant.ofEpochMilli(epochMillis)) + " " + hostname + " " + identifier + "[" + pid + "]: "
                    + message;
        }
    }

    private final Path dir;

    Journal(Path dir) {
        this.dir = dir;
    }

    private Path file(String unit) {
        return dir.resolve(unit + ".journal");
    }

    /** Appends one record for {@code unit}; line breaks in {@code message} split it into several records. */
    synchronized void append(String unit, String identifier, long pid, String message) {
        StringBuilder lines = new StringBuilder();
        long now = System.currentTimeMillis();
        String text = message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
        for (String line : text.split("\n", -1)) {
            lines.append(now).append('\t').append(identifier.replace('\t', ' ')).append('\t').append(pid).append('\t')
                    .append(line.replace('\t', ' ').replace("\r", "")).append('\n');
        }
        try {
            Files.createDirectories(dir);
            Files.writeString(file(unit), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal of " + unit, e);
        }
    }

    /** The records of the given units (all units when empty), oldest first. */
    synchronized List<Entry> read(List<String> units) throws IOException {
        List<Path> files = new ArrayList<>();
        if (units.isEmpty()) {
            if (Files.isDirectory(dir)) {
                try (var stream = Files.list(dir)) {
                    stream.filter(p -> p.getFileName().toString().endsWith(".journal")).forEach(files::add);
                }
            }
        } else {
            for (String unit : units) {
                files.add(file(unit));
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Path path : files) {
            if (!Files.exists(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 4);
                if (f.length == 4) {
                    entries.add(new Entry(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), f[3]));
                }
            }
        }
        entries.sort(Comparator.comparingLong(Entry::epochMillis));
        return entries;
    }
}
