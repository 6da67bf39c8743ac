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

    private String readKey() {
        Map<String, String> app = peer.localAppData();
        String uri = app.get(PeerData.CA_KEY_SECRET);
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
        String key = app.get(PeerData.CA_KEY);
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("the cluster CA certificate is published but its key is not"
                    + " (neither " + PeerData.CA_KEY_SECRET + " nor " + PeerData.CA_KEY + " in peer data)");
        }
        return key;
    }
}
