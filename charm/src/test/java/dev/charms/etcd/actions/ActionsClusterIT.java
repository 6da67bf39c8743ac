package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.pki.CredentialsBundle;
import dev.charms.etcd.workload.AddLearnerResult;
import dev.charms.etcd.workload.CommandResult;
import dev.charms.etcd.workload.CommandRunner;
import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdInstaller;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.ops.ActionFailedException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every action's core class against a real 3-member etcd 3.4 cluster on 127.0.0.1 (mTLS on client and
 * peer ports with certificates from the charm's pki package), started directly as processes. The
 * tests run in order on one cluster; the last one takes members down.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActionsClusterIT {
    private static final String TOKEN = "actions-it";
    private static final CommandRunner RUN = new CommandRunner();
    private static final Duration T = Duration.ofSeconds(30);

    private Path dir;
    private TestPki pki;
    private final List<EtcdProcess> members = new ArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private EtcdCluster admin;
    private SnapshotTool tool;
    private Snapshots.Saved saved;

    @BeforeAll
    void startCluster() throws Exception {
        dir = Files.createTempDirectory("actions-it-");
        pki = TestPki.create(dir.resolve("pki"));
        for (int i = 0; i < 3; i++) {
            members.add(closeLater(new EtcdProcess(dir, "etcd-" + i, pki)));
        }
        String cluster = String.join(",", members.stream().map(EtcdProcess::selfCluster).toList());
        long t0 = System.nanoTime();
        for (EtcdProcess m : members) {
            m.start(cluster, "new", TOKEN);
        }
        for (EtcdProcess m : members) {
            m.awaitLeader(Duration.ofSeconds(30));
        }
        System.out.printf("TIMING 3-member mTLS cluster start -> leader: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        admin = closeLater(new EtcdAdmin(members.stream().map(m -> m.clientUrl).toList(), pki.client, Duration.ofSeconds(3)));
        tool = new SnapshotTool(new EtcdInstaller(EtcdPaths.system(), RUN).detect().orElseThrow(), RUN);
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        deleteTree(dir);
    }

    private <T extends AutoCloseable> T closeLater(T t) {
        cleanup.add(t);
        return t;
    }

    @Test
    @Order(1)
    void healthReportsEveryMemberHealthy() {
        long t0 = System.nanoTime();
        ClusterHealth.Report report = new ClusterHealth(admin, MemberEndpoints.advertised()).check();
        System.out.printf("TIMING health action core (3 members): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Samples.record("health", report.toResults());
        assertEquals(ClusterHealth.HEALTHY, report.status(), report.message());
        assertEquals("3 of 3 voting members healthy, leader " + report.leader(), report.message());
        assertEquals(3, report.members().size());
        Map<String, Object> cluster = cast(report.toResults().get("cluster"));
        assertEquals(List.of(3, 2, 1), List.of(cluster.get("voters"), cluster.get("quorum"), cluster.get("failures-tolerated")));
        assertEquals(1, report.members().stream().filter(m -> m.role().equals("leader")).count());
        assertEquals(2, report.members().stream().filter(m -> m.role().equals("follower")).count());
        for (ClusterHealth.MemberHealth m : report.members()) {
            assertTrue(m.reachable(), m.toString());
            assertEquals("3.4.23", m.status().orElseThrow().version());
            assertTrue(m.status().get().dbSize() > 0 && m.status().get().raftIndex() > 0 && m.status().get().raftTerm() > 0);
            assertTrue(m.rttMillis() >= 0 && m.rttMillis() < 3000, "rtt " + m.rttMillis());
            assertEquals(List.of(), m.alarms());
        }
        assertTrue(report.leader().startsWith("etcd-"), report.leader());
    }

    @Test
    @Order(2)
    void memberListShowsIdsUrlsAndTheLeader() {
        MemberListing.Listing listing = new MemberListing(admin, MemberEndpoints.advertised()).list();
        Map<String, Object> results = Samples.record("member-list", listing.toResults());
        assertEquals(3, listing.entries().size());
        assertEquals(1, listing.entries().stream().filter(MemberListing.Entry::leader).count());
        for (EtcdProcess p : members) {
            MemberListing.Entry e = listing.entries().stream().filter(x -> x.key().equals(p.name)).findFirst().orElseThrow();
            assertEquals(List.of(p.peerUrl), e.member().peerUrls());
            assertEquals(List.of(p.clientUrl), e.member().clientUrls());
            assertFalse(e.member().learner());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m0 = (Map<String, Object>) ((Map<String, Object>) results.get("members")).get("etcd-0");
        assertTrue(String.valueOf(m0.get("id")).matches("[0-9a-f]+"), String.valueOf(m0.get("id")));
        assertEquals(members.get(0).peerUrl.toString(), m0.get("peer-urls"));
    }

    @Test
    @Order(3)
    void clientCertificatesWorkWithEtcdctlAndNoCertificateIsRefused() throws Exception {
        List<URI> endpoints = members.stream().map(m -> m.clientUrl).toList();
        for (String keyType : List.of("ecdsa-p256", "ed25519", "rsa-2048")) {
            ClientCredentials.Request request = ClientCredentials.Request.parse("app-" + keyType, 30, keyType);
            ClientCredentials.Issued issued = ClientCredentials.issue(pki.ca, request);
            Path home = dir.resolve("home-" + keyType);
            Path bundle = ClientCredentials.write(issued, endpoints, home);
            assertTrue(Files.isDirectory(home), "bundle directory created");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));
            Map<String, Object> results = ClientCredentials.results(issued, request.access(), bundle, "etcd/0");
            if (keyType.equals("ecdsa-p256")) {
                Samples.record("generate-client-certificates", results);
            }
            assertEquals("juju scp etcd/0:" + bundle + " .", results.get("copy-cmd"));
            assertTrue(issued.toString().indexOf("PRIVATE") < 0, "toString shows no key");

            Path unpacked = Files.createDirectories(dir.resolve("unpacked-" + keyType));
            RUN.check(List.of("tar", "-xzf", bundle.toString(), "-C", unpacked.toString()), T);
            for (String entry : List.of(CredentialsBundle.KEY_ENTRY, CredentialsBundle.CERT_ENTRY, CredentialsBundle.CA_ENTRY,
                    CredentialsBundle.README_ENTRY)) {
                assertTrue(Files.isRegularFile(unpacked.resolve(entry)), entry);
            }
            String readme = Files.readString(unpacked.resolve(CredentialsBundle.README_ENTRY));
            String all = String.join(",", endpoints.stream().map(URI::toString).toList());
            assertTrue(readme.contains("export ETCDCTL_ENDPOINTS=" + all), readme);
            assertTrue(readme.contains("export ETCDCTL_KEY_FILE=$(pwd)/clientkey.pem"), readme);
            assertTrue(readme.contains("export ETCDCTL_ENDPOINT=" + endpoints.get(0)), readme);

            // flags, as an operator would type them
            String key = "from-etcdctl/" + keyType;
            RUN.check(List.of("etcdctl", "--endpoints", all, "--cacert", unpacked.resolve("ca.pem").toString(),
                    "--cert", unpacked.resolve("clientcert.pem").toString(), "--key", unpacked.resolve("clientkey.pem").toString(),
                    "put", key, "hello"), Map.of("ETCDCTL_API", "3"), T);
            // the README's v3 environment variables
            Map<String, String> env = readmeEnv(readme, unpacked);
            String got = RUN.check(List.of("etcdctl", "get", key, "--print-value-only"), env, T);
            assertEquals("hello", got.strip());
        }
        CommandResult noCert = RUN.run(List.of("etcdctl", "--endpoints", members.get(0).clientUrl.toString(),
                "--cacert", pki.server.caFile().toString(), "--dial-timeout", "3s", "--command-timeout", "5s",
                "get", "from-etcdctl/ecdsa-p256"), Map.of("ETCDCTL_API", "3"), T);
        assertNotEquals(0, noCert.exitCode(), "a client without a certificate must be refused: " + noCert.stdout());
        assertFalse(noCert.stdout().contains("hello"));
        System.out.println("no-cert etcdctl refused: " + CommandRunner.oneLine(noCert.stderr()));
    }

    /** The README's {@code export VAR=...} lines for etcdctl v3, with $(pwd) being the unpack directory. */
    private static Map<String, String> readmeEnv(String readme, Path pwd) {
        Map<String, String> env = new HashMap<>();
        for (String line : readme.lines().map(String::strip).toList()) {
            if (line.startsWith("export ETCDCTL_") && !line.contains("_FILE=") && !line.startsWith("export ETCDCTL_ENDPOINT=")) {
                String kv = line.substring("export ".length()).replace("$(pwd)", pwd.toString());
                env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        assertEquals(java.util.Set.of("ETCDCTL_API", "ETCDCTL_KEY", "ETCDCTL_CERT", "ETCDCTL_CACERT", "ETCDCTL_ENDPOINTS"),
                env.keySet());
        return env;
    }

    @Test
    @Order(4)
    void snapshotIsSavedVerifiedAndChecksummed() throws Exception {
        for (int i = 0; i < 100; i++) {
            admin.put("snap/" + i, "value-" + i);
        }
        long revision = admin.currentRevision();
        Path target = dir.resolve("snapshots");
        assertFalse(Files.exists(target));
        Path checked = SnapshotTarget.prepare(target.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(checked)));

        long t0 = System.nanoTime();
        saved = new Snapshots(admin, tool).save(checked, "etcd");
        System.out.printf("TIMING snapshot action core (save + status + sha256): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Samples.record("snapshot", saved.toResults("etcd/0"));
        Path file = saved.path();
        assertTrue(file.getFileName().toString().matches("etcd-snapshot-etcd-\\d{8}T\\d{6}Z\\.db"), file.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Files.size(file), saved.size());
        String sha256sum = RUN.check(List.of("sha256sum", file.toString()), T).split("\\s+")[0];
        assertEquals(sha256sum, saved.sha256());
        assertTrue(saved.status().revision() >= revision, saved.status() + " vs " + revision);
        assertTrue(saved.status().totalKeys() >= 100, saved.status().toString());
        assertEquals("3.4.23", saved.etcdVersion());
        assertEquals(saved.status(), tool.status(file));

        Clock fixed = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);
        Snapshots.Saved first = new Snapshots(admin, tool, fixed).save(checked, "etcd");
        Snapshots.Saved second = new Snapshots(admin, tool, fixed).save(checked, "etcd");
        assertEquals("etcd-snapshot-etcd-20300102T030405Z.db", first.path().getFileName().toString());
        assertEquals("etcd-snapshot-etcd-20300102T030405Z-2.db", second.path().getFileName().toString());
        assertTrue(Files.exists(first.path()), "an earlier snapshot is never overwritten");
        try (Stream<Path> files = Files.list(checked)) {
            assertEquals(3, files.count(), "no temporary files left behind");
        }
    }

    @Test
    @Order(5)
    void compactDefragAndAlarms() {
        // before the compaction below: every member's hash then covers the same history
        admin.put("consistency/a", "1");
        Map<String, Object> consistent = Samples.record("check-consistency", new ConsistencyCheck(admin, MemberEndpoints.advertised()).check());
        assertEquals(ConsistencyCheck.CONSISTENT, consistent.get("status"), String.valueOf(consistent.get("message")));
        assertEquals(admin.currentRevision(), consistent.get("revision"));
        Map<String, Object> hashes = cast(consistent.get("members"));
        assertEquals(3, hashes.size());
        assertEquals(1, hashes.values().stream().map(h -> cast(h).get("hash")).distinct().count(), hashes.toString());
        admin.put("consistency/a", "2");
        Map<String, Object> later = new ConsistencyCheck(admin, MemberEndpoints.advertised()).check();
        assertEquals(ConsistencyCheck.CONSISTENT, later.get("status"), String.valueOf(later.get("message")));
        assertTrue(!cast(later.get("members")).get("etcd-0").equals(hashes.get("etcd-0")), "a write changes the hash");

        long current = admin.currentRevision();
        Map<String, Object> compacted = Samples.record("compact", new Compaction(admin).compact(OptionalLong.empty(), true));
        assertEquals(current, compacted.get("revision"));
        // compacted at the current revision, which etcd then refuses to hash: each member's current one is used
        Map<String, Object> atCompaction = new ConsistencyCheck(admin, MemberEndpoints.advertised()).check();
        assertEquals(ConsistencyCheck.CONSISTENT, atCompaction.get("status"), String.valueOf(atCompaction.get("message")));
        assertEquals(current, atCompaction.get("compact-revision"));
        ActionFailedException future = assertThrows(ActionFailedException.class,
                () -> new Compaction(admin).compact(OptionalLong.of(current + 1000), false));
        assertTrue(future.getMessage().contains("is in the future"), future.getMessage());
        ActionFailedException again = assertThrows(ActionFailedException.class,
                () -> new Compaction(admin).compact(OptionalLong.of(current - 1), false));
        assertTrue(again.getMessage().contains("already compacted"), again.getMessage());

        Defragmentation defrag = new Defragmentation(admin, MemberEndpoints.advertised());
        Map<String, Object> local = defrag.defrag("", "etcd-1");
        assertEquals("etcd-1", local.get("defragmented"));
        Map<String, Object> all = Samples.record("defrag", defrag.defrag("all", "etcd-1"));
        String leader = new ClusterHealth(admin, MemberEndpoints.advertised()).check().leader();
        String[] order = String.valueOf(all.get("defragmented")).split(",");
        assertEquals(3, order.length);
        assertEquals(leader, order[2], "the raft leader is defragmented last");
        ActionFailedException unknown = assertThrows(ActionFailedException.class, () -> defrag.defrag("etcd-9", "etcd-1"));
        assertEquals("no member named 'etcd-9'; members: etcd-0, etcd-1, etcd-2 (or 'all')", unknown.getMessage());

        Map<String, Object> alarms = Samples.record("alarm-list-empty", new Alarms(admin).list());
        assertEquals(0, alarms.get("count"));
        assertEquals("none", alarms.get("active"));
        Map<String, Object> disarmed = new Alarms(admin).disarm();
        assertEquals("none", disarmed.get("disarmed"));
        assertEquals("none", disarmed.get("remaining"));
    }

    @Test
    @Order(6)
    void moveLeaderHandsLeadershipToTheNamedMember() {
        LeaderTransfer transfer = new LeaderTransfer(admin, MemberEndpoints.advertised());
        String leader = new ClusterHealth(admin, MemberEndpoints.advertised()).check().leader();
        String follower = members.stream().map(m -> m.name).filter(n -> !n.equals(leader)).findFirst().orElseThrow();

        Map<String, Object> moved = Samples.record("move-leader", transfer.move(follower, leader));
        assertEquals(leader, moved.get("previous-leader"));
        assertEquals(follower, moved.get("leader"));
        assertEquals(true, moved.get("moved"));
        assertEquals("raft leadership moved from " + leader + " to " + follower, moved.get("message"));
        assertEquals(follower, new ClusterHealth(admin, MemberEndpoints.advertised()).check().leader());

        // by unit name, and with no name on the leader's own unit: nothing to move
        Map<String, Object> again = transfer.move(follower.replace('-', '/'), leader);
        assertEquals(false, again.get("moved"));
        assertEquals(follower + " already leads; nothing was moved", again.get("message"));
        assertEquals(false, transfer.move("", follower).get("moved"));

        ActionFailedException unknown = assertThrows(ActionFailedException.class, () -> transfer.move("etcd-9", leader));
        assertEquals("no member named 'etcd-9'; voting members: etcd-0, etcd-1, etcd-2", unknown.getMessage());
        assertEquals(follower, new ClusterHealth(admin, MemberEndpoints.advertised()).check().leader());

        // and back, through the local-member default
        assertEquals(true, transfer.move("", leader).get("moved"));
        assertEquals(leader, new ClusterHealth(admin, MemberEndpoints.advertised()).check().leader());
    }

    @Test
    @Order(7)
    void learnerIsShownAsLearner() throws Exception {
        EtcdProcess learner = new EtcdProcess(dir, "etcd-3", pki);
        AddLearnerResult added = retry(() -> admin.addLearner(learner.peerUrl), Duration.ofSeconds(20));
        try (learner) {
            learner.start(added.initialCluster("etcd-3"), "existing", TOKEN);
            learner.awaitLeader(Duration.ofSeconds(30));
            ClusterHealth.Report report = new ClusterHealth(admin, MemberEndpoints.advertised()).check();
            Samples.record("health-with-learner", report.toResults());
            ClusterHealth.MemberHealth h = report.members().stream().filter(m -> m.key().equals("etcd-3")).findFirst().orElseThrow();
            assertEquals("learner", h.role());
            assertTrue(h.reachable());
            assertEquals(ClusterHealth.HEALTHY, report.status(), report.message());
            assertTrue(report.message().endsWith(", 1 learner catching up"), report.message());
            assertEquals(List.of(3, 2, 1), List.of(report.voters(), report.quorum(), report.failuresTolerated()),
                    "a learner is no voter");
            MemberListing.Entry listed = new MemberListing(admin, MemberEndpoints.advertised()).list().entries().stream()
                    .filter(e -> e.key().equals("etcd-3")).findFirst().orElseThrow();
            assertTrue(listed.member().learner());
            assertFalse(listed.leader());
            ActionFailedException learnerLeads = assertThrows(ActionFailedException.class,
                    () -> new LeaderTransfer(admin, MemberEndpoints.advertised()).move("etcd-3", "etcd-0"));
            assertEquals("member etcd-3 is a learner (still catching up) and cannot lead; voting members: etcd-0, "
                    + "etcd-1, etcd-2", learnerLeads.getMessage());
        } finally {
            admin.remove(added.member().id());
        }
        assertEquals(3, admin.memberList().size());
    }

    @Test
    @Order(8)
    void restoreRebuildsAFreshMemberFromTheSnapshot() throws Exception {
        try (EtcdProcess fresh = new EtcdProcess(dir, "etcd-r", pki)) {
            fresh.start(fresh.selfCluster(), "new", "fresh");
            fresh.awaitLeader(Duration.ofSeconds(20));
            long oldId;
            try (EtcdCluster before = fresh.admin()) {
                before.put("only-in-fresh", "x");
                oldId = before.memberList().get(0).id();
            }

            SnapshotRestore restore = new SnapshotRestore(tool);
            SnapshotRestore.Verified verified = restore.verify(saved.path(), saved.sha256().toUpperCase());
            assertEquals(saved.status(), verified.status());
            long t0 = System.nanoTime();
            SnapshotRestore.Rebuilt rebuilt = restore.rebuild(verified, new ProcessLocalMember(fresh, fresh.selfCluster(), "fresh"),
                    "restored-token", "pre-restore");
            System.out.printf("TIMING restore core (stop, move, restore, start, serve): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            Samples.record("restore", SnapshotRestore.results(verified, rebuilt, "20300102T030405Z-a1b2c3", Optional.of(saved), "etcd/0"));
            EtcdCluster freshAdmin = closeLater(fresh.admin());

            assertEquals(Optional.of("value-42"), freshAdmin.get("snap/42"));
            assertEquals(Optional.empty(), freshAdmin.get("only-in-fresh"));
            assertEquals(freshAdmin.count(""), rebuilt.keys());
            assertTrue(rebuilt.keys() >= 100, "keys " + rebuilt.keys());
            assertEquals(saved.status().revision(), rebuilt.revision());
            List<Member> after = freshAdmin.memberList();
            assertEquals(1, after.size());
            assertEquals("etcd-r", after.get(0).name());
            assertEquals(rebuilt.memberId(), after.get(0).id());
            assertNotEquals(oldId, rebuilt.memberId());
            Path moved = rebuilt.movedAside().orElseThrow();
            assertTrue(Files.isDirectory(moved.resolve("member")), "previous data kept in " + moved);

            restoreRollsBackWhenTheRestoredMemberDoesNotStart(fresh, freshAdmin, restore, verified);
            corruptSnapshotsAreRefusedAndNothingIsTouched(fresh, restore);
        }
    }

    /** A start failure after the data was moved: the previous data is put back and etcd runs on it again. */
    private void restoreRollsBackWhenTheRestoredMemberDoesNotStart(EtcdProcess fresh, EtcdCluster freshAdmin,
            SnapshotRestore restore, SnapshotRestore.Verified verified) throws Exception {
        freshAdmin.put("written-after-restore", "keep me");
        ProcessLocalMember real = new ProcessLocalMember(fresh, fresh.selfCluster(), "restored-token");
        LocalMember failing = new LocalMember() {
            public String name() { return real.name(); }
            public URI peerUrl() { return real.peerUrl(); }
            public URI localClientUrl() { return real.localClientUrl(); }
            public Path dataDir() { return real.dataDir(); }
            public void stop() { real.stop(); }
            public Optional<Path> moveDataAside(String why) { return real.moveDataAside(why); }
            public void startRestored(String token, String initialCluster) {
                throw new IllegalStateException("simulated start failure");
            }
            public void startPrevious() { real.startPrevious(); }
            public EtcdCluster admin() { return real.admin(); }
        };
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> restore.rebuild(verified, failing, "t2", "pre-restore"));
        assertTrue(e.getMessage().contains("simulated start failure"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the previous data was put back and etcd started again"), e.getMessage());
        fresh.awaitLeader(Duration.ofSeconds(20));
        try (EtcdCluster again = fresh.admin()) {
            assertEquals(Optional.of("keep me"), again.get("written-after-restore"));
            assertEquals(Optional.of("value-42"), again.get("snap/42"));
        }
    }

    private void corruptSnapshotsAreRefusedAndNothingIsTouched(EtcdProcess fresh, SnapshotRestore restore)
            throws Exception {
        Object inode = Files.getAttribute(fresh.dataDir, "unix:ino");
        List<Path> siblingsBefore = siblings(fresh.dataDir);
        Path garbage = dir.resolve("garbage.db");
        Files.write(garbage, "this is not a bolt database".repeat(1000).getBytes());
        Path truncated = dir.resolve("truncated.db");
        byte[] good = Files.readAllBytes(saved.path());
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length / 2));
        Path empty = Files.createFile(dir.resolve("empty.db"));
        Map<Path, String> cases = Map.of(
                garbage, "is not a valid etcd snapshot",
                truncated, "is not a valid etcd snapshot",
                empty, "is empty",
                dir.resolve("missing.db"), "does not exist",
                dir, "is not a regular file");
        for (Map.Entry<Path, String> c : cases.entrySet()) {
            ActionFailedException e = assertThrows(ActionFailedException.class, () -> restore.verify(c.getKey(), ""));
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(c.getKey().toString()), e.getMessage());
            System.out.println("refused: " + e.getMessage());
        }
        ActionFailedException mismatch = assertThrows(ActionFailedException.class,
                () -> restore.verify(saved.path(), "0".repeat(64)));
        assertTrue(mismatch.getMessage().contains("has sha256 " + saved.sha256() + ", expected " + "0".repeat(64)),
                mismatch.getMessage());
        assertTrue(fresh.isAlive(), "etcd keeps running");
        assertEquals(inode, Files.getAttribute(fresh.dataDir, "unix:ino"), "data dir not moved");
        assertEquals(siblingsBefore, siblings(fresh.dataDir));
        try (EtcdCluster again = fresh.admin()) {
            assertEquals(Optional.of("keep me"), again.get("written-after-restore"));
        }
    }

    private static List<Path> siblings(Path dataDir) throws IOException {
        try (Stream<Path> s = Files.list(dataDir.getParent())) {
            return s.sorted().toList();
        }
    }

    @Test
    @Order(9)
    void healthStillAnswersWhileMembersAreDown() throws Exception {
        EtcdProcess down = members.get(2);
        down.kill();
        ClusterHealth.Report degraded = new ClusterHealth(admin, MemberEndpoints.advertised()).check();
        Samples.record("health-degraded", degraded.toResults());
        assertEquals(ClusterHealth.DEGRADED, degraded.status(), degraded.message());
        assertTrue(degraded.message().startsWith("1 of 3 members unreachable (etcd-2)"), degraded.message());
        ClusterHealth.MemberHealth h = degraded.members().stream().filter(m -> m.key().equals("etcd-2")).findFirst().orElseThrow();
        assertFalse(h.reachable());
        assertTrue(h.error().startsWith("unreachable: "), h.error());
        assertEquals(List.of(3, 2, 0), List.of(degraded.voters(), degraded.quorum(), degraded.failuresTolerated()),
                "one of three down: the next failure loses quorum");
        Map<String, Object> partial = new ConsistencyCheck(admin, MemberEndpoints.advertised()).check();
        assertEquals(ConsistencyCheck.INCOMPLETE, partial.get("status"), String.valueOf(partial.get("message")));
        assertTrue(String.valueOf(partial.get("message")).startsWith("2 of 3 members agree at revision "), String.valueOf(partial.get("message")));
        assertTrue(String.valueOf(partial.get("message")).endsWith("; not compared: etcd-2"), String.valueOf(partial.get("message")));

        ActionFailedException defrag = assertThrows(ActionFailedException.class,
                () -> new Defragmentation(admin, MemberEndpoints.advertised()).defrag("all", "etcd-0"));
        assertTrue(defrag.getMessage().startsWith("member etcd-2 is unreachable"), defrag.getMessage());
        assertTrue(defrag.getMessage().endsWith("nothing was defragmented"), defrag.getMessage());

        members.get(1).kill();
        ClusterHealth.Report unhealthy = retry(() -> {
            ClusterHealth.Report r = new ClusterHealth(admin, MemberEndpoints.advertised()).check();
            if (!r.status().equals(ClusterHealth.UNHEALTHY)) {
                throw new EtcdAdminException("still " + r.status(), true, null);
            }
            return r;
        }, Duration.ofSeconds(15));
        Samples.record("health-unhealthy", unhealthy.toResults());
        assertTrue(unhealthy.message().startsWith("no raft leader") || unhealthy.message().startsWith("no quorum"),
                unhealthy.message());

        members.get(0).kill();
        long t0 = System.nanoTime();
        ActionFailedException none = assertThrows(ActionFailedException.class,
                () -> new ClusterHealth(admin, MemberEndpoints.advertised()).check());
        System.out.printf("TIMING health with every member down: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertTrue(none.getMessage().startsWith("no etcd member answers (3 endpoints tried)"), none.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }

    private static <T> T retry(java.util.function.Supplier<T> op, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return op.get();
            } catch (EtcdAdminException e) {
                if (!e.retryable() || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(300);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
