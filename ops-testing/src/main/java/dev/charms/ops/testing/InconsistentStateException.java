package dev.charms.ops.testing;

/**
 * The harness was asked to run something Juju could never produce: a state or event that breaks Juju's
 * rules (unknown config key, the unit inside its own peer data, a relation event without the remote unit
 * Juju always gives, an action parameter the schema rejects, ...). The message names the problem.
 */
public class InconsistentStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InconsistentStateException(String message) {
        super(message);
    }
}
