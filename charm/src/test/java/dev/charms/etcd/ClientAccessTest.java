package dev.charms.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.fakes.InMemoryEtcd;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.KeyAccess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's users as the charm keeps them (docs/client-access.md), on a three-unit deployment formed by the
 * real charm: authentication on, the charm's identities with the root role, clients limited as asked.
 */
class ClientAccessTest {
    @TempDir
    Path root;
    private Deployment model;
    private InMemoryEtcd etcd;
    private ClientAccess access;

    @BeforeEach
    void deploy() {
        model = new Deployment(root).deploy(3);
        etcd = model.etcd();
        EtcdCluster admin = model.host("etcd/0").cluster(
                List.of(URI.create("https://" + model.host("etcd/0").address() + ":2379")), Duration.ofSeconds(1));
        access = new ClientAccess(admin);
    }

    @Test
    void aDeployedClusterRunsWithAuthenticationAndTheCharmTalksToItAsRoot() {
        assertTrue(etcd.authEnabled());
        assertEquals(Optional.of(List.of("root")), etcd.userRoles("root"));
        assertEquals("on", model.appBag().get(PeerData.AUTH));
        for (String unit : model.units()) {
            assertEquals("root", dev.charms.etcd.pki.CertificateInfo.parse(model.host(unit).clientCertificatePem())
                    .subjectCommonName(), unit);
            assertEquals("root", model.unitBag(unit).get(PeerData.IDENTITY), unit);
        }
        // the default CN of generate-client-certificates keeps the access it had before authentication
        assertEquals(Optional.of(List.of("action-etcd-client")), etcd.userRoles("etcd-client"));
        assertEquals(Optional.of(List.of(KeyAccess.everything(false))), etcd.rolePermissions("action-etcd-client"));
        List<String> history = etcd.history();
        assertTrue(history.indexOf("auth enable") > history.indexOf("user grant-role root root"), history.toString());
    }

    @Test
    void theHookThatMakesTheCaSignsTheLeadersRootCertificateWithoutReadingTheCaSecret() {
        // Juju commits a secret only when the hook that added it ends: secret-get in that hook fails.
        Deployment.HookRun made = model.runs().stream()
                .filter(r -> r.toolCalls().stream().anyMatch(t -> t.tool().equals("secret-add"))).findFirst().orElseThrow();
        assertTrue(made.toolCalls().stream().noneMatch(t -> t.tool().equals("secret-get")), made.toolCalls().toString());
    }

    @Test
    void anAddedUnitJoinsTheClusterWithAuthenticationOn() {
        model.addUnit();
        model.settle();
        assertTrue(model.failures().isEmpty(), model.failures().toString());
        assertEquals(4, etcd.voterNames().size());
        assertEquals(List.of("root", "etcd-client"), etcd.history().stream().filter(l -> l.startsWith("user add "))
                .map(l -> l.substring("user add ".length())).toList());
    }

    @Test
    void aPrefixClientGetsARoleOnItsPrefixOnlyAndIsListed() {
        access.grantActionClient("app1", KeyAccess.prefix("/app1/", false));
        access.grantActionClient("reader", KeyAccess.prefix("/app1/", true));
        assertEquals(Optional.of(List.of(new KeyAccess("/app1/", "/app10", false))), etcd.rolePermissions("action-app1"));
        Map<String, ClientAccess.Client> listed = new java.util.HashMap<>();
        access.list().forEach(c -> listed.put(c.user(), c));
        assertEquals(ClientAccess.Source.ACTION, listed.get("app1").source());
        assertEquals("read-write on keys under '/app1/'", listed.get("app1").describeAccess());
        assertEquals("read-only on keys under '/app1/'", listed.get("reader").describeAccess());
        assertEquals("root (every operation)", listed.get("root").describeAccess());
        Map<String, Object> results = ClientAccess.results(access.list());
        assertEquals(access.list().size(), results.get("count"));
        assertTrue(results.values().stream().anyMatch(v -> v instanceof Map<?, ?> m && "app1".equals(m.get("user"))
                && "/app1/".equals(m.get("prefix"))), results.toString());
    }

    @Test
    void theSameCnWithOtherAccessIsRefusedAndKeepsWhatItHad() {
        access.grantActionClient("app1", KeyAccess.prefix("/app1/", false));
        access.grantActionClient("app1", KeyAccess.prefix("/app1/", false)); // another certificate, same access
        ClientAccess.AccessRefused e = assertThrows(ClientAccess.AccessRefused.class,
                () -> access.grantActionClient("app1", KeyAccess.everything(false)));
        assertEquals("common-name 'app1' already has read-write on keys under '/app1/'; run revoke-client"
                + " common-name=app1 first or ask for the same access", e.getMessage());
        assertEquals(Optional.of(List.of(KeyAccess.prefix("/app1/", false))), etcd.rolePermissions("action-app1"));
        assertThrows(ClientAccess.AccessRefused.class, () -> access.grantActionClient("root", KeyAccess.everything(true)));
        assertEquals(Optional.of(List.of("root")), etcd.userRoles("root"));
    }

    @Test
    void revokeRemovesAnActionClientAndRefusesEveryOtherUser() {
        access.grantActionClient("app1", KeyAccess.prefix("/app1/", false));
        assertEquals("read-write on keys under '/app1/'", access.revokeActionClient("app1").describeAccess());
        assertEquals(Optional.empty(), etcd.userRoles("app1"));
        assertEquals(Optional.empty(), etcd.rolePermissions("action-app1"));
        assertEquals("no etcd user 'app1'; list-clients shows the users the charm manages",
                assertThrows(ClientAccess.AccessRefused.class, () -> access.revokeActionClient("app1")).getMessage());
        assertEquals("user 'root' is the charm's own identity (role root), not a client made by"
                + " generate-client-certificates; only those can be revoked",
                assertThrows(ClientAccess.AccessRefused.class, () -> access.revokeActionClient("root")).getMessage());
        assertEquals(Optional.of(List.of("root")), etcd.userRoles("root"));
    }

    @Test
    void theCharmsNamesAreReservedForItself() {
        assertTrue(ClientAccess.reservedName("root").isPresent());
        assertTrue(ClientAccess.reservedName("etcd-client-kubernetes").isPresent());
        assertEquals(Optional.empty(), ClientAccess.reservedName("etcd-client"));
        assertEquals(Optional.empty(), ClientAccess.reservedName("etcd-7"));
    }

    @Test
    void prefixesAreCheckedAndTheirRangeEndsWhereEtcdctlEndsThem() {
        assertTrue(ClientAccess.prefixProblem("").isPresent());
        assertTrue(ClientAccess.prefixProblem("a b").isPresent());
        assertTrue(ClientAccess.prefixProblem("é").isPresent());
        assertEquals(Optional.empty(), ClientAccess.prefixProblem("/registry/"));
        assertEquals(Optional.of("the prefix 'app1/' is relative; it must start with '/' (for example '/app1/')"),
                ClientAccess.prefixProblem("app1/"));
        assertTrue(ClientAccess.overlaps("/app1/", "/app1/sub/"));
        assertTrue(ClientAccess.overlaps("/app", "/app1/"));
        assertFalse(ClientAccess.overlaps("/app1/", "/app2/"));
    }

    @Test
    void overlappingPrefixesAreFoundAmongOtherUsers() {
        access.grantActionClient("app1", KeyAccess.prefix("/app1/", false));
        access.grantActionClient("reader", KeyAccess.prefix("/app1/", true));
        access.grantActionClient("app2", KeyAccess.prefix("/app2/", false));
        assertEquals(List.of("app1", "reader"), access.overlapping("/app1/x/", "nobody").stream().map(ClientAccess.Client::user).toList());
        assertEquals(List.of("reader"), access.overlapping("/app1/", "app1").stream().map(ClientAccess.Client::user).toList());
        assertEquals(List.of(), access.overlapping("/app3/", "nobody"));
        assertEquals(new KeyAccess("/a/", "/a0", true), KeyAccess.prefix("/a/", true));
        assertEquals(new KeyAccess("a~", "a\u007f", false), KeyAccess.prefix("a~", false));
        assertEquals(Optional.of("/a/"), KeyAccess.prefix("/a/", true).asPrefix());
        assertFalse(KeyAccess.everything(false).asPrefix().isPresent());
        assertEquals("read-only on every key", KeyAccess.everything(true).describe());
    }
}
