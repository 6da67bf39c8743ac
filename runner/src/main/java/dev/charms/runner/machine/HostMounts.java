package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads mount points from a mountinfo file (the host's, or a namespace's via /proc/<pid>/mountinfo). */
final class HostMounts {
    private HostMounts() {
    }

    /** One mount: where it is and what filesystem type it has. */
    record Mount(Path target, String fsType) {
    }

    static List<Mount> read(Path mountinfo) throws IOException {
        List<Mount> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo)) {
            String[] fields = line.split(" ");
            int dash = line.indexOf(" - ");
            if (fields.length < 5 || dash < 0) {
                continue;
            }
            String[] tail = line.substring(dash + 3).split(" ");
            mounts.add(new Mount(Path.of(unescape(fields[4])), tail[0]));
        }
        return mounts;
    }

    /** Host mount points at or below {@code dir}, deepest first (the order to unmount them in). */
    static List<Path> below(Path dir) throws IOException {
        Path real = dir.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (Mount mount : read(Path.of("/proc/self/mountinfo"))) {
            if (mount.target().startsWith(real)) {
                found.add(mount.target());
            }
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Undoes mountinfo's octal escapes ({@code \040} for a space, ...). */
    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
