package dev.charms.runner.model;

/** A request the model refuses (bad name, bad config value, invalid action params); the message is one line for the user. */
public class ModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }
}
