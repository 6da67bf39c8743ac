package dev.charms.ops;

/**
 * A hook tool failed. Exit code 2 means Juju rejected the call's arguments (a charm bug); exit code 1
 * means the call was valid but could not be done (no such relation, not the leader, ...). The message
 * is the tool's own error text, which never contains secret values because the framework never passes
 * them as arguments.
 */
public class HookToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String tool;
    private final int exitCode;

    public HookToolException(String tool, int exitCode, String message) {
        super(tool + " failed (exit " + exitCode + "): " + message);
        this.tool = tool;
        this.exitCode = exitCode;
    }

    public String tool() {
        return tool;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The exception for a tool's error line: {@link RelationNotFound}, {@link SecretNotFound} or
     * {@link AccessDenied} when the text says so (as ops classifies them), else a plain one. Shared by
     * {@link ProcessHookTools} and the in-memory tools of the testing harness so both classify alike.
     */
    public static HookToolException of(String tool, int exitCode, String message) {
        String lower = message.toLowerCase();
        if (lower.contains("relation not found")) {
            return new RelationNotFound(tool, exitCode, message);
        }
        if (tool.startsWith("secret-") && lower.contains("not found")) {
            return new SecretNotFound(tool, exitCode, message);
        }
        if (lower.contains("not the leader") || lower.contains("cannot write relation settings")
                || lower.contains("permission denied")) {
            return new AccessDenied(tool, exitCode, message);
        }
        return new HookToolException(tool, exitCode, message);
    }

    /** True when Juju rejected the arguments (exit 2). */
    public boolean isUsageError() {
        return exitCode == 2;
    }

    /** The relation named in the call does not exist (any more). */
    public static final class RelationNotFound extends HookToolException {
        private static final long serialVersionUID = 1L;

        public RelationNotFound(String tool, int exitCode, String message) {
            super(tool, exitCode, message);
        }
    }

    /** The secret named in the call does not exist or is not visible to this unit. */
    public static final class SecretNotFound extends HookToolException {
        private static final long serialVersionUID = 1L;

        public SecretNotFound(String tool, int exitCode, String message) {
            super(tool, exitCode, message);
        }
    }

    /** The unit is not allowed to do this (not the leader, or no access to the data bag). */
    public static final class AccessDenied extends HookToolException {
        private static final long serialVersionUID = 1L;

        public AccessDenied(String tool, int exitCode, String message) {
            super(tool, exitCode, message);
        }
    }
}
