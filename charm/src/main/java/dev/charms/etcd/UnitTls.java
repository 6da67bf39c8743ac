package dev.charms.etcd;

import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PemFiles;
import dev.charms.etcd.state.CheckedUntil;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdPaths;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * This unit's TLS identity: its private key (made on the unit, 0600, never leaves it), the CSR it
 * publishes for the leader to sign, and the decision whether the certificate the leader published
 * fits (same key, same names, signed by the cluster CA, not about to expire).
 */
public final class UnitTls {
    private final EtcdPaths paths;
    private final PemFiles.Owner owner;
    private final UnitState state;
    private KeyPair keys;

    public UnitTls(EtcdPaths paths, PemFiles.Owner owner, UnitState state) {
        this.paths = paths;
        this.owner = owner;
        this.state = state;
    }

    /** The private key as stored on disk (PKCS#8 PEM), made first if needed. */
    public String keyPem() {
        return PemFiles.readIfExists(paths.unitKey()).orElseGet(() -> Keys.privateKeyPem(keys().getPrivate()));
    }

    /** The unit's key pair, made on first use. */
    public KeyPair keys() {
        if (keys == null) {
            Optional<String> pem = PemFiles.readIfExists(paths.unitKey());
            if (pem.isEmpty()) {
                // a unit set up before its key had a file of its own: the key it serves is its own
                pem = PemFiles.readIfExists(paths.serverKey());
                pem.ifPresent(p -> PemFiles.writeKey(paths.unitKey(), p, owner));
            }
            if (pem.isPresent()) {
                keys = Keys.toKeyPair(Keys.readPrivateKey(pem.get()));
            } else {
                keys = Keys.generate(KeyType.DEFAULT);
                PemFiles.writeKey(paths.unitKey(), Keys.privateKeyPem(keys.getPrivate()), owner);
            }
        }
        return keys;
    }

    /**
     * The CSR to publish: the one already published when it is for this key and exactly these names,
     * otherwise a new one (so a CSR changes only when an address or the extra SANs change).
     */
    public String csr(String published, String memberName, Set<String> sans) {
        SortedSet<String> wanted = new TreeSet<>(sans);
        String basis = Fingerprint.of(memberName, String.join(",", wanted), published);
        if (published != null && !published.isBlank() && state.csrChecked().filter(basis::equals).isPresent()
                && Files.exists(paths.unitKey())) {
            return published;
        }
        String csr = freshCsr(published, memberName, wanted);
        state.csrChecked(Fingerprint.of(memberName, String.join(",", wanted), csr));
        return csr;
    }

    private String freshCsr(String published, String memberName, SortedSet<String> wanted) {
        if (published != null && !published.isBlank()) {
            try {
                Csr current = Csr.parse(published);
                if (current.publicKey().equals(keys().getPublic()) && current.sans().equals(wanted)
                        && memberName.equals(current.commonName())) {
                    return published;
                }
            } catch (RuntimeException ignored) {
                // a CSR we cannot parse is replaced
            }
        }
        return Csr.create(keys(), memberName, wanted);
    }

    /** Whether a published certificate is usable by this unit for the CSR it published. */
    public boolean fits(String certPem, String caPem, String csrPem) {
        if (certPem == null || certPem.isBlank() || caPem == null || caPem.isBlank()) {
            return false;
        }
        String basis = Fingerprint.of(certPem, caPem, csrPem);
        long now = System.currentTimeMillis();
        if (state.certificateChecked().filter(c -> c.holds(basis, now)).isPresent()) {
            return true;
        }
        try {
            CertificateInfo cert = CertificateInfo.parse(certPem);
            Csr csr = Csr.parse(csrPem);
            boolean fits = cert.publicKey().equals(keys().getPublic()) && cert.sans().equals(csr.sans())
                    && cert.isSignedBy(caPem) && cert.isValidAt(java.time.Instant.now());
            if (fits) {
                state.certificateChecked(new CheckedUntil(basis, cert.notAfter().toEpochMilli()));
            }
            return fits;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The renewal window for certificates valid {@code validityDays}: a fifth of it, at most 30 days. */
    public static Duration renewalWindow(int validityDays) {
        return Duration.ofDays(Math.max(1, Math.min(30, validityDays / 5)));
    }
}
