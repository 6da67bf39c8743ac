package dev.charms.runner.agent;

import java.nio.charset.StandardCharsets;

/**
 * What a hook tool prints and its exit code. A handler that needs the caller's standard input and did
 * not get it answers {@link #NEEDS_STDIN}; the client then sends the request again with stdin attached
 * (as Juju's jujuc does: stdin is read only when a tool asks for it).
 */
public record ToolResponse(int code, byte[] stdout, byte[] stderr) {
    /** Exit code reserved for "send me your stdin"; never reaches the caller. */
    public static final int NEEDS_STDIN_CODE = -100;
    public static final ToolResponse NEEDS_STDIN = new ToolResponse(NEEDS_STDIN_CODE, new byte[0], new byte[0]);

    public static ToolResponse ok(String out) {
        return new ToolResponse(0, out.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    /** Juju's error shape: {@code ERROR <msg>\n} on stderr with the given exit code (1 run error, 2 usage). */
    public static ToolResponse error(int code, String message) {
        return new ToolResponse(code, new byte[0], ("ERROR " + message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public boolean needsStdin() {
        return code == NEEDS_STDIN_CODE;
    }
}
