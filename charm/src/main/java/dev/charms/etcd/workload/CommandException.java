package dev.charms.etcd.workload;

import java.util.List;

/** A command that failed or timed out; the message names the command and its stderr on one line. */
public final class CommandException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> command;
    private final int exitCode;
    private final String stderr;

    /** A failed command; {@code exitCode} is -1 when it timed out or could not start. */
    public CommandException(List<String> command, int exitCode, String stderr, String what) {
        super(String.join(" ", command) + ": " + what + (stderr.isEmpty() ? "" : ": " + stderr));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    /** The command line. */
    public List<String> command() {
        return command;
    }

    /** Its exit code, or -1 when it timed out or did not start. */
    public int exitCode() {
        return exitCode;
    }

    /** Its stderr folded into one line (possibly empty). */
    public String stderr() {
        return stderr;
    }
}
