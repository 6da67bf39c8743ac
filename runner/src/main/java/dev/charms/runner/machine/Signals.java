package dev.charms.runner.machine;

import java.util.Map;

/** Signal numbers and names as systemd prints them, and sending a signal to a host pid. */
final class Signals {
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "HUP"), Map.entry(2, "INT"),
            Map.entry(3, "QUIT"), Map.entry(4, "ILL"), Map.entry(6, "ABRT"), Map.entry(7, "BUS"), Map.entry(8, "FPE"),
            Map.entry(9, "KILL"), Map.entry(10, "USR1"), Map.entry(11, "SEGV"), Map.entry(12, "USR2"),
            Map.entry(13, "PIPE"), Map.entry(14, "ALRM"), Map.entry(15, "TERM"));

    private Signals() {
    }

    static String name(int signal) {
        return NAMES.getOrDefault(signal, Integer.toString(signal));
    }

    /** Parses {@code SIGHUP}, {@code HUP} or {@code 1}. */
    static int parse(String text) {
        String name = text.toUpperCase(java.util.Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        for (Map.Entry<Integer, String> e : NAMES.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        try {
            int n = Integer.parseInt(name);
            if (n > 0 && n < 65) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Failed to parse signal string " + text + ".");
    }

    static void send(long pid, int signal) {
        if (signal == SIGKILL) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } else if (signal == SIGTERM) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } else {
            HostCommand.quietly("kill", "-" + signal, Long.toString(pid));
        }
    }
}
