package dev.charms.runner.model;

import dev.charms.charmfiles.CharmFileException;
import java.util.function.Supplier;

/** A request the model refuses (bad name, bad config value, invalid action params); the message is one line for the user. */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    /** The result of a check against the charm files; a refusal is rethrown as a ModelException with its message. */
    public static <T> T checked(Supplier<T> check) {
        try {
            return check.get();
        } catch (CharmFileException e) {
            throw new ModelException(e.getMessage());
        }
    }
}
