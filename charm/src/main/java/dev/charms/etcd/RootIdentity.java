package dev.charms.etcd;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.state.CheckedUntil;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdPaths;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The charm's own client identity on this unit (docs/client-access.md): a client-only certificate with CN
 * {@code root} (etcd's root user once authentication is on), its key made on the unit, signed by the
 * cluster CA on the unit itself (every unit of the application can read the CA key). It is the
 * certificate the charm, its etcdctl processes and root's etcdctl profile present; no client is ever given
 * one. Kept while it is signed by the current CA and more than {@link #RENEW_BEFORE} from expiry.
 */
public final class RootIdentity {
    public static final String COMMON_NAME = ClientAccess.ROOT;
    static final int VALIDITY_DAYS = 365;
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** A client certificate and its key (PEM). {@link #toString()} never shows the key. */
    public record Pair(String certPem, String keyPem) {
        @Override
        public String toString() {
            return "RootIdentity.Pair[" + CertificateInfo.parse(certPem).subject() + "]";
        }
    }

    private RootIdentity() {
    }

    /**
     * The identity to install: the one on disk at {@code paths} when it still fits {@code caPem}, else a
     * new one signed by the CA {@code ca} gives (loaded only then).
     */
    public static Pair current(EtcdPaths paths, UnitState state, String caPem, Supplier<CertificateAuthority> ca) {
        Optional<String> cert = PemFiles.readIfExists(paths.clientCert());
        Optional<String> key = PemFiles.readIfExists(paths.clientKey());
        if (cert.isPresent() && key.isPresent()) {
            String basis = Fingerprint.of(cert.get(), key.get(), caPem);
            if (state.rootIdentityChecked().filter(c -> c.holds(basis, System.currentTimeMillis())).isPresent()) {
                return new Pair(cert.get(), key.get());
            }
            if (fits(cert.get(), key.get(), caPem)) {
                record(state, cert.get(), key.get(), caPem);
                return new Pair(cert.get(), key.get());
            }
        }
        KeyPair keys = Keys.generate(KeyType.DEFAULT);
        String signed = ca.get().sign(Csr.create(keys, COMMON_NAME, Set.of()), Set.of(), VALIDITY_DAYS, Usage.CLIENT);
        String keyPem = Keys.privateKeyPem(keys.getPrivate());
        record(state, signed, keyPem, caPem);
        return new Pair(signed, keyPem);
    }

    private static void record(UnitState state, String cert, String key, String caPem) {
        long renewAt = CertificateInfo.parse(cert).notAfter().toEpochMilli() - RENEW_BEFORE.toMillis();
        state.rootIdentityChecked(new CheckedUntil(Fingerprint.of(cert, key, caPem), renewAt));
    }

    /** Whether {@code certPem} is a root client certificate of {@code caPem} for {@code keyPem}, not near expiry. */
    static boolean fits(String certPem, String keyPem, String caPem) {
        try {
            CertificateInfo info = CertificateInfo.parse(certPem);
            return COMMON_NAME.equals(info.subjectCommonName()) && info.isSignedBy(caPem)
                    && !info.expiresWithin(RENEW_BEFORE)
                    && Keys.toKeyPair(Keys.readPrivateKey(keyPem)).getPublic().equals(info.publicKey());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
