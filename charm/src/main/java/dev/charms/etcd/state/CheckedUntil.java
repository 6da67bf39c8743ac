package dev.charms.etcd.state;

/**
 * That a set of inputs (their {@link dev.charms.etcd.Fingerprint}, the {@code basis}) was checked and
 * stays good until {@code untilMillis}: a CSR and certificate pair the leader signed, or a db
 * relation's client credentials. Steady-state hooks then need neither BouncyCastle nor the CA key.
 */
public record CheckedUntil(String basis, long untilMillis) {
    /** Whether this record is for {@code checkedBasis} and still good at {@code nowMillis}. */
    public boolean holds(String checkedBasis, long nowMillis) {
        return basis.equals(checkedBasis) && nowMillis < untilMillis;
    }
}
