package dev.charms.charmfiles;

/**
 * A charm file, or a value checked against one, that Juju would refuse; the message is one line for the
 * user, in Juju's words (for example {@code unknown option "x"} or {@code validation failed: ...}).
 */
public class CharmFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CharmFileException(String message) {
        super(message);
    }
}
