package dev.charms.etcd.backup;

/** An object-store call failed; the message names the problem and never holds a credential. */
public final class ObjectStoreException extends RuntimeException {
    public ObjectStoreException(String message) {
        super(message);
    }
}
