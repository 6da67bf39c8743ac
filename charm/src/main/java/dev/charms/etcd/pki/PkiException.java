package dev.charms.etcd.pki;

/**
 * A PKI operation failed because of bad input (garbage PEM, mismatched key, invalid name, unreadable
 * file). The message is one line naming the problem and never contains key material.
 */
public final class PkiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message} alone. */
    public PkiException(String message) {
        super(message);
    }

    /** A failure described by {@code message}; {@code cause} is kept for debugging. */
    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
