package dev.charms.etcd.etcdclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.etcdclient.EtcdClientV0.Decision;
import dev.charms.etcd.etcdclient.EtcdClientV0.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the leader grants each application on etcd-client, and each bad request it refuses (docs/client-access.md). */
class EtcdClientDecisionTest {
    private static final Instant NOW = Instant.now();
    private static final String APP1 = ClientCertificates.selfSigned("app1", Duration.ofDays(30));
    private static final String APP2 = ClientCertificates.selfSigned("app2", Duration.ofDays(30));

    private static Request request(int id, String app, String prefix, String cert) {
        return new Request(id, app, prefix, cert, null);
    }

    private static Decision decide(List<Grant> previous, Request... requests) {
        return EtcdClientV0.decide(List.of(requests), previous, Set.of("etcd-client", "admin", "ops"), Map.of("ops", "/ops/"), NOW);
    }

    @Test
    void twoApplicationsWithTheirOwnPrefixesAndCertificatesAreBothGranted() {
        Decision d = decide(List.of(), request(3, "one", "/one/", APP1), request(4, "two", "/two/", APP2));
        assertEquals(Map.of(), d.refusals());
        assertEquals(List.of(new Grant(3, "one", "app1", "/one/", APP1), new Grant(4, "two", "app2", "/two/", APP2)), d.grants());
        assertEquals("relation-app1", d.grants().get(0).role());
    }

    @Test
    void badPrefixesAreRefusedWithTheirReason() {
        Decision d = decide(List.of(), request(3, "one", "", APP1), request(4, "two", "two/", APP2),
                request(5, "three", null, APP2), request(6, "four", "/a b/", APP2));
        assertEquals(List.of(), d.grants());
        assertTrue(d.refusals().get(3).contains("no prefix asked for"), d.refusals().get(3));
        assertTrue(d.refusals().get(4).contains("prefix 'two/' is relative (it must start with '/')"), d.refusals().get(4));
        assertTrue(d.refusals().get(5).contains("no prefix asked for"), d.refusals().get(5));
        assertTrue(d.refusals().get(6).contains("printable ASCII"), d.refusals().get(6));
        assertEquals("etcd-client:4 (two): refused: prefix 'two/' is relative (it must start with '/')",
                d.describeRefusals(Map.of(3, "one", 4, "two", 5, "three", 6, "four")).orElseThrow().split("; ")[1]);
    }

    @Test
    void anOverlappingPrefixIsRefusedAndTheFirstKeepsIts() {
        Decision d = decide(List.of(), request(3, "one", "/shared/", APP1), request(4, "two", "/shared/two/", APP2));
        assertEquals(List.of(new Grant(3, "one", "app1", "/shared/", APP1)), d.grants());
        assertEquals("refused: prefix '/shared/two/' overlaps prefix '/shared/' of application 'one'", d.refusals().get(4));
        // The same the other way round: a shorter prefix covering a granted one.
        d = decide(d.grants(), request(3, "one", "/shared/", APP1), request(2, "two", "/", APP2));
        assertEquals(List.of(new Grant(3, "one", "app1", "/shared/", APP1)), d.grants());
        assertTrue(d.refusals().get(2).contains("overlaps prefix '/shared/'"), d.refusals().get(2));
    }

    @Test
    void aPrefixOverlappingAnotherUsersIsRefused() {
        Decision d = decide(List.of(), request(3, "one", "/ops/one/", APP1), request(4, "two", "/", APP2));
        assertEquals(List.of(), d.grants());
        assertEquals("refused: prefix '/ops/one/' overlaps prefix '/ops/' of etcd user 'ops'", d.refusals().get(3));
        assertEquals("refused: prefix '/' overlaps prefix '/ops/' of etcd user 'ops'", d.refusals().get(4));
    }

    @Test
    void missingExpiredNotYetValidAndCaCertificatesAreRefused() {
        String expired = ClientCertificates.selfSigned("old", NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(1)), false);
        String future = ClientCertificates.selfSigned("new", NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(60)), false);
        String ca = ClientCertificates.selfSigned("ca", NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(60)), true);
        Decision d = decide(List.of(), request(1, "a", "/a/", null), request(2, "b", "/b/", expired),
                request(3, "c", "/c/", future), request(4, "d", "/d/", ca), request(5, "e", "/e/", "not a certificate"),
                new Request(6, "f", "/f/", null, "its secret-mtls secret cannot be read"));
        assertEquals(List.of(), d.grants());
        assertTrue(d.refusals().get(1).contains("no client certificate"), d.refusals().get(1));
        assertTrue(d.refusals().get(2).contains("its client certificate expired at"), d.refusals().get(2));
        assertTrue(d.refusals().get(3).contains("is not valid before"), d.refusals().get(3));
        assertTrue(d.refusals().get(4).contains("is a CA certificate"), d.refusals().get(4));
        assertTrue(d.refusals().get(5).contains("is not a PEM certificate"), d.refusals().get(5));
        assertEquals("refused: its secret-mtls secret cannot be read", d.refusals().get(6));
    }

    @Test
    void aCommonNameTakenByAnotherApplicationOrTheCharmIsRefused() {
        String sameCn = ClientCertificates.selfSigned("app1", Duration.ofDays(30));
        Decision d = decide(List.of(), request(3, "one", "/one/", APP1), request(4, "two", "/two/", sameCn),
                request(5, "r", "/r/", ClientCertificates.selfSigned("root", Duration.ofDays(3))),
                request(6, "k", "/k/", ClientCertificates.selfSigned("etcd-client-kube", Duration.ofDays(3))),
                request(7, "x", "/x/", ClientCertificates.selfSigned("admin", Duration.ofDays(3))));
        assertEquals(List.of(new Grant(3, "one", "app1", "/one/", APP1)), d.grants());
        assertEquals("refused: CN 'app1' is already the user of application 'one'", d.refusals().get(4));
        assertTrue(d.refusals().get(5).contains("etcd's root user"), d.refusals().get(5));
        assertTrue(d.refusals().get(6).contains("the db relation's clients"), d.refusals().get(6));
        assertTrue(d.refusals().get(7).contains("already an etcd user not made by this relation"), d.refusals().get(7));
    }

    @Test
    void aBadChangeKeepsWhatWasGrantedAndAGoodOneReplacesIt() {
        List<Grant> before = List.of(new Grant(3, "one", "app1", "/one/", APP1));
        Decision d = decide(before, request(3, "one", "relative/", APP1));
        assertEquals(before, d.grants());
        assertEquals("not changed (user 'app1' keeps prefix '/one/'): prefix 'relative/' is relative (it must start with '/')",
                d.refusals().get(3));
        String renewed = ClientCertificates.selfSigned("app1", Duration.ofDays(90));
        d = decide(before, request(3, "one", "/one/", renewed));
        assertEquals(List.of(new Grant(3, "one", "app1", "/one/", renewed)), d.grants());
        assertEquals(Map.of(), d.refusals());
    }

    @Test
    void aGoneRelationsGrantIsDroppedAndItsPrefixIsFreeAgain() {
        List<Grant> before = List.of(new Grant(3, "one", "app1", "/one/", APP1));
        Decision d = decide(before, request(4, "two", "/one/", APP2));
        assertEquals(List.of(new Grant(4, "two", "app2", "/one/", APP2)), d.grants());
    }

    @Test
    void grantsRoundTripThroughThePeerBagText() {
        List<Grant> grants = List.of(new Grant(3, "one", "app1", "/one/", APP1), new Grant(4, "two", "app2", "/two/", APP2));
        assertEquals(grants, Grant.read(Grant.write(grants)));
        assertEquals(List.of(), Grant.read(""));
    }

    @Test
    void endpointsAreHostAndPortOfEachClientUrl() {
        assertEquals("10.0.0.1:2379,10.0.0.2:2379", EtcdClientV0.endpoints(List.of("https://10.0.0.1:2379", "https://10.0.0.2:2379")));
        assertEquals("etcd-client.7.user.secret", EtcdClientV0.secretLabel(7, "user"));
    }
}
