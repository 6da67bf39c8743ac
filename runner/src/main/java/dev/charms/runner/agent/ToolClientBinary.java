package dev.charms.runner.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * The compiled {@code jujuc} client shipped inside the runner's jar (built from
 * {@code runner/src/main/c/jujuc.c}): extracts it to the runner's state directory and lays out a unit's tools
 * directory, i.e. a copy of the binary, one relative symlink per tool name in {@link #TOOL_NAMES}, and
 * the {@code .agent.socket} link the client follows when {@code JUJU_AGENT_SOCKET_ADDRESS} is unset.
 */
public final class ToolClientBinary {
    /** Classpath location of the compiled client. */
    public static final String RESOURCE = "/dev/charms/runner/native/jujuc";
    /** Name of the binary inside a tools directory; the tool symlinks point at it. */
    public static final String BINARY_NAME = "jujuc";
    /** Name of the link to the agent socket inside a tools directory. */
    public static final String SOCKET_LINK = ".agent.socket";

    /** Every hook tool plus the emulated systemctl and journalctl. */
    public static final List<String> TOOL_NAMES = List.of(
            "relation-get", "relation-set", "relation-ids", "relation-list", "config-get", "is-leader",
            "leader-get", "leader-set", "status-set", "status-get", "application-version-set", "open-port",
            "close-port", "opened-ports", "unit-get", "network-get", "action-get", "action-set", "action-fail",
            "action-log", "state-get", "state-set", "state-delete", "secret-add", "secret-get", "secret-set",
            "secret-grant", "secret-revoke", "secret-ids", "secret-remove", "secret-info-get", "resource-get",
            "storage-get", "juju-log", "juju-reboot", "goal-state", "credential-get", "systemctl", "journalctl");

    private final Path binary;

    private ToolClientBinary(Path binary) {
        this.binary = binary;
    }

    /**
     * Extracts the client to {@code <stateDir>/bin/jujuc} (mode 0755), replacing an older copy atomically
     * so a client that is running at the same time is not disturbed.
     */
    public static ToolClientBinary extract(Path stateDir) throws IOException {
        byte[] content;
        try (InputStream in = ToolClientBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the jujuc client is missing from the runner's jar (" + RESOURCE
                        + "); rebuild with mvn package on a machine with a C compiler");
            }
            content = in.readAllBytes();
        }
        Path dir = Files.createDirectories(stateDir.resolve("bin"));
        Path target = dir.resolve(BINARY_NAME);
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)
                && Files.isExecutable(target)) {
            return new ToolClientBinary(target);
        }
        Path temp = Files.createTempFile(dir, BINARY_NAME, ".tmp");
        try {
            Files.write(temp, content);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return new ToolClientBinary(target);
    }

    /** The extracted binary. */
    public Path binary() {
        return binary;
    }

    /**
     * Fills {@code toolsDir}: a copy of the client, a relative symlink to it for every tool name, and
     * {@code .agent.socket} pointing at {@code socketPath} -- the socket's path as seen by the processes
     * that will run the tools (inside a unit machine that is its {@code /var/lib/juju/agents/...} path).
     * Existing entries are replaced, so re-installing is harmless.
     */
    public void installInto(Path toolsDir, String socketPath) throws IOException {
        Files.createDirectories(toolsDir);
        Path copy = toolsDir.resolve(BINARY_NAME);
        Path temp = Files.createTempFile(toolsDir, BINARY_NAME, ".tmp");
        try {
            Files.copy(binary, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        for (String tool : TOOL_NAMES) {
            link(toolsDir.resolve(tool), Paths.get(BINARY_NAME));
        }
        link(toolsDir.resolve(SOCKET_LINK), Paths.get(socketPath));
    }

    private static void link(Path link, Path target) throws IOException {
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
                return;
            }
            Files.delete(link);
        }
        Files.createSymbolicLink(link, target);
    }
}
