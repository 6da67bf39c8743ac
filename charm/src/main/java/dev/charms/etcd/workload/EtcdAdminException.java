package dev.charms.etcd.workload;

/**
 * An etcd admin call that failed; {@link #retryable()} says whether trying again later may succeed
 * (unreachable member, timeout, unhealthy cluster, too many learners, leader change...).
 */
public final class EtcdAdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    /** A failure with a one-line message. */
    public EtcdAdminException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether retrying later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
