package dev.charms.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * A directory of real executable shell scripts named like Juju's hook tools. Each records its argv
 * (NUL-separated), its stdin and any {@code --file} it was given (content, mode, path), then prints the
 * fixture output and exits with the fixture code configured for it.
 */
final class FakeToolDir {
    private static final String SCRIPT = """
            #!/bin/sh
            d=$(dirname "$0"); t=$(basename "$0")
            printf '%s\\0' "$@" > "$d/$t.args"
            prev=""
            for a in "$@"; do
              if [ "$prev" = "--file" ] && [ "$a" != "-" ]; then
                cp "$a" "$d/$t.filecopy"; stat -c %a "$a" > "$d/$t.filemode"; printf '%s' "$a" > "$d/$t.filepath"
              fi
              if [ "$prev" = "--file" ] && [ "$a" = "-" ]; then cat > "$d/$t.stdin"; fi
              prev="$a"
            done
            [ -f "$d/$t.hang" ] && exec sleep 30
            [ -f "$d/$t.out" ] && cat "$d/$t.out"
            [ -f "$d/$t.err" ] && cat "$d/$t.err" >&2
            exit $(cat "$d/$t.rc" 2>/dev/null || echo 0)
            """;

    final Path dir;

    FakeToolDir(Path dir) {
        this.dir = dir;
    }

    /** Installs a tool that prints {@code stdout} and exits 0. */
    FakeToolDir tool(String name, String stdout) {
        return tool(name, stdout, "", 0);
    }

    /** Installs a tool with the given output, error output and exit code. */
    FakeToolDir tool(String name, String stdout, String stderr, int code) {
        try {
            Path script = dir.resolve(name);
            Files.writeString(script, SCRIPT);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            Files.writeString(dir.resolve(name + ".out"), stdout);
            Files.writeString(dir.resolve(name + ".err"), stderr);
            Files.writeString(dir.resolve(name + ".rc"), Integer.toString(code));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs a tool that never answers. */
    FakeToolDir hangingTool(String name) {
        tool(name, "");
        write(name + ".hang", "");
        return this;
    }

    ProcessHookTools tools() {
        return new ProcessHookTools(dir, 10_000);
    }

    /** The argv the tool was last run with (without the program name). */
    List<String> args(String name) {
        String raw = read(name + ".args");
        if (raw.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(raw.substring(0, raw.length() - 1).split("\0", -1));
    }

    String read(String file) {
        try {
            return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean exists(String file) {
        return Files.exists(dir.resolve(file));
    }

    private void write(String file, String text) {
        try {
            Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
