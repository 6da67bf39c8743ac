package dev.charms.runner.tools;

/**
 * A hook tool failure as Juju's cmd package reports it: {@code ERROR <message>} on stderr with exit code
 * 2 for argument/flag errors ({@link #usage}) or 1 for run-time errors ({@link #failure}).
 */
public final class ToolException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;

    private ToolException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** A flag or argument error: exit code 2. */
    public static ToolException usage(String message) {
        return new ToolException(2, message);
    }

    /** A run-time error: exit code 1. */
    public static ToolException failure(String message) {
        return new ToolException(1, message);
    }

    public int code() {
        return code;
    }
}
