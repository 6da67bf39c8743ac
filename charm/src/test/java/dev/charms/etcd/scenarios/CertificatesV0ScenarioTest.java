package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.TlsCertificatesV0;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.PastCertificates;
import dev.charms.etcd.pki.Usage;
import dev.charms.ops.Json;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificates relation to a provider of the original protocol (as easyrsa answers: CA, a shared
 * client certificate, and per requesting unit a key and certificate it generated, in its unit bag), on a
 * 3-unit cluster, hook by hook: after every hook every running member trusts what every running member
 * serves, and at most one member is down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificatesV0ScenarioTest {
    @TempDir
    Path root;

    /** easyrsa's answers: one key and certificate per unit and (common name, SANs), kept until they change. */
    private static final class Easyrsa implements Deployment.CertificatesProvider {
        final CertificateAuthority ca;
        final boolean wrongKey;
        final Map<String, String[]> issued = new HashMap<>();
        /** Whether the first certificate of each unit is issued as if nine and a half of its ten days had passed. */
        boolean nearEnd;
        Map<String, Map<String, String>> lastRequests = Map.of();

        Easyrsa(CertificateAuthority ca, boolean wrongKey) {
            this.ca = ca;
            this.wrongKey = wrongKey;
        }

        @Override
        public Map<String, String> answer(Map<String, Map<String, String>> bags) {
            return Map.of();
        }

        @Override
        public Map<String, String> unitAnswer(Map<String, Map<String, String>> bags) {
            lastRequests = bags;
            Map<String, String> out = new TreeMap<>();
            out.put("ca", ca.certificatePem());
            bags.forEach((unit, bag) -> {
                String cn = bag.get("common_name");
                if (cn == null || cn.isBlank()) {
                    return;
                }
                Set<String> sans = new TreeSet<>();
                ((List<?>) Json.parse(bag.get("sans"))).forEach(s -> sans.add((String) s));
                String name = bag.get("unit_name");
                String[] pair = issued.computeIfAbsent(name + "|" + cn + "|" + sans, k -> {
                    KeyPair key = Keys.generate(KeyType.DEFAULT);
                    KeyPair signed = wrongKey ? Keys.generate(KeyType.DEFAULT) : key;
                    Csr csr = Csr.parse(Csr.create(signed, cn, sans));
                    boolean first = issued.keySet().stream().noneMatch(i -> i.startsWith(name + "|"));
                    String cert = nearEnd && first
                            ? PastCertificates.sign(ca, csr, sans, 10, java.time.Duration.ofHours(228))
                            : ca.sign(csr, sans, 825, Usage.SERVER_AND_CLIENT);
                    return new String[] {cert, Keys.privateKeyPem(key.getPrivate())};
                });
                out.put(name + ".server.cert", pair[0]);
                out.put(name + ".server.key", pair[1]);
            });
            return out;
        }
    }

    /** Runs every hook with the same checks as the current protocol's moves. */
    private static int settleChecking(Deployment model) {
        return CertificatesScenarioTest.settleChecking(model);
    }

    private static void assertServedFrom(Deployment model, String caPem) {
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(caPem), u + " serves another CA");
        }
    }

    @Test
    void easyrsaIsToldApartMovedToFollowedAndLeftWithTheUnitsOwnKeyBack() {
        Deployment model = new Deployment(root).deploy(3);
        String builtin = model.appBag().get(PeerData.CA_CERT);
        Map<String, String> ownKeys = new HashMap<>();
        model.units().forEach(u -> ownKeys.put(u, model.host(u).installedKey().orElseThrow()));
        CertificateAuthority x = CertificateAuthority.create("easyrsa X", 30, KeyType.DEFAULT);
        CertificateAuthority y = CertificateAuthority.create("easyrsa Y", 30, KeyType.DEFAULT);

        model.relateCertificates(new Easyrsa(x, true));
        settleChecking(model);
        assertNoFailedHook(model);
        assertServedFrom(model, builtin);
        assertTrue(model.status(model.leader()).message().matches(
                ".*certificates:7: etcd/\\d: the certificate is not for the key sent with it.*"), model.status(model.leader()).message());

        model.certificatesProviderChanged(new Easyrsa(x, false));
        settleChecking(model);
        assertNoFailedHook(model);
        assertServedFrom(model, x.certificatePem());
        for (String u : model.units()) {
            String key = model.host(u).installedKey().orElseThrow();
            assertNotEquals(ownKeys.get(u), key, u + " serves the key easyrsa generated");
            assertTrue(TlsCertificatesV0.keyMatches(key, CertificateInfo.parse(model.host(u).runningCertPem()).publicKey()));
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).sans().containsAll(
                    Csr.parse(model.unitBag(u).get(PeerData.CSR)).sans()), u + " certificate covers every address");
        }
        assertHealthyCluster(model);

        model.certificatesProviderChanged(new Easyrsa(y, false));
        settleChecking(model);
        assertNoFailedHook(model);
        assertServedFrom(model, y.certificatePem());
        assertEquals(TrustBundle.canonical(y.certificatePem()), TrustBundle.canonical(model.appBag().get(PeerData.TLS_TRUST)),
                "the old provider CA left the trust");
        assertHealthyCluster(model);

        model.unrelateCertificates();
        settleChecking(model);
        assertNoFailedHook(model);
        assertServedFrom(model, builtin);
        for (String u : model.units()) {
            assertEquals(ownKeys.get(u), model.host(u).installedKey().orElseThrow(), u + " serves its own key again");
            assertEquals(1, TrustBundle.certificates(model.host(u).runningCaPem()).size(), u);
        }
        assertHealthyCluster(model);
    }

    @Test
    void aCertificateNearItsEndIsAskedForAgainUnderANewCommonNameAndTheNewOneInstalled() {
        Deployment model = new Deployment(root).deploy(3);
        Easyrsa easyrsa = new Easyrsa(PastCertificates.ca("easyrsa X", 3650, java.time.Duration.ofDays(20)), false);
        easyrsa.nearEnd = true;
        model.relateCertificates(easyrsa);
        settleChecking(model);
        assertNoFailedHook(model);
        assertServedFrom(model, easyrsa.ca.certificatePem());
        java.time.Instant later = java.time.Instant.now().plus(java.time.Duration.ofDays(100));
        for (String u : model.units()) {
            String cn = easyrsa.lastRequests.get(u).get(TlsCertificatesV0.COMMON_NAME);
            assertTrue(cn.startsWith(dev.charms.etcd.Units.memberName(u) + "-"), u + " asked again under a new name: " + cn);
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).notAfter().isAfter(later),
                    u + " serves the new certificate");
            assertEquals(2, easyrsa.issued.keySet().stream().filter(k -> k.startsWith(TlsCertificatesV0.munged(u) + "|")).count(),
                    u + ": one renewal, not a loop");
        }
        assertHealthyCluster(model);
    }
}
