package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.certs.TrustBundle;
import dev.charms.etcd.etcdclient.ClientCertificates;
import dev.charms.etcd.fakes.Deployment;
import dev.charms.etcd.workload.KeyAccess;
import dev.charms.ops.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd-client endpoint on a 3-unit cluster (docs/client-access.md, "Relating a modern client"): each
 * related application gets its user (its certificate's CN) with read-write on its prefix only, its
 * certificate in every member's client trust (each member restarting in its turn), and, once every member
 * runs with it, endpoints, version and the two secrets granted to its relation; a bad request is refused
 * in the leader's status and changes nothing granted; a new certificate is followed; a removed relation's
 * user, role, trust and secrets go. On Juju 2.9 the endpoint says it is not supported.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdClientScenarioTest {
    private static final Map<String, String> SECRETS = Map.of("requested-secrets", "[\"username\", \"uris\", \"tls\", \"tls-ca\"]",
            "provided-secrets", "[\"mtls-cert\"]");

    @TempDir
    Path root;

    private static Map<String, String> bag(String prefix) {
        Map<String, String> b = new java.util.LinkedHashMap<>(SECRETS);
        b.put("prefix", prefix);
        return b;
    }

    private static void assertTrustedEverywhere(Deployment model, String cert, boolean trusted) {
        for (String u : model.units()) {
            Optional<String> running = model.host(u).runningClientTrust();
            assertEquals(trusted, running.map(t -> TrustBundle.contains(t, cert)).orElse(false), u + " trusts it: " + running);
            if (trusted) {
                // the client port keeps trusting the members' CAs beside it
                assertTrue(TrustBundle.contains(running.get(), model.host(u).runningCaPem()), u);
            }
        }
    }

    @Test
    void twoApplicationsGetTheirPrefixesOnlyAndABadRequestChangesNothing() {
        Deployment model = new Deployment(root).deploy(3).settle();
        String one = ClientCertificates.selfSigned("app-one", Duration.ofDays(30));
        String two = ClientCertificates.selfSigned("app-two", Duration.ofDays(30));
        model.relateEtcdClient(11, "one", bag("/one/"), one);
        model.relateEtcdClient(12, "two", bag("/two/"), two);
        model.settle();
        assertNoFailedHook(model);

        assertEquals(Optional.of(List.of("relation-app-one")), model.etcd().userRoles("app-one"));
        assertEquals(Optional.of(List.of(KeyAccess.prefix("/one/", false))), model.etcd().rolePermissions("relation-app-one"));
        assertEquals(Optional.of(List.of(KeyAccess.prefix("/two/", false))), model.etcd().rolePermissions("relation-app-two"));
        assertTrustedEverywhere(model, one, true);
        assertTrustedEverywhere(model, two, true);

        Map<String, String> answer = model.etcdClientAppBag(11);
        assertEquals(List.of("endpoints", "secret-tls", "secret-user", "version"), answer.keySet().stream().sorted().toList());
        assertEquals(3, answer.get("endpoints").split(",").length, answer.toString());
        assertTrue(answer.get("endpoints").matches("([0-9.]+:\\d+,?)+"), answer.get("endpoints"));
        Map<String, String> user = model.appSecret(answer.get("secret-user")).orElseThrow();
        assertEquals("app-one", user.get("username"));
        assertTrue(user.get("uris").matches("(https://[0-9.]+:\\d+,?){3}"), user.get("uris"));
        Map<String, String> tls = model.appSecret(answer.get("secret-tls")).orElseThrow();
        assertEquals("True", tls.get("tls"));
        assertTrue(TrustBundle.contains(tls.get("tls-ca"), model.host(model.leader()).runningCaPem()), tls.get("tls-ca"));
        assertTrue(model.runs().stream().flatMap(r -> r.toolCalls().stream())
                .anyMatch(c -> c.tool().equals("secret-grant") && c.args().equals(List.of(answer.get("secret-user"), "-r", "11"))));

        // An overlapping prefix (a later relation) and a relative one (a change of a granted relation): refused, nothing changes.
        String three = ClientCertificates.selfSigned("app-three", Duration.ofDays(30));
        model.relateEtcdClient(13, "three", bag("/one/sub/"), three);
        model.etcdClientChanged(12, bag("two/"));
        model.settle();
        assertNoFailedHook(model);
        Status status = model.status(model.leader());
        assertEquals("blocked", status.name(), status.toString());
        assertTrue(status.message().contains("etcd-client:12 (two): not changed (user 'app-two' keeps prefix '/two/'): prefix 'two/' is relative"),
                status.message());
        assertTrue(status.message().contains("etcd-client:13 (three): refused: prefix '/one/sub/' overlaps prefix '/one/' of application 'one'"),
                status.message());
        assertEquals(Optional.empty(), model.etcd().userRoles("app-three"));
        assertEquals(Optional.of(List.of(KeyAccess.prefix("/two/", false))), model.etcd().rolePermissions("relation-app-two"));
        assertEquals(Map.of(), model.etcdClientAppBag(13));
        assertTrustedEverywhere(model, three, false);

        // A new certificate (same CN) is followed; the old one leaves the trust.
        String renewed = ClientCertificates.selfSigned("app-one", Duration.ofDays(90));
        model.etcdClientCertificateChanged(11, renewed);
        model.settle();
        assertNoFailedHook(model);
        assertTrustedEverywhere(model, renewed, true);
        assertTrustedEverywhere(model, one, false);

        // The relation removed: user, role, trust and secrets go; the others keep theirs.
        String userSecret = answer.get("secret-user");
        model.unrelateEtcdClient(11);
        model.settle();
        assertNoFailedHook(model);
        assertEquals(Optional.empty(), model.etcd().userRoles("app-one"));
        assertEquals(Optional.empty(), model.etcd().rolePermissions("relation-app-one"));
        assertTrustedEverywhere(model, renewed, false);
        assertTrustedEverywhere(model, two, true);
        assertFalse(model.appSecret(userSecret).isPresent());
        assertEquals(Optional.of(List.of("relation-app-two")), model.etcd().userRoles("app-two"));
    }

    @Test
    void aRelationWithoutACertificateIsRefusedAndOneNotWrittenYetWaits() {
        Deployment model = new Deployment(root).deploy(1).settle();
        model.relateEtcdClient(21, "nocert", bag("/n/"), null);
        model.relateEtcdClient(22, "quiet", Map.of(), null);
        model.settle();
        assertNoFailedHook(model);
        Status status = model.status(model.leader());
        assertEquals("etcd-client:21 (nocert): refused: no client certificate (secret-mtls is not set)", status.message());
        assertFalse(status.message().contains("quiet"));
        assertEquals(Map.of(), model.etcdClientAppBag(22));
    }

    @Test
    void onJuju29TheEndpointSaysItIsNotSupported() {
        Deployment model = new Deployment(root).juju("2.9.50").deploy(1).settle();
        model.relateEtcdClient(31, "modern", bag("/m/"), null);
        model.settle();
        assertNoFailedHook(model);
        Status status = model.status(model.leader());
        assertEquals("blocked", status.name());
        assertTrue(status.message().startsWith("etcd-client is not supported on Juju 2.9.50: it passes credentials in Juju secrets"),
                status.message());
        assertEquals(Map.of(), model.etcdClientAppBag(31));
    }
}
