package dev.charms.etcd.certs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unit's client requests: key 0600 in a 0700 directory, renewal with the same key, what serves meanwhile. */
class ClientRequestsTest {
    @TempDir
    Path root;

    @Test
    void aRequestKeepsItsKeyPrivateAndARenewalKeepsKeyAndName() throws Exception {
        ClientRequests requests = new ClientRequests(root.resolve("requests"));
        String csr = requests.ensure("db-etcd-client-kube", "etcd-client-kube", KeyType.DEFAULT);
        assertEquals(csr, requests.ensure("db-etcd-client-kube", "etcd-client-kube", KeyType.DEFAULT), "made once");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("requests"))));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("requests/db-etcd-client-kube.key"))));
        String renewed = requests.renew("db-etcd-client-kube");
        assertNotEquals(csr, renewed);
        assertEquals(Csr.parse(csr).publicKey(), Csr.parse(renewed).publicKey());
        assertEquals("etcd-client-kube", Csr.parse(renewed).commonName());
        assertEquals(List.of(renewed), List.copyOf(requests.all().values()));
        assertThrows(IllegalArgumentException.class, () -> requests.ensure("../x", "x", KeyType.DEFAULT));
    }

    @Test
    void theCertificateHandedOutServesWhileARenewalIsPendingIfItIsOfTheServedCaAndThisKey() {
        ClientRequests requests = new ClientRequests(root.resolve("requests"));
        CertificateAuthority ca = CertificateAuthority.create("provider", 30, KeyType.DEFAULT);
        CertificateAuthority other = CertificateAuthority.create("other", 30, KeyType.DEFAULT);
        Csr csr = Csr.parse(requests.ensure("db-etcd-client-kube", "etcd-client-kube", KeyType.DEFAULT));
        String cert = ca.sign(csr, Set.of(), 30, Usage.CLIENT);
        requests.renew("db-etcd-client-kube");
        assertTrue(requests.current("db-etcd-client-kube", cert, ca.certificatePem()).isPresent());
        assertTrue(requests.current("db-etcd-client-kube", cert, other.certificatePem()).isEmpty(), "of another CA");
        String otherKey = ca.sign(Csr.parse(Csr.create(dev.charms.etcd.pki.Keys.generate(KeyType.DEFAULT), "x", Set.of())),
                Set.of(), 30, Usage.CLIENT);
        assertTrue(requests.current("db-etcd-client-kube", otherKey, ca.certificatePem()).isEmpty(), "for another key");
        List<String> problems = new ArrayList<>();
        assertTrue(requests.answer("db-etcd-client-kube", List.of(), problems).isEmpty());
        assertEquals(List.of(), problems);
        requests.drop("db-etcd-client-kube");
        assertEquals(0, requests.all().size());
    }
}
