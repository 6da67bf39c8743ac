package dev.charms.etcd.steps;

import dev.charms.etcd.ClusterCa;
import dev.charms.etcd.Fingerprint;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.UnitTls;
import dev.charms.etcd.Units;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.state.CheckedUntil;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader only, first round: the cluster CA and token, and a certificate for every unit that published a
 * CSR (re-signed when the key, the names, the CA or the validity changed or it is about to expire);
 * certificates of units that are gone are withdrawn. The CA (secret read and key load) is touched only
 * when some unit's CSR and certificate pair has not been checked before.
 */
public final class ClusterCertificates implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.leader() && scope.firstRound();
    }

    @Override
    public void run(HookScope scope) {
        Model model = scope.model();
        Relation peer = scope.peer();
        ClusterCa clusterCa = new ClusterCa(model, peer);
        // A CA made in this hook is kept in hand: its secret is committed only when the hook ends.
        CertificateAuthority ca = clusterCa.certificatePem().isEmpty() ? clusterCa.ensure() : null;
        if (ca != null) {
            scope.caMadeNow(ca);
        }
        Map<String, String> app = peer.localAppData();
        String caPem = clusterCa.certificatePem().orElseThrow();
        Map<String, String> updates = new LinkedHashMap<>();
        if (app.getOrDefault(PeerData.TOKEN, "").isBlank()) {
            byte[] random = new byte[8];
            new SecureRandom().nextBytes(random);
            updates.put(PeerData.TOKEN, "etcd-" + model.appName() + "-" + HexFormat.of().formatHex(random));
        }
        List<String> units = new ArrayList<>(peer.units());
        units.add(scope.unit());
        int validity = scope.settings().certificateValidityDays();
        for (String unit : units) {
            String csrPem = peer.unitData(unit).get(PeerData.CSR);
            if (csrPem == null || csrPem.isBlank()) {
                continue;
            }
            String current = app.get(Units.certKey(unit));
            String member = Units.memberName(unit);
            String basis = Fingerprint.of(csrPem, current, caPem, Integer.toString(validity));
            if (scope.state().signed(member).filter(c -> c.holds(basis, System.currentTimeMillis())).isPresent()) {
                continue;
            }
            try {
                Csr csr = Csr.parse(csrPem);
                if (ca == null) {
                    ca = clusterCa.ensure();
                }
                String cert = current;
                if (needsSigning(current, csr, ca, validity)) {
                    cert = ca.sign(csr, csr.sans(), validity, Usage.SERVER_AND_CLIENT);
                    updates.put(Units.certKey(unit), cert);
                }
                long renewAt = CertificateInfo.parse(cert).notAfter().toEpochMilli()
                        - UnitTls.renewalWindow(validity).toMillis();
                scope.state().signed(member, new CheckedUntil(Fingerprint.of(csrPem, cert, caPem, Integer.toString(validity)), renewAt));
            } catch (RuntimeException e) {
                model.log("WARNING", "not signing the CSR of " + unit + ": " + e.getMessage());
            }
        }
        for (String key : app.keySet()) {
            if (key.startsWith("cert-") && units.stream().noneMatch(u -> Units.certKey(u).equals(key))) {
                updates.put(key, "");
            }
        }
        signWithNext(scope, clusterCa, app, units, validity, updates);
        peer.updateLocalAppData(updates);
    }

    /** rotate-ca: every unit's certificate from the next cluster CA as well, while the cluster moves to it. */
    private static void signWithNext(HookScope scope, ClusterCa clusterCa, Map<String, String> app, List<String> units,
                                     int validity, Map<String, String> updates) {
        if (clusterCa.nextCertificatePem().isEmpty()) {
            return;
        }
        CertificateAuthority next = null;
        for (String unit : units) {
            String csrPem = scope.peer().unitData(unit).get(PeerData.CSR);
            if (unit.equals(scope.unit())) {
                csrPem = scope.peer().localUnitData().get(PeerData.CSR);
            }
            if (csrPem == null || csrPem.isBlank()) {
                continue;
            }
            try {
                Csr csr = Csr.parse(csrPem);
                if (next == null) {
                    next = clusterCa.loadNext().orElseThrow();
                }
                if (needsSigning(app.get(Units.nextCertKey(unit)), csr, next, validity)) {
                    updates.put(Units.nextCertKey(unit), next.sign(csr, csr.sans(), validity, Usage.SERVER_AND_CLIENT));
                }
            } catch (RuntimeException e) {
                scope.model().log("WARNING", "not signing the CSR of " + unit + " with the next CA: " + e.getMessage());
            }
        }
        for (String key : app.keySet()) {
            if (key.startsWith("next-cert-") && units.stream().noneMatch(u -> Units.nextCertKey(u).equals(key))) {
                updates.put(key, "");
            }
        }
    }

    private static boolean needsSigning(String certPem, Csr csr, CertificateAuthority ca, int validityDays) {
        if (certPem == null || certPem.isBlank()) {
            return true;
        }
        try {
            CertificateInfo cert = CertificateInfo.parse(certPem);
            return !cert.publicKey().equals(csr.publicKey()) || !cert.sans().equals(csr.sans())
                    || !cert.isSignedBy(ca.certificatePem())
                    || cert.expiresWithin(UnitTls.renewalWindow(validityDays));
        } catch (RuntimeException e) {
            return true;
        }
    }
}
