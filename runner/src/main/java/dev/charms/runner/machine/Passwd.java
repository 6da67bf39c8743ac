package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Looks users up in a machine's /etc/passwd (the machine may have users the host lacks). */
final class Passwd {
    private Passwd() {
    }

    /** One passwd line. */
    record Entry(String name, String uid, String gid, String home, String shell) {
    }

    /** Finds {@code user} by name or numeric uid. */
    static Optional<Entry> lookup(MachineFiles files, String user) {
        Optional<Path> passwd = files.find("/etc/passwd");
        if (passwd.isEmpty()) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(passwd.get(), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && (f[0].equals(user) || f[2].equals(user))) {
                    return Optional.of(new Entry(f[0], f[2], f[3], f[5], f[6]));
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
