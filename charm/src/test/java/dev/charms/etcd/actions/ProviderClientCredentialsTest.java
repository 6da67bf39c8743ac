package dev.charms.etcd.actions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.certs.ClientRequests;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Json;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate-client-certificates with a certificates provider: a first run requests, a run before the answer
 * waits, a run after it hands out the provider's certificate (never the cluster CA's) and forgets the
 * request; a refused or unreadable answer fails the action naming it.
 */
class ProviderClientCredentialsTest {
    @TempDir
    Path root;

    private final CertificateAuthority builtin = CertificateAuthority.create("cluster CA", 30, KeyType.DEFAULT);
    private final CertificateAuthority provider = CertificateAuthority.create("provider CA", 30, KeyType.DEFAULT);
    private final ClientCredentials.Request request = ClientCredentials.Request.parse("ops-user", 30, "ecdsa-p256");
    private int published;

    private Map<String, Object> run(ClientRequests requests, String certificates, String serving) {
        ProviderClientCredentials.Cluster cluster = new ProviderClientCredentials.Cluster(TrustBundle.canonical(serving),
                TrustBundle.sortedUnion(builtin.certificatePem(), provider.certificatePem()));
        return ProviderClientCredentials.run(request, requests, "certificates:7", certificates, () -> published++, cluster,
                List.of(URI.create("https://10.0.0.1:2379")), root.resolve("out"), "etcd/0");
    }

    /** The provider's answer to {@code csr}, signed by {@code ca} for the CSR's key (or another key). */
    private static String answer(CertificateAuthority ca, String csr, boolean otherKey) {
        Csr parsed = Csr.parse(csr);
        Csr signed = otherKey ? Csr.parse(Csr.create(Keys.generate(KeyType.DEFAULT), "x", Set.of())) : parsed;
        String cert = ca.sign(signed, Set.of(), 30, Usage.CLIENT);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("certificate_signing_request", csr);
        item.put("certificate", cert);
        item.put("ca", ca.certificatePem());
        item.put("chain", List.of(cert, ca.certificatePem()));
        return Json.write(List.of(item));
    }

    @Test
    void requestsThenWaitsThenHandsOutTheProvidersCertificate() throws Exception {
        ClientRequests requests = new ClientRequests(root.resolve("requests"));
        Map<String, Object> first = run(requests, null, provider.certificatePem());
        assertEquals("requested", first.get("status"));
        assertTrue(String.valueOf(first.get("message")).contains("run generate-client-certificates again"), first.toString());
        assertFalse(first.containsKey("client-key"));
        assertEquals(1, published);
        String csr = requests.all().get("action-ops-user");
        assertEquals("ops-user", Csr.parse(csr).commonName());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("requests/action-ops-user.key"))));

        assertEquals("waiting", run(requests, null, provider.certificatePem()).get("status"));
        Map<String, Object> moving = run(requests, answer(provider, csr, false), builtin.certificatePem());
        assertEquals("waiting", moving.get("status"));
        assertTrue(String.valueOf(moving.get("message")).contains("do not serve its CA yet"), moving.toString());

        Map<String, Object> issued = run(requests, answer(provider, csr, false), provider.certificatePem());
        assertEquals("issued", issued.get("status"));
        assertEquals("provider CA (the certificates provider, certificates:7)", issued.get("issuer"));
        CertificateInfo cert = CertificateInfo.parse((String) issued.get("client-cert"));
        assertTrue(cert.isSignedBy(provider.certificatePem()));
        assertEquals(cert.publicKey(), Keys.toKeyPair(Keys.readPrivateKey((String) issued.get("client-key"))).getPublic());
        assertTrue(TrustBundle.contains((String) issued.get("ca"), provider.certificatePem()));
        assertTrue(Files.exists(root.resolve("out/etcd_client_credentials.tar.gz")));
        assertEquals(Map.of(), requests.all(), "the request is forgotten once handed out");
        assertEquals(2, published);
    }

    @Test
    void aRefusedOrUnreadableAnswerFailsNamingItAndKeepsTheRequest() {
        ClientRequests requests = new ClientRequests(root.resolve("requests"));
        run(requests, null, provider.certificatePem());
        String csr = requests.all().get("action-ops-user");
        ActionFailedException wrong = assertThrows(ActionFailedException.class,
                () -> run(requests, answer(provider, csr, true), provider.certificatePem()));
        assertEquals("certificates:7: the answer for CN=ops-user is refused: the certificate is not for this unit's key;"
                + " the request stays, run again once the provider answers properly", wrong.getMessage());
        ActionFailedException garbage = assertThrows(ActionFailedException.class,
                () -> run(requests, "not json", provider.certificatePem()));
        assertTrue(garbage.getMessage().startsWith("certificates:7: 'certificates' is not JSON"), garbage.getMessage());
        assertFalse(garbage.getMessage().contains("PRIVATE"));
        assertEquals(Set.of("action-ops-user"), requests.all().keySet());
    }
}
