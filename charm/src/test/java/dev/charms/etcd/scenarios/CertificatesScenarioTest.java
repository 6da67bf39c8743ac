package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Usage;
import dev.charms.ops.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificates relation on a 3-unit cluster, hook by hook: after every hook, every CA a running
 * member serves is trusted by every running member (so no two members ever fail to talk), each member
 * restarts one at a time, and the old CA leaves the trust only once no member serves it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificatesScenarioTest {
    @TempDir
    Path root;

    /** A provider signing every CSR with {@code ca}; {@code bad} answers with a certificate for another key. */
    private static Deployment.CertificatesProvider provider(CertificateAuthority ca, boolean bad) {
        return provider(ca, bad, 30);
    }

    private static Deployment.CertificatesProvider provider(CertificateAuthority ca, boolean bad, int days) {
        return bags -> {
            List<Object> out = new ArrayList<>();
            for (Map<String, String> bag : bags.values()) {
                String v = bag.get(TlsCertificatesV1.REQUESTS);
                if (v == null) {
                    continue;
                }
                for (Object item : (List<?>) Json.parse(v)) {
                    String csrPem = (String) ((Map<?, ?>) item).get("certificate_signing_request");
                    Csr csr = Csr.parse(csrPem);
                    Csr signed = bad ? Csr.parse(Csr.create(dev.charms.etcd.pki.Keys.generate(KeyType.DEFAULT), "x", csr.sans())) : csr;
                    String cert = ca.sign(signed, csr.sans(), days, csr.sans().isEmpty() ? Usage.CLIENT : Usage.SERVER_AND_CLIENT);
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("certificate_signing_request", csrPem);
                    answer.put("certificate", cert);
                    answer.put("ca", ca.certificatePem());
                    answer.put("chain", List.of(cert, ca.certificatePem()));
                    out.add(answer);
                }
            }
            return Map.of(TlsCertificatesV1.CERTIFICATES, Json.write(out));
        };
    }

    /** Runs every hook, checking after each that all running members trust what all running members serve. */
    static int settleChecking(Deployment model) {
        int hooks = 0;
        while (model.step().isPresent()) {
            hooks++;
            for (String a : model.units()) {
                for (String b : model.units()) {
                    String trust = model.host(a).runningCaPem();
                    String served = model.host(b).runningCertPem();
                    if (trust == null || served == null) {
                        continue;
                    }
                    boolean trusted = TrustBundle.certificates(trust).stream().anyMatch(ca -> CertificateInfo.parse(served).isSignedBy(ca));
                    assertTrue(trusted, a + " does not trust the certificate " + b + " serves, after hook " + hooks);
                }
            }
            long down = model.units().stream().filter(u -> !model.host(u).isRunning()).count();
            assertTrue(down <= 1, "two members down at once after hook " + hooks);
            assertTrue(hooks < 2000, "hooks did not settle");
        }
        return hooks;
    }

    private static void assertEveryMemberServes(Deployment model, CertificateAuthority ca, int trusted) {
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(ca.certificatePem()), u + " serves another CA");
            assertEquals(trusted, TrustBundle.certificates(model.host(u).runningCaPem()).size(), u + " trusts " + trusted + " CAs");
        }
    }

    /** The charm's own client certificate on every unit: CN root, of {@code caPem} (docs/client-access.md). */
    private static void assertCharmTalksAsRootWith(Deployment model, String caPem) {
        for (String u : model.units()) {
            CertificateInfo client = CertificateInfo.parse(model.host(u).clientCertificatePem());
            assertEquals("root", client.subjectCommonName(), u);
            assertTrue(client.isSignedBy(caPem), u + "'s client certificate is not of the cluster CA");
        }
        assertTrue(model.etcd().authEnabled(), "etcd authentication is on");
    }

    private static Map<String, Integer> restarts(Deployment model) {
        Map<String, Integer> out = new java.util.HashMap<>();
        model.units().forEach(u -> out.put(u, model.host(u).restarts()));
        return out;
    }

    private static void assertRestartedEach(Deployment model, Map<String, Integer> before, int times) {
        model.units().forEach(u -> assertEquals(before.get(u) + times, model.host(u).restarts(), u + " restarts"));
    }

    @Test
    void relatingMovesEveryMemberToTheProvidersCaRotationIsFollowedAndRemovingMovesBack() {
        Deployment model = new Deployment(root).deploy(3);
        String builtin = model.appBag().get(PeerData.CA_CERT);
        CertificateAuthority x = CertificateAuthority.create("provider X", 30, KeyType.DEFAULT);
        CertificateAuthority y = CertificateAuthority.create("provider Y", 30, KeyType.DEFAULT);

        model.relateCertificates(provider(x, true));
        settleChecking(model);
        assertNoFailedHook(model);
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(builtin), u + " moved on a bad answer");
        }
        assertTrue(model.status(model.leader()).message().matches(
                ".*certificates:7: etcd/\\d: the certificate is not for this unit's key.*"), model.status(model.leader()).message());

        Map<String, Integer> restarts = restarts(model);
        model.certificatesProviderChanged(provider(x, false));
        settleChecking(model);
        // trust of both, then the new certificates; the cluster CA stays trusted, so dropping nothing restarts nothing
        assertRestartedEach(model, restarts, 2);
        assertNoFailedHook(model);
        assertEveryMemberServes(model, x, 2);
        assertTrue(TrustBundle.contains(model.host("etcd/0").runningCaPem(), builtin), "the cluster CA stays trusted");
        assertEquals(TrustBundle.canonical(x.certificatePem()), TrustBundle.canonical(model.appBag().get(PeerData.TLS_TRUST)));
        assertHealthyCluster(model);
        // the provider's CA serves; client certificates, the charm's own included, stay of the cluster CA
        assertCharmTalksAsRootWith(model, builtin);

        String added = model.addUnit();
        settleChecking(model);
        assertNoFailedHook(model);
        assertTrue(CertificateInfo.parse(model.host(added).runningCertPem()).isSignedBy(x.certificatePem()),
                "a unit added meanwhile joins with a certificate of the provider");
        assertHealthyCluster(model);
        model.removeUnit(added);
        settleChecking(model);
        assertNoFailedHook(model);

        restarts = restarts(model);
        model.certificatesProviderChanged(provider(y, false));
        settleChecking(model);
        assertRestartedEach(model, restarts, 3);
        assertNoFailedHook(model);
        assertEveryMemberServes(model, y, 2);
        assertHealthyCluster(model);
        assertCharmTalksAsRootWith(model, builtin);

        model.unrelateCertificates();
        settleChecking(model);
        assertNoFailedHook(model);
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(builtin), u + " is not back on the cluster CA");
            assertEquals(1, TrustBundle.certificates(model.host(u).runningCaPem()).size(), u);
        }
        assertEquals(null, model.appBag().get(PeerData.TLS_TRUST));
        assertHealthyCluster(model);
    }

    @Test
    void aCertificateInUseThatEndsWithinFourteenDaysIsNamedInStatus() {
        Deployment model = new Deployment(root).deploy(3);
        CertificateAuthority x = CertificateAuthority.create("provider X", 30, KeyType.DEFAULT);
        model.relateCertificates(provider(x, false, 10));
        settleChecking(model);
        assertNoFailedHook(model);
        assertEveryMemberServes(model, x, 2);
        model.updateStatus("etcd/1");
        model.settle();
        assertTrue(model.status("etcd/1").message().matches(
                "cluster is healthy, 3 members; this unit's certificate \\(issuer provider X\\) expires at .*"),
                model.status("etcd/1").message());
    }

    @Test
    void garbageAndAnswersMissingAnAddressMoveNothingAndAreNamed() {
        Deployment model = new Deployment(root).deploy(3);
        String builtin = model.appBag().get(PeerData.CA_CERT);
        model.relateCertificates(bags -> Map.of(TlsCertificatesV1.CERTIFICATES, "{not json"));
        settleChecking(model);
        assertNoFailedHook(model);
        assertEquals("(leader) cluster is healthy, 3 members; certificates:7: 'certificates' is not JSON",
                model.status(model.leader()).message());

        CertificateAuthority x = CertificateAuthority.create("provider X", 30, KeyType.DEFAULT);
        model.certificatesProviderChanged(bags -> {
            Map<String, String> good = provider(x, false).answer(bags);
            // every answer without the SANs asked for
            List<Object> fewer = new ArrayList<>();
            for (Object item : (List<?>) Json.parse(good.get(TlsCertificatesV1.CERTIFICATES))) {
                Map<String, Object> answer = new LinkedHashMap<>();
                ((Map<?, ?>) item).forEach((k, v) -> answer.put((String) k, v));
                Csr csr = Csr.parse((String) answer.get("certificate_signing_request"));
                answer.put("certificate", x.sign(csr, java.util.Set.of("192.0.2.1"), 30, Usage.SERVER_AND_CLIENT));
                fewer.add(answer);
            }
            return Map.of(TlsCertificatesV1.CERTIFICATES, Json.write(fewer));
        });
        settleChecking(model);
        assertNoFailedHook(model);
        assertTrue(model.status(model.leader()).message().matches(
                "\\(leader\\) cluster is healthy, 3 members; certificates:7: etcd/\\d: the certificate lacks the SANs .*"),
                model.status(model.leader()).message());
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(builtin), u + " moved on a bad answer");
            assertEquals(1, TrustBundle.certificates(model.host(u).runningCaPem()).size(), u + " trusts the refused CA");
        }
    }

    @Test
    void rotateCaMovesEveryMemberAndTheDbClientCertificatesToANewClusterCa() {
        Deployment model = new Deployment(root).deploy(3);
        String old = model.appBag().get(PeerData.CA_CERT);
        String oldSecret = model.appBag().get(PeerData.CA_KEY_SECRET);
        assertEquals(List.of(oldSecret), model.appSecretIds());
        assertTrue(model.runAction("etcd/1", "rotate-ca").actionFailed(), "not on the leader");
        dev.charms.ops.testing.Output started = model.runAction(model.leader(), "rotate-ca");
        assertTrue(started.succeeded() && !started.actionFailed(), started.stderr());
        String next = model.appBag().get(PeerData.CA_NEXT_CERT);
        assertTrue(next != null && !next.isBlank());
        String nextSecret = model.appBag().get(PeerData.CA_NEXT_KEY_SECRET);
        assertEquals(List.of(oldSecret, nextSecret), model.appSecretIds(), "both keys kept while the cluster moves");
        assertTrue(model.runAction(model.leader(), "rotate-ca").actionFailed(), "a second rotation while one runs");
        Map<String, Integer> restarts = restarts(model);
        settleChecking(model);
        assertNoFailedHook(model);
        assertEquals(TrustBundle.canonical(next), TrustBundle.canonical(model.appBag().get(PeerData.CA_CERT)),
                "the new CA is the cluster CA");
        for (String u : model.units()) {
            assertTrue(CertificateInfo.parse(model.host(u).runningCertPem()).isSignedBy(next), u + " serves the old CA");
            assertEquals(List.of(TrustBundle.canonical(next).strip()), TrustBundle.certificates(model.host(u).runningCaPem()),
                    u + " still trusts the old CA");
        }
        // trust of both, then the new certificates, then the old CA dropped
        assertRestartedEach(model, restarts, 3);
        assertTrue(model.appBag().keySet().stream().noneMatch(k -> k.startsWith("next-cert-") || k.startsWith("ca-next")),
                model.appBag().keySet().toString());
        assertTrue(!TrustBundle.sameSet(old, next));
        assertEquals(nextSecret, model.appBag().get(PeerData.CA_KEY_SECRET));
        assertEquals(List.of(nextSecret), model.appSecretIds(), "the old CA's secret is removed once nothing reads it");
        assertHealthyCluster(model);
        assertCharmTalksAsRootWith(model, next);
    }

    @Test
    void dbClientCertificatesComeFromTheProviderOnceMembersServeItsCaAndFromTheClusterCaAfterIt() throws Exception {
        Deployment model = new Deployment(root).deploy(3);
        String builtin = model.appBag().get(PeerData.CA_CERT);
        model.relateDb();
        settleChecking(model);
        assertNoFailedHook(model);
        for (String u : model.units()) {
            assertClientCredentials(model, u, builtin);
        }
        CertificateAuthority x = CertificateAuthority.create("provider X", 30, KeyType.DEFAULT);
        model.relateCertificates(provider(x, false));
        boolean sawProviders = false;
        while (model.step().isPresent()) {
            for (String u : model.units()) {
                String cert = model.dbBag(u).get("client_cert");
                if (cert != null && CertificateInfo.parse(cert).isSignedBy(x.certificatePem())) {
                    sawProviders = true;
                    assertTrue(TrustBundle.sameSet(model.appBag().getOrDefault(PeerData.TLS_SERVING_CA, ""), x.certificatePem()),
                            u + " hands out the provider's client certificate before the members serve its CA");
                    for (String member : model.units()) {
                        String trust = model.host(member).runningCaPem();
                        assertTrue(trust == null || TrustBundle.contains(trust, x.certificatePem()), member + " does not trust it");
                    }
                }
            }
        }
        assertTrue(sawProviders);
        assertNoFailedHook(model);
        for (String u : model.units()) {
            assertClientCredentials(model, u, x.certificatePem());
            assertTrue(TrustBundle.contains(model.dbBag(u).get("client_ca"), x.certificatePem()), u + ": client_ca");
            List<?> requests = (List<?>) Json.parse(model.unitBagOnCertificates(u).get(TlsCertificatesV1.REQUESTS));
            assertEquals(2, requests.size(), u + ": the member's request and the db client's");
            Path key = model.host(u).paths().clientRequests().resolve("db-etcd-client-kube.key");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(key)));
        }
        assertTrue(model.status(model.leader()).message().matches("\\(leader\\) cluster is healthy, 3 members"),
                model.status(model.leader()).message());

        model.unrelateCertificates();
        settleChecking(model);
        assertNoFailedHook(model);
        for (String u : model.units()) {
            assertClientCredentials(model, u, builtin);
            try (var files = java.nio.file.Files.list(model.host(u).paths().clientRequests())) {
                assertEquals(List.of(), files.toList(), u + " keeps requests without a provider");
            }
        }
        assertHealthyCluster(model);
    }

    /** The unit's db credentials: CN etcd-client-kube, signed by {@code ca}, the key the certificate's. */
    private static void assertClientCredentials(Deployment model, String unit, String ca) {
        Map<String, String> bag = model.dbBag(unit);
        CertificateInfo cert = CertificateInfo.parse(bag.get("client_cert"));
        assertEquals("etcd-client-kube", cert.subjectCommonName(), unit);
        assertTrue(cert.isSignedBy(ca), unit + ": client certificate of " + cert.issuerCommonName());
        assertEquals(cert.publicKey(), dev.charms.etcd.pki.Keys.toKeyPair(dev.charms.etcd.pki.Keys.readPrivateKey(bag.get("client_key")))
                .getPublic(), unit + ": client key");
    }
}
