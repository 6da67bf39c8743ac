package dev.charms.ops;

/**
 * Thrown by an action handler for a user-facing failure (bad parameter, precondition not met). The
 * framework reports it with {@code action-fail} and ends the hook normally: nothing is retried and the
 * unit is not put in error.
 */
public class ActionFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ActionFailedException(String message) {
        super(message);
    }
}
