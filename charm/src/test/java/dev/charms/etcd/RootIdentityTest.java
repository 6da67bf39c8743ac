package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.pki.CertificateAuthority;
import dev.charms.etcd.pki.CertificateInfo;
import dev.charms.etcd.pki.Csr;
import dev.charms.etcd.pki.KeyType;
import dev.charms.etcd.pki.Keys;
import dev.charms.etcd.pki.Usage;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.ops.StoredState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charm's own client certificate (CN root): kept while it fits, made again when it does not. */
class RootIdentityTest {
    @TempDir
    Path root;

    private static final CertificateAuthority CA = CertificateAuthority.create("test CA", 3650, KeyType.DEFAULT);

    private EtcdPaths install(String cert, String key) throws Exception {
        EtcdPaths paths = EtcdPaths.under(root);
        Files.createDirectories(paths.clientCert().getParent());
        Files.writeString(paths.clientCert(), cert);
        Files.writeString(paths.clientKey(), key);
        return paths;
    }

    @Test
    void aFittingCertificateIsKeptAndTheCaIsNotLoaded() throws Exception {
        KeyPair keys = Keys.generate(KeyType.DEFAULT);
        String cert = CA.sign(Csr.create(keys, "root", Set.of()), Set.of(), 365, Usage.CLIENT);
        String key = Keys.privateKeyPem(keys.getPrivate());
        EtcdPaths paths = install(cert, key);
        AtomicInteger loads = new AtomicInteger();
        UnitState state = new UnitState(StoredState.inMemory(Map.of()));
        RootIdentity.Pair pair = RootIdentity.current(paths, state, CA.certificatePem(), () -> {
            loads.incrementAndGet();
            return CA;
        });
        assertEquals(new RootIdentity.Pair(cert, key), pair);
        assertEquals(0, loads.get());
        assertTrue(state.rootIdentityChecked().isPresent());
        assertFalse(pair.toString().contains("PRIVATE"));
    }

    @Test
    void theUnitsServerCertificateOrAnotherCasIsReplacedByANewRootCertificate() throws Exception {
        KeyPair keys = Keys.generate(KeyType.DEFAULT);
        // what an earlier charm installed as client.crt: the unit's own certificate, CN its member name
        String member = CA.sign(Csr.create(keys, "etcd-0", Set.of("10.0.0.1")), Set.of("10.0.0.1"), 365, Usage.SERVER_AND_CLIENT);
        EtcdPaths paths = install(member, Keys.privateKeyPem(keys.getPrivate()));
        UnitState state = new UnitState(StoredState.inMemory(Map.of()));
        RootIdentity.Pair pair = RootIdentity.current(paths, state, CA.certificatePem(), () -> CA);
        CertificateInfo info = CertificateInfo.parse(pair.certPem());
        assertEquals("root", info.subjectCommonName());
        assertTrue(info.isSignedBy(CA.certificatePem()));
        assertNotEquals(Keys.privateKeyPem(keys.getPrivate()), pair.keyPem(), "the unit's key reused");
        assertEquals(info.publicKey(), Keys.toKeyPair(Keys.readPrivateKey(pair.keyPem())).getPublic());

        CertificateAuthority other = CertificateAuthority.create("other CA", 3650, KeyType.DEFAULT);
        EtcdPaths again = install(pair.certPem(), pair.keyPem());
        RootIdentity.Pair renewed = RootIdentity.current(again, state, other.certificatePem(), () -> other);
        assertTrue(CertificateInfo.parse(renewed.certPem()).isSignedBy(other.certificatePem()));
    }
}
