package dev.charms.etcd;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.KeyType;
import dev.charms.ops.HookToolException;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster CA. Made once by the leader; its certificate is published in the peer application bag and
 * its key kept in an application-owned Juju secret (on Juju 2.9, which has no secrets, in the peer
 * application bag), so every unit can read it and any new leader goes on signing with the same CA:
 * destroying the leader loses nothing. An existing CA is never replaced: if its key cannot be read,
 * that is an error, not a reason to make a new CA.
 */
public final class ClusterCa {
    static final String SECRET_KEY = "ca-key";
    static final String SECRET_LABEL = "etcd-cluster-ca";
    static final int CA_VALIDITY_DAYS = 3650;

    private final Model model;
    private final Relation peer;

    public ClusterCa(Model model, Relation peer) {
        this.model = model;
        this.peer = peer;
    }

    /** The published CA certificate, if the leader made one. */
    public Optional<String> certificatePem() {
        String pem = peer.localAppData().get(PeerData.CA_CERT);
        return pem == null || pem.isBlank() ? Optional.empty() : Optional.of(pem);
    }

    /** Loads the CA with its key (any unit). Empty when no CA was made yet. */
    public Optional<CertificateAuthority> load() {
        Optional<String> cert = certificatePem();
        if (cert.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(CertificateAuthority.load(cert.get(), readKey()));
    }

    /** Leader only: the CA, made and published if there is none yet. */
    public CertificateAuthority ensure() {
        Optional<CertificateAuthority> existing = load();
        if (existing.isPresent()) {
            return existing.get();
        }
        String uuid = model.context().modelUuid();
        String cn = "etcd CA " + model.appName() + " " + uuid.substring(0, Math.min(8, uuid.length()));
        CertificateAuthority ca = CertificateAuthority.create(cn, CA_VALIDITY_DAYS, KeyType.DEFAULT);
        if (model.hasSecrets()) {
            String uri = model.tools().secretAdd(Map.of(SECRET_KEY, ca.privateKeyPem()), SECRET_LABEL,
                    "etcd cluster CA private key", "application");
            peer.updateLocalAppData(Map.of(PeerData.CA_CERT, ca.certificatePem(), PeerData.CA_KEY_SECRET, uri));
        } else {
            peer.updateLocalAppData(Map.of(PeerData.CA_CERT, ca.certificatePem(), PeerData.CA_KEY, ca.privateKeyPem()));
        }
        model.log("INFO", "created the cluster CA (" + cn + ")");
        return ca;
    }

    /** rotate-ca: the next cluster CA's certificate, while the cluster moves to it. */
    public Optional<String> nextCertificatePem() {
        String pem = peer.localAppData().get(PeerData.CA_NEXT_CERT);
        return pem == null || pem.isBlank() ? Optional.empty() : Optional.of(pem);
    }

    /** rotate-ca: the next cluster CA with its key (any unit). */
    public Optional<CertificateAuthority> loadNext() {
        return nextCertificatePem().map(cert -> CertificateAuthority.load(cert,
                readKey(PeerData.CA_NEXT_KEY_SECRET, PeerData.CA_NEXT_KEY)));
    }

    /**
     * The CA that signs client certificates now: the next CA once members serve its certificates (the
     * second step of a rotation), else the cluster CA.
     */
    public Optional<CertificateAuthority> signing() {
        return signingNext() ? loadNext() : load();
    }

    /** The certificate of {@link #signing()}'s CA, without loading its key. */
    public Optional<String> signingCertificatePem() {
        return signingNext() ? nextCertificatePem() : certificatePem();
    }

    private boolean signingNext() {
        Optional<String> next = nextCertificatePem();
        String serving = peer.localAppData().getOrDefault(PeerData.TLS_SERVING_CA, "");
        return next.isPresent() && dev.charms.etcd.certs.TrustBundle.sameSet(serving, next.get());
    }

    /**
     * Leader, rotate-ca: makes the next cluster CA and publishes it (its key kept as the CA's is). The
     * members then move to it in the three steps of any CA move (docs/certificates.md).
     */
    public CertificateAuthority startRotation() {
        String uuid = model.context().modelUuid();
        CertificateAuthority next = CertificateAuthority.create("etcd CA " + model.appName() + " "
                + uuid.substring(0, Math.min(8, uuid.length())) + " " + java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                CA_VALIDITY_DAYS, KeyType.DEFAULT);
        if (model.hasSecrets()) {
            String uri = model.tools().secretAdd(Map.of(SECRET_KEY, next.privateKeyPem()),
                    SECRET_LABEL + "-" + next.info().serial().toString(16), "etcd cluster CA private key", "application");
            peer.updateLocalAppData(Map.of(PeerData.CA_NEXT_CERT, next.certificatePem(), PeerData.CA_NEXT_KEY_SECRET, uri));
        } else {
            peer.updateLocalAppData(Map.of(PeerData.CA_NEXT_CERT, next.certificatePem(), PeerData.CA_NEXT_KEY, next.privateKeyPem()));
        }
        // The first step of the move (both CAs trusted) is published here: no hook of the leader follows
        // its own write, while every other unit's hook (and then the leader's) does.
        String current = dev.charms.etcd.certs.TrustBundle.canonical(certificatePem().orElseThrow());
        peer.updateLocalAppData(Map.of(PeerData.TLS_TRUST, dev.charms.etcd.certs.TrustBundle.union(current,
                        dev.charms.etcd.certs.TrustBundle.canonical(next.certificatePem())),
                PeerData.TLS_SERVING_CA, current));
        model.log("INFO", "rotate-ca: made the next cluster CA (" + next.info().subjectCommonName() + ")");
        return next;
    }

    /**
     * Leader, once every member trusts and serves only the next CA: it becomes the cluster CA (its
     * certificate, where its key is kept, and the members' certificates it signed), and the rotation's
     * keys are cleared.
     */
    public void finishRotation(java.util.Collection<String> units) {
        Map<String, String> app = peer.localAppData();
        String oldUri = app.get(PeerData.CA_KEY_SECRET);
        String nextUri = app.get(PeerData.CA_NEXT_KEY_SECRET);
        Map<String, String> updates = new java.util.LinkedHashMap<>();
        updates.put(PeerData.CA_CERT, app.get(PeerData.CA_NEXT_CERT));
        if (app.containsKey(PeerData.CA_NEXT_KEY_SECRET)) {
            updates.put(PeerData.CA_KEY_SECRET, app.get(PeerData.CA_NEXT_KEY_SECRET));
        } else {
            updates.put(PeerData.CA_KEY, app.get(PeerData.CA_NEXT_KEY));
        }
        for (String unit : units) {
            String cert = app.get(Units.nextCertKey(unit));
            if (cert != null && !cert.isBlank()) {
                updates.put(Units.certKey(unit), cert);
            }
        }
        for (String key : app.keySet()) {
            if (key.startsWith("next-cert-")) {
                updates.put(key, "");
            }
        }
        updates.put(PeerData.CA_NEXT_CERT, "");
        updates.put(PeerData.CA_NEXT_KEY_SECRET, "");
        updates.put(PeerData.CA_NEXT_KEY, "");
        updates.put(PeerData.TLS_TRUST, "");
        updates.put(PeerData.TLS_SERVING_CA, "");
        peer.updateLocalAppData(updates);
        model.log("INFO", "rotate-ca: the next CA is the cluster CA now; the old one is no longer trusted");
        if (model.hasSecrets() && oldUri != null && !oldUri.isBlank() && !oldUri.equals(nextUri)) {
            removeOldKey(oldUri);
        }
    }

    /**
     * The old CA's key: no unit reads it once the peer data names the next CA's secret (written in this
     * same hook; Juju commits both together, docs/juju-contract.md, section 1), so its secret leaves the
     * model. A secret already gone is no error; another failure is logged and leaves the rotation done.
     */
    private void removeOldKey(String uri) {
        try {
            model.tools().secretRemove(uri);
            model.log("INFO", "rotate-ca: removed the old cluster CA's secret " + uri);
        } catch (HookToolException.SecretNotFound e) {
            model.log("INFO", "rotate-ca: the old cluster CA's secret " + uri + " is already gone");
        } catch (HookToolException e) {
            model.log("WARNING", "rotate-ca: cannot remove the old cluster CA's secret " + uri + ": " + e.getMessage());
        }
    }

    private String readKey() {
        return readKey(PeerData.CA_KEY_SECRET, PeerData.CA_KEY);
    }

    private String readKey(String secretKey, String plainKey) {
        Map<String, String> app = peer.localAppData();
        String uri = app.get(secretKey);
        if (uri != null && !uri.isBlank()) {
            Map<String, String> content;
            try {
                content = model.tools().secretGet(uri, null, false);
            } catch (HookToolException e) {
                throw new IllegalStateException("cannot read the cluster CA key from secret " + uri + ": "
                        + e.getMessage());
            }
            String key = content.get(SECRET_KEY);
            if (key == null || key.isBlank()) {
                throw new IllegalStateException("secret " + uri + " holds no " + SECRET_KEY);
            }
            return key;
        }
        String key = app.get(plainKey);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("the cluster CA certificate is published but its key is not"
                    + " (neither " + PeerData.CA_KEY_SECRET + " nor " + PeerData.CA_KEY + " in peer data)");
        }
        return key;
    }
}
