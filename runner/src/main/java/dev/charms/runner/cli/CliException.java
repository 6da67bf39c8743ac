package dev.charms.runner.cli;

/** A command failure printed as one {@code ERROR <message>} line, exiting with {@link #exitCode()}. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(String message) {
        this(message, 1);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
