package dev.charms.runner.machine;

import dev.charms.runner.agent.ToolResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code journalctl} invocation against a machine's {@link Journal}: {@code -u UNIT} (repeatable),
 * {@code -n N}, {@code -o cat|short}, {@code -r}, {@code --no-hostname}, and the options that change
 * nothing here ({@code --no-pager -q -b -x -e}). {@code -f} is refused: a tool call cannot stream.
 */
final class Journalctl {
    private final EmulatedSystemd systemd;

    Journalctl(EmulatedSystemd systemd) {
        this.systemd = systemd;
    }

    ToolResponse run(List<String> args) {
        List<String> units = new ArrayList<>();
        int lines = -1;
        boolean cat = false;
        boolean reverse = false;
        boolean noHostname = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            try {
                if (a.equals("-u") || a.equals("--unit")) {
                    units.add(UnitDefinition.canonicalName(args.get(++i)));
                } else if (a.startsWith("--unit=")) {
                    units.add(UnitDefinition.canonicalName(a.substring(7)));
                } else if (a.startsWith("-u") && a.length() > 2) {
                    units.add(UnitDefinition.canonicalName(a.substring(2)));
                } else if (a.equals("-n") || a.equals("--lines")) {
                    if (i + 1 < args.size() && args.get(i + 1).matches("\\+?\\d+|all")) {
                        lines = count(args.get(++i));
                    } else {
                        lines = 10;
                    }
                } else if (a.startsWith("--lines=")) {
                    lines = count(a.substring(8));
                } else if (a.startsWith("-n") && a.length() > 2) {
                    lines = count(a.substring(2));
                } else if (a.equals("-o") || a.equals("--output")) {
                    cat = output(args.get(++i));
                } else if (a.startsWith("--output=")) {
                    cat = output(a.substring(9));
                } else if (a.equals("-ocat")) {
                    cat = true;
                } else if (a.equals("-r") || a.equals("--reverse")) {
                    reverse = true;
                } else if (a.equals("--no-hostname")) {
                    noHostname = true;
                } else if (a.equals("-e") || a.equals("--pager-end")) {
                    lines = lines < 0 ? 1000 : lines;
                } else if (a.equals("-f") || a.equals("--follow")) {
                    return error("journalctl: --follow is not supported by the local runner's journal");
                } else if (List.of("--no-pager", "-q", "--quiet", "-b", "--boot", "-x", "--catalog", "--system",
                        "-l", "--full", "-a", "--all").contains(a)) {
                    continue;
                } else {
                    return error("journalctl: unrecognized option '" + a + "'");
                }
            } catch (IndexOutOfBoundsException e) {
                return error("journalctl: option '" + a + "' requires an argument");
            } catch (IllegalArgumentException e) {
                return error(e.getMessage());
            }
        }
        List<Journal.Entry> entries;
        try {
            entries = systemd.journal().read(units);
        } catch (IOException e) {
            return error("journalctl: cannot read the journal: " + e.getMessage());
        }
        if (lines >= 0 && entries.size() > lines) {
            entries = entries.subList(entries.size() - lines, entries.size());
        }
        if (reverse) {
            entries = new ArrayList<>(entries);
            java.util.Collections.reverse(entries);
        }
        StringBuilder out = new StringBuilder();
        if (entries.isEmpty()) {
            out.append("-- No entries --\n");
        }
        String hostname = systemd.machine().hostname();
        for (Journal.Entry entry : entries) {
            String line = entry.format(hostname, cat);
            if (noHostname && !cat) {
                line = line.replaceFirst(" " + java.util.regex.Pattern.quote(hostname) + " ", " ");
            }
            out.append(line).append('\n');
        }
        return new ToolResponse(0, out.toString().getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static int count(String text) {
        if (text.equals("all")) {
            return -1;
        }
        try {
            return Integer.parseInt(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Failed to parse lines '" + text + "'");
        }
    }

    private static boolean output(String mode) {
        return switch (mode) {
            case "cat" -> true;
            case "short", "short-iso", "short-precise" -> false;
            default -> throw new IllegalArgumentException("Unknown output format '" + mode + "'.");
        };
    }

    private static ToolResponse error(String message) {
        return new ToolResponse(1, new byte[0], (message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
