package dev.charms.etcd.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership and maintenance with jetcd against real etcd 3.4 members over mTLS. */
class EtcdAdminIT {
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T t) {
        cleanup.add(t);
        return t;
    }

    @Test
    void growsPromotesMovesLeaderAndShrinks(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        LocalMember m0 = closeLater(new LocalMember(dir, "m0", tls));
        m0.start(m0.config(m0.selfCluster(), InitialClusterState.NEW).build());
        HealthProbe probe = new HealthProbe(TlsPaths.client(m0.paths));
        m0.awaitHealthy(probe, Duration.ofSeconds(20));

        long t0 = System.nanoTime();
        EtcdCluster admin = closeLater(new EtcdAdmin(List.of(m0.clientUrl), TlsPaths.client(m0.paths), EtcdAdmin.DEFAULT_TIMEOUT));
        List<Member> members = admin.memberList();
        System.out.printf("TIMING jetcd build + first RPC (member list) over mTLS: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        t0 = System.nanoTime();
        admin.memberList();
        System.out.printf("TIMING jetcd second RPC: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(1, members.size());
        assertEquals("m0", members.get(0).name());
        assertEquals(Member.initialId(List.of(m0.peerUrl.toString()), "it-token"), members.get(0).id(),
                "the bootstrap member's id is etcd's function of its peer URL and the cluster token");
        assertNotEquals(Member.initialId(List.of(m0.peerUrl.toString()), "other-token"), members.get(0).id());
        assertEquals(List.of(m0.clientUrl), members.get(0).clientUrls());

        admin.put("k", "v");
        assertEquals(Optional.of("v"), admin.get("k"));
        assertEquals(Optional.empty(), admin.get("missing"));

        LocalMember m1 = closeLater(new LocalMember(dir, "m1", tls));
        Member learner1 = join(admin, m1, probe);
        LocalMember m2 = closeLater(new LocalMember(dir, "m2", tls));
        Member learner2 = join(admin, m2, probe);

        members = admin.memberList();
        assertEquals(3, members.size());
        assertTrue(members.stream().noneMatch(Member::learner), members.toString());

        EtcdCluster all = closeLater(new EtcdAdmin(List.of(m0.clientUrl, m1.clientUrl, m2.clientUrl),
                TlsPaths.client(m0.paths), EtcdAdmin.DEFAULT_TIMEOUT));
        List<MemberStatus> statuses = new ArrayList<>();
        for (URI u : all.endpoints()) {
            statuses.add(all.status(u));
        }
        assertEquals(1, statuses.stream().filter(MemberStatus::isLeader).count(), statuses.toString());
        long leader = statuses.get(0).leaderId();
        assertTrue(statuses.stream().allMatch(s -> s.leaderId() == leader && s.version().equals("3.4.23") && !s.isLearner()));
        assertTrue(statuses.get(0).dbSize() > 0 && statuses.get(0).raftIndex() > 0 && statuses.get(0).raftTerm() > 0);

        long target = members.stream().map(Member::id).filter(id -> id != leader).findFirst().orElseThrow();
        all.moveLeader(target);
        assertEquals(target, retry(() -> all.status(m0.clientUrl).leaderId(), id -> id == target, Duration.ofSeconds(10)));
        all.moveLeader(target);

        MemberStatus leaderStatus = all.endpoints().stream().map(all::status).filter(MemberStatus::isLeader).findFirst().orElseThrow();
        Member follower = members.stream().filter(mm -> mm.id() != leaderStatus.memberId()).findFirst().orElseThrow();
        LocalMember removed = List.of(m0, m1, m2).stream().filter(lm -> lm.name.equals(follower.name())).findFirst().orElseThrow();
        long tRemove = System.nanoTime();
        retry(() -> {
            all.remove(follower.id()); // an attempt applied but lost in transit makes the next a no-op
            return true;
        }, ok -> ok, Duration.ofSeconds(20));
        System.out.printf("TIMING remove right after move-leader (\"unhealthy cluster\" retried): %d ms%n",
                (System.nanoTime() - tRemove) / 1_000_000);
        removed.kill();
        List<Member> after = all.memberList();
        assertEquals(2, after.size());
        assertTrue(after.stream().noneMatch(mm -> mm.id() == follower.id()));
        all.remove(follower.id()); // already gone ("member not found"): what was asked for holds
        assertEquals(after, all.memberList());
        // Right after a removal the survivors may still answer retryably (a follower forwards a promotion
        // to the leader and can time out); what must come, and stay, is the refusal.
        EtcdAdminException promoteGone = retry(() -> assertThrows(EtcdAdminException.class, () -> all.promote(follower.id())),
                e -> !e.retryable(), Duration.ofSeconds(20));
        assertFalse(promoteGone.retryable(), promoteGone.getMessage());
        assertTrue(promoteGone.getMessage().contains("member not found"), promoteGone.getMessage());

        EtcdCluster failover = closeLater(new EtcdAdmin(List.of(removed.clientUrl, leaderEndpoint(all, leaderStatus)),
                TlsPaths.client(m0.paths), EtcdAdmin.DEFAULT_TIMEOUT));
        assertEquals(2, failover.memberList().size(), "dead first endpoint is skipped");
        EtcdAdminException dead = assertThrows(EtcdAdminException.class, () -> failover.status(removed.clientUrl));
        assertTrue(dead.retryable(), dead.getMessage());
        URI nobody = URI.create("https://127.0.0.1:" + ChildProcess.freePort());
        EtcdCluster allDead = closeLater(new EtcdAdmin(List.of(removed.clientUrl, nobody), TlsPaths.client(m0.paths), Duration.ofSeconds(2)));
        EtcdAdminException both = assertThrows(EtcdAdminException.class, allDead::memberList);
        assertTrue(both.retryable(), both.getMessage());
        assertTrue(both.getMessage().contains("member list on " + removed.clientUrl) && both.getMessage().contains("member list on " + nobody),
                "every endpoint's answer is named: " + both.getMessage());
        assertTrue(learner1.id() != learner2.id());

        LocalMember survivor = List.of(m0, m1, m2).stream()
                .filter(lm -> lm.name.equals(leaderNameOf(after, leaderStatus))).findFirst().orElseThrow();
        for (LocalMember lm : List.of(m0, m1, m2)) {
            if (lm != survivor) {
                lm.kill();
            }
        }
        Health noQuorum = retry(() -> probe.check(survivor.clientUrl), h -> !h.healthy(), Duration.ofSeconds(15));
        assertTrue(noQuorum.reason().startsWith("unhealthy (HTTP 503)"), noQuorum.reason());
    }

    private static String leaderNameOf(List<Member> members, MemberStatus leader) {
        return members.stream().filter(m -> m.id() == leader.memberId()).findFirst().orElseThrow().name();
    }

    @Test
    void maintenanceAlarmsCompactDefragAndLearnerRules(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        LocalMember m0 = closeLater(new LocalMember(dir, "m0", tls));
        m0.start(m0.config(m0.selfCluster(), InitialClusterState.NEW).build());
        HealthProbe probe = new HealthProbe(TlsPaths.client(m0.paths));
        m0.awaitHealthy(probe, Duration.ofSeconds(20));
        EtcdCluster admin = closeLater(new EtcdAdmin(List.of(m0.clientUrl), TlsPaths.client(m0.paths), Duration.ofSeconds(3)));

        for (int i = 0; i < 200; i++) {
            admin.put("key/" + i, "value-" + i);
        }
        for (int i = 0; i < 200; i++) {
            admin.put("key/" + i, "value2-" + i);
        }
        assertEquals(200, admin.count("key/"));
        assertTrue(admin.count("") >= 200);
        long rev = admin.currentRevision();
        assertTrue(rev >= 401, "revision " + rev);
        assertEquals(List.of(), admin.alarms());
        assertEquals(List.of(), admin.disarmAll());
        admin.compact(rev, true);
        EtcdAdminException compacted = assertThrows(EtcdAdminException.class, () -> admin.compact(rev - 1, false));
        assertTrue(compacted.getMessage().contains("compacted"), compacted.getMessage());
        admin.defrag(m0.clientUrl);
        MemberStatus s = admin.status(m0.clientUrl);
        assertTrue(s.dbSizeInUse() <= s.dbSize(), s.toString());
        assertEquals(List.of(), s.errors());

        AddLearnerResult first = admin.addLearner(URI.create("https://127.0.0.1:" + LocalMember.freePort()));
        assertTrue(first.member().learner());
        assertFalse(first.member().started());
        assertEquals(PromoteOutcome.NOT_READY, admin.promote(first.member().id()));
        EtcdAdminException tooMany = assertThrows(EtcdAdminException.class,
                () -> admin.addLearner(URI.create("https://127.0.0.1:" + LocalMember.freePort())));
        assertTrue(tooMany.retryable(), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains("too many learner"), tooMany.getMessage());
        admin.remove(first.member().id());
        assertEquals(1, admin.memberList().size());
    }

    @Test
    void aPrewarmedConnectionIsTakenOverAndAFailedOneNeverHandedOut(@TempDir Path dir) throws Exception {
        TlsMaterial tls = TestPki.create(dir.resolve("pki"));
        LocalMember m0 = closeLater(new LocalMember(dir, "m0", tls));
        TlsPaths client = TlsPaths.client(m0.paths);

        // Nothing listens yet: the warm-up fails, and the client that comes later connects afresh.
        EtcdAdmin.prewarm(m0.clientUrl, client, Duration.ofSeconds(2));
        Thread.sleep(300);
        m0.start(m0.config(m0.selfCluster(), InitialClusterState.NEW).build());
        m0.awaitHealthy(new HealthProbe(client), Duration.ofSeconds(20));
        EtcdCluster afterFailure = closeLater(new EtcdAdmin(List.of(m0.clientUrl), client, Duration.ofSeconds(3)));
        assertEquals(1, afterFailure.memberList().size());

        // With etcd up: the warm connection serves the first call; a second admin client builds its own.
        assertEquals(0, EtcdAdmin.ADOPTED.get(), "a failed warm-up is never handed out");
        EtcdAdmin.prewarm(m0.clientUrl, client, Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        EtcdCluster warm = new EtcdAdmin(List.of(m0.clientUrl), client, Duration.ofSeconds(3));
        assertEquals("m0", warm.memberList().get(0).name());
        assertEquals(1, EtcdAdmin.ADOPTED.get(), "the first call used the prewarmed connection");
        System.out.printf("TIMING first call on a prewarmed connection (waits for the warm-up): %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        warm.close();
        EtcdCluster fresh = closeLater(new EtcdAdmin(List.of(m0.clientUrl), client, Duration.ofSeconds(3)));
        assertEquals("m0", fresh.memberList().get(0).name(), "the closed warm connection was not handed out twice");
        assertEquals(1, EtcdAdmin.ADOPTED.get());

        // A member that accepts connections but never answers: the call that waited for the warm-up
        // takes its failure (not asking a second time) and goes on to the next endpoint.
        try (java.net.ServerSocket hung = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            URI hungUrl = URI.create("https://127.0.0.1:" + hung.getLocalPort());
            EtcdAdmin.prewarm(hungUrl, client, Duration.ofSeconds(1));
            EtcdCluster twoEndpoints = closeLater(new EtcdAdmin(List.of(hungUrl, m0.clientUrl), client, Duration.ofSeconds(1)));
            assertEquals("m0", twoEndpoints.memberList().get(0).name());
            assertEquals(1, EtcdAdmin.WAITED_FAILURES.get(), "the hung member's warm-up failure was the first call's");
            assertEquals(1, EtcdAdmin.ADOPTED.get());
        }
    }

    /**
     * The client's TLS context (built by hand, not by Netty's builder) presents the unit's client
     * certificate and trusts the cluster CA alone: a server with a certificate of another CA is refused
     * before any request, and one of the cluster CA sees the client certificate in the handshake.
     */
    @Test
    void theClientPresentsItsCertificateAndTrustsOnlyTheClusterCa(@TempDir Path dir) throws Exception {
        TestPki.create(dir.resolve("a"));
        TestPki.create(dir.resolve("b"));
        TlsPaths clientA = new TlsPaths(dir.resolve("a/ca.crt"), dir.resolve("a/client.crt"), dir.resolve("a/client.key"));
        String peerOfA = handshakeWith(new TlsPaths(dir.resolve("a/ca.crt"), dir.resolve("a/server.crt"), dir.resolve("a/server.key")), clientA);
        assertEquals("CN=root", peerOfA, "the server of the cluster CA saw the client's certificate");
        String peerOfB = handshakeWith(new TlsPaths(dir.resolve("b/ca.crt"), dir.resolve("b/server.crt"), dir.resolve("b/server.key")), clientA);
        assertTrue(peerOfB.startsWith("handshake failed"), "a server of another CA was accepted: " + peerOfB);
    }

    /** One TLS server connection (client auth required); what the server saw of the client's certificate. */
    private static String handshakeWith(TlsPaths server, TlsPaths client) throws Exception {
        javax.net.ssl.SSLContext ctx = TlsContexts.sslContext(server);
        try (javax.net.ssl.SSLServerSocket listener = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            javax.net.ssl.SSLParameters params = listener.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            params.setNeedClientAuth(true);
            listener.setSSLParameters(params);
            listener.setSoTimeout(10_000);
            java.util.concurrent.CompletableFuture<String> seen = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) listener.accept()) {
                    socket.setSoTimeout(5000);
                    try {
                        socket.startHandshake();
                    } catch (java.io.IOException e) {
                        return "handshake failed: " + e.getMessage();
                    }
                    return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                            .getSubjectX500Principal().getName();
                } catch (java.io.IOException e) {
                    return "no connection: " + e.getMessage();
                }
            });
            try (EtcdCluster admin = new EtcdAdmin(List.of(URI.create("https://127.0.0.1:" + listener.getLocalPort())), client,
                    Duration.ofSeconds(3))) {
                assertThrows(EtcdAdminException.class, admin::memberList, "the test server speaks no gRPC");
            }
            return seen.get(15, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Adds {@code m} as a learner, starts it with state existing, promotes it once caught up. */
    private static Member join(EtcdCluster admin, LocalMember m, HealthProbe probe) throws Exception {
        long t0 = System.nanoTime();
        AddLearnerResult added = retry(() -> admin.addLearner(m.peerUrl), r -> true, Duration.ofSeconds(20));
        assertTrue(added.member().learner());
        assertEquals(List.of(m.peerUrl), added.member().peerUrls());
        // repeats, as after an add whose answer was lost: etcd says "member ID already exist" within the
        // second (the id hashes the time) and "Peer URLs already exists" after it; same learner each time
        for (int i = 0; i < 2; i++) {
            Thread.sleep(i * 1100L);
            AddLearnerResult again = admin.addLearner(m.peerUrl);
            assertEquals(added.member().id(), again.member().id());
            assertEquals(added.initialCluster(m.name), again.initialCluster(m.name));
        }
        m.start(m.config(added.initialCluster(m.name), InitialClusterState.EXISTING).build());
        PromoteOutcome outcome = retry(() -> admin.promote(added.member().id()), o -> o == PromoteOutcome.PROMOTED,
                Duration.ofSeconds(30));
        assertEquals(PromoteOutcome.PROMOTED, outcome);
        // a repeat: etcd says "can only promote a learner member", and the member does vote
        assertEquals(PromoteOutcome.PROMOTED, admin.promote(added.member().id()));
        m.awaitHealthy(probe, Duration.ofSeconds(20));
        System.out.printf("TIMING learner %s add -> promoted -> healthy: %d ms%n", m.name, (System.nanoTime() - t0) / 1_000_000);
        return added.member();
    }

    private static URI leaderEndpoint(EtcdCluster admin, MemberStatus leader) {
        return admin.memberList().stream().filter(m -> m.id() == leader.memberId()).findFirst().orElseThrow().clientUrls().get(0);
    }

    /** Calls {@code op} until {@code done} accepts its result, retrying retryable failures. */
    static <T> T retry(Supplier<T> op, java.util.function.Predicate<T> done, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        T last = null;
        EtcdAdminException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                last = op.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (EtcdAdminException e) {
                if (!e.retryable()) {
                    throw e;
                }
                lastError = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not done after " + limit + ": last " + last + (lastError == null ? "" : ", error " + lastError.getMessage()));
    }
}
