package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.runner.controller.Controller;
import dev.charms.runner.controller.ExecResult;
import dev.charms.runner.controller.ModelPaths;
import dev.charms.runner.controller.StatusSnapshot;
import dev.charms.runner.model.ActionTask;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real etcd charm deployment for integration tests: the charm built by {@code mvn package}, deployed
 * through the local runner's in-process controller into its own model and state dir, torn down (every
 * process, namespace, mount and file) in {@link #close()} even after a failure. etcdctl runs on the host
 * against the units' addresses with a unit's own client identity (its certificate has clientAuth).
 */
public final class LocalCluster implements AutoCloseable {
    public static final Path CHARM = Path.of("target", "etcd.charm").toAbsolutePath();
    static final Duration SETTLE = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelPaths paths;
    private final Controller controller;
    private final Path work;

    public LocalCluster(String model) throws IOException {
        Path home = Files.createTempDirectory("local-juju-it-");
        this.work = Files.createTempDirectory("etcd-it-");
        this.paths = new ModelPaths(home, model);
        this.controller = Controller.start(paths);
        controller.setModelConfig(Map.of("update-status-hook-interval", "20s", "retry-hook-base-delay", "2s"));
    }

    public Controller controller() {
        return controller;
    }

    public void deploy(int units, Map<String, String> config) throws IOException {
        controller.deploy(CHARM, "etcd", units, config, Map.of());
    }

    /** Deploys with storage directives ({@code data=1G}: a 1 GiB file system at /var/lib/etcd on each unit). */
    public void deploy(int units, Map<String, String> config, Map<String, String> storage) throws IOException {
        controller.deploy(CHARM, "etcd", units, config, Map.of(), storage);
    }

    public void settle() throws InterruptedException {
        controller.waitIdle(SETTLE);
    }

    /** Waits until every unit's agent is idle with nothing queued, whatever the workload status. */
    public void idle() throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        int stable = 0;
        while (stable < 3) {
            boolean quiet = status().units().stream().allMatch(u -> u.agent().equals("idle") && u.queued().isEmpty());
            stable = quiet ? stable + 1 : 0;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("units did not go idle: " + status().units());
            }
            Thread.sleep(300);
        }
    }

    public StatusSnapshot status() {
        return controller.status();
    }

    public List<String> units() {
        return unitsOf("etcd");
    }

    public String leaderUnit() {
        return leaderUnitOf("etcd");
    }

    public String address(String unit) {
        return status().units().stream().filter(u -> u.name().equals(unit)).findFirst().orElseThrow().address();
    }

    public StatusSnapshot.UnitRow unit(String unit) {
        return status().units().stream().filter(u -> u.name().equals(unit)).findFirst().orElseThrow();
    }

    /**
     * Copies a unit of {@code app}'s client identity out of its machine (once) for etcdctl on the host;
     * synchronized, since a writer thread and the test may ask for it first at the same time.
     */
    private synchronized Path credentials(String app) throws IOException {
        Path dir = work.resolve("creds-" + app);
        if (!Files.exists(dir.resolve("client.key"))) {
            Files.createDirectories(dir);
            String unit = unitsOf(app).get(0);
            for (String f : List.of("ca.crt", "client.crt", "client.key")) {
                Files.copy(controller.hostPath(unit, "/etc/etcd/pki/" + f), dir.resolve(f),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /**
     * Copies a unit of {@code app}'s client identity again (after the cluster's CAs changed), each file
     * replaced atomically so that an etcdctl started meanwhile reads either the old or the new file.
     */
    public void refreshCredentials(String app) throws IOException {
        Path dir = credentials(app);
        String unit = unitsOf(app).get(0);
        for (String f : List.of("ca.crt", "client.crt", "client.key")) {
            Path tmp = dir.resolve(f + ".new");
            Files.copy(controller.hostPath(unit, "/etc/etcd/pki/" + f), tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** The subject common names of the certificates in PEM file {@code path} on {@code unit}'s machine. */
    public List<String> certificateNames(String unit, String path, boolean issuer) throws IOException {
        List<String> out = new ArrayList<>();
        try (var in = Files.newInputStream(controller.hostPath(unit, path))) {
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                var x = (java.security.cert.X509Certificate) c;
                out.add((issuer ? x.getIssuerX500Principal() : x.getSubjectX500Principal()).getName());
            }
        } catch (java.security.cert.CertificateException e) {
            throw new IOException(path + " on " + unit + " holds no certificates: " + e.getMessage(), e);
        }
        return out;
    }

    public String endpoints() {
        return endpointsOf("etcd");
    }

    /** Runs etcdctl (v3) on the host against every unit with client TLS; fails the test on a non-zero exit. */
    public String etcdctl(String... args) throws IOException, InterruptedException {
        Result r = etcdctlRaw(true, args);
        assertEquals(0, r.code, "etcdctl " + String.join(" ", args) + " failed: " + r.output);
        return r.output;
    }

    /** Units of application {@code app}, in the runner's order. */
    public List<String> unitsOf(String app) {
        return status().units().stream().filter(u -> u.name().startsWith(app + "/")).map(StatusSnapshot.UnitRow::name).toList();
    }

    /** The Juju leader of application {@code app}. */
    public String leaderUnitOf(String app) {
        return status().units().stream().filter(u -> u.leader() && u.name().startsWith(app + "/")).findFirst()
                .orElseThrow().name();
    }

    /** The client port application {@code app} is configured with. */
    private String clientPort(String app) {
        return String.valueOf(controller.config(app).get("port"));
    }

    /** Client URLs of every unit of application {@code app}. */
    public String endpointsOf(String app) {
        return unitsOf(app).stream().map(u -> "https://" + address(u) + ":" + clientPort(app)).collect(Collectors.joining(","));
    }

    /** As {@link #etcdctl(String...)} against application {@code app} with one of its units' identity. */
    public String etcdctlOf(String app, String... args) throws IOException, InterruptedException {
        Result r = etcdctlRawOf(app, true, args);
        assertEquals(0, r.code, "etcdctl " + String.join(" ", args) + " on " + app + " failed: " + r.output);
        return r.output;
    }

    /** As {@link #etcdctlRaw(boolean, String...)} against application {@code app}. */
    public Result etcdctlRawOf(String app, boolean withClientCert, String... args) throws IOException, InterruptedException {
        return runEtcdctl(app, endpointsOf(app), withClientCert, args);
    }

    /** etcdctl with client TLS against only {@code units} of application {@code app} (e.g. not a partitioned one). */
    public Result etcdctlRawAt(String app, List<String> units, String... args) throws IOException, InterruptedException {
        String endpoints = units.stream().map(u -> "https://" + address(u) + ":" + clientPort(app)).collect(Collectors.joining(","));
        return runEtcdctl(app, endpoints, true, args);
    }

    private Result runEtcdctl(String app, String endpoints, boolean withClientCert, String... args)
            throws IOException, InterruptedException {
        Path creds = credentials(app);
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoints, "--command-timeout=10s",
                "--dial-timeout=5s", "--cacert", creds.resolve("ca.crt").toString()));
        if (withClientCert) {
            cmd.addAll(List.of("--cert", creds.resolve("client.crt").toString(), "--key", creds.resolve("client.key").toString()));
        }
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** etcdctl with client TLS against every unit, its standard input read from {@code input} (a value too large for an argument). */
    public Result etcdctlRawWithInput(Path input, String... args) throws IOException, InterruptedException {
        Path creds = credentials("etcd");
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoints(), "--command-timeout=10s",
                "--dial-timeout=5s", "--cacert", creds.resolve("ca.crt").toString(),
                "--cert", creds.resolve("client.crt").toString(), "--key", creds.resolve("client.key").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, input);
    }

    /** Result of one command. */
    public record Result(int code, String output) {
    }

    public Result etcdctlRaw(boolean withClientCert, String... args) throws IOException, InterruptedException {
        return etcdctlRawOf("etcd", withClientCert, args);
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, null);
    }

    /** Runs {@code cmd} (etcdctl's API 3) with standard input from {@code input} when given; output and error merged. */
    static Result run(List<String> cmd, Path input) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (input != null) {
            pb.redirectInput(input.toFile());
        }
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(124, "timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A member as etcd lists it. */
    public record Member(String id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    }

    public List<Member> members() throws IOException, InterruptedException {
        return membersOf("etcd");
    }

    /** The members of application {@code app}'s cluster as etcd lists them. */
    public List<Member> membersOf(String app) throws IOException, InterruptedException {
        JsonNode root = JSON.readTree(etcdctlOf(app, "member", "list", "-w", "json"));
        List<Member> out = new ArrayList<>();
        for (JsonNode m : root.path("members")) {
            List<String> peers = new ArrayList<>();
            m.path("peerURLs").forEach(n -> peers.add(n.asText()));
            List<String> clients = new ArrayList<>();
            m.path("clientURLs").forEach(n -> clients.add(n.asText()));
            out.add(new Member(Long.toHexString(m.path("ID").asLong()), m.path("name").asText(), peers, clients,
                    m.path("isLearner").asBoolean(false)));
        }
        return out;
    }

    /**
     * The cluster is exactly the units: one started voting member per unit (named after it, with its
     * address), no learner, no stale or unstarted member; every unit active; a client without a
     * certificate is refused.
     */
    public void assertMembershipMatchesUnits() throws IOException, InterruptedException {
        assertMembership("etcd", true);
    }

    /**
     * {@link #assertMembershipMatchesUnits()} once it holds, within {@code timeout}: a status set by a hook
     * that ran while a member was briefly down is corrected by the next update-status (20 s in the ITs).
     */
    public void awaitMembershipMatchesUnits(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertMembershipMatchesUnits();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    /**
     * The units deployed together formed the cluster at once: the leader published one initial cluster of
     * all of them (debug-log), no learner was ever added, and each member's rendered configuration names
     * every unit's peer URL in {@code initial-cluster} with {@code initial-cluster-state: new}.
     */
    public void assertFormedStatically() throws IOException {
        List<String> units = units().stream()
                .sorted(java.util.Comparator.comparingInt((String u) -> Integer.parseInt(u.substring(u.indexOf('/') + 1))))
                .toList();
        List<String> log = Files.readAllLines(controller.debugLogFile());
        String with = " with " + String.join(", ", units) + " (member ";
        assertEquals(1, log.stream().filter(l -> l.contains("bootstrapped the etcd cluster on ") && l.contains(with)).count(),
                "one initial cluster of " + units);
        assertEquals(List.of(), log.stream().filter(l -> l.contains(" as a learner")).toList(), "learner admissions");
        String initial = units.stream().map(u -> u.replace('/', '-') + "=https://" + address(u) + ":2380")
                .collect(Collectors.joining(","));
        for (String unit : units) {
            String conf = Files.readString(controller.hostPath(unit, "/etc/etcd/etcd.conf.yml"));
            assertTrue(conf.contains("initial-cluster-state: \"new\"") && conf.contains("initial-cluster: \"" + initial + "\""),
                    unit + " config:\n" + conf);
        }
    }

    /** As {@link #assertMembershipMatchesUnits()} without checking the units' workload status. */
    public void assertMembershipMatchesUnitsIgnoringStatus() throws IOException, InterruptedException {
        assertMembership("etcd", false);
    }

    /** As {@link #assertMembershipMatchesUnits()} for application {@code app}. */
    public void assertMembershipMatchesUnitsOf(String app) throws IOException, InterruptedException {
        assertMembership(app, true);
    }


    private void assertMembership(String app, boolean statusToo) throws IOException, InterruptedException {
        List<String> units = unitsOf(app);
        List<Member> members = membersOf(app);
        Map<String, Member> byName = new HashMap<>();
        members.forEach(m -> byName.put(m.name(), m));
        assertEquals(units.size(), members.size(), "members " + members + " vs units " + units);
        for (String u : units) {
            Member m = byName.get(u.replace('/', '-'));
            assertTrue(m != null, "no member for " + u + " in " + members);
            assertTrue(!m.learner(), u + " is still a learner");
            assertEquals(List.of("https://" + address(u) + ":" + controller.config("etcd").get("management_port")),
                    m.peerUrls());
            if (!statusToo) {
                continue;
            }
            StatusSnapshot.UnitRow row = unit(u);
            assertEquals("active", row.workload(), u + ": " + row.workloadMessage());
            assertTrue(row.workloadMessage().contains("cluster is healthy, " + units.size() + " member"),
                    u + ": " + row.workloadMessage());
        }
        Result noCert = etcdctlRawOf(app, false, "get", "x");
        assertTrue(noCert.code != 0, "a client without a certificate was served: " + noCert.output);
    }

    /** The unit whose etcd member is the raft leader now. */
    public String raftLeaderUnit() throws IOException, InterruptedException {
        JsonNode statuses = JSON.readTree(etcdctl("endpoint", "status", "-w", "json"));
        String leaderId = null;
        for (JsonNode s : statuses) {
            leaderId = Long.toHexString(s.path("Status").path("leader").asLong());
        }
        for (Member m : members()) {
            if (m.id().equals(leaderId)) {
                return m.name().replaceFirst("-(\\d+)$", "/$1");
            }
        }
        throw new AssertionError("no raft leader among " + members());
    }

    public void put(String key, String value) throws IOException, InterruptedException {
        etcdctl("put", key, value);
    }

    public String get(String key) throws IOException, InterruptedException {
        String out = etcdctl("get", key, "--print-value-only").strip();
        return out;
    }

    public ActionTask run(String target, String action, Map<String, Object> params) throws Exception {
        ActionTask task = controller.runAction(target, action, params);
        return controller.awaitTask(task.id(), Duration.ofMinutes(3));
    }

    /** Runs an action and fails the test unless it completed. */
    public ActionTask runOk(String target, String action, Map<String, Object> params) throws Exception {
        ActionTask task = run(target, action, params);
        assertEquals(ActionTask.State.COMPLETED, task.state(), action + " on " + target + ": " + task.message()
                + " " + task.results());
        return task;
    }

    /** An action result by its dotted key ({@code snapshot.path}), or null when it is not set. */
    public static String result(ActionTask task, String dottedKey) {
        Object node = task.results();
        for (String part : dottedKey.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node == null ? null : node.toString();
    }

    /**
     * The credentials a {@code generate-client-certificates} task handed out, as the map
     * {@link #etcdctlWith} takes (the {@code db} relation's keys), pointed at every unit's endpoint.
     */
    public Map<String, String> clientCredentials(ActionTask cert) {
        Map<String, String> client = new HashMap<>();
        client.put("client_ca", result(cert, "ca"));
        client.put("client_cert", result(cert, "client-cert"));
        client.put("client_key", result(cert, "client-key"));
        client.put("connection_string", endpoints());
        return client;
    }

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} every 500 ms until it holds; fails naming {@code what} after {@code timeout}. */
    public void await(String what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what
                        + "; units: " + status().units());
            }
            Thread.sleep(500);
        }
    }

    /** What the db-client test charm recorded (a JSON map of the etcd side's data). */
    public Map<String, String> dbClientData(String file) throws IOException {
        String unit = status().units().stream().filter(u -> u.name().startsWith("db-client/")).findFirst().orElseThrow().name();
        JsonNode node = JSON.readTree(Files.readString(controller.hostPath(unit, "/var/lib/db-client/" + file)));
        Map<String, String> out = new HashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** etcdctl with the credentials a db consumer received, against its connection_string. */
    public Result etcdctlWith(Map<String, String> db, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(work, "db-");
        Files.writeString(dir.resolve("ca.pem"), db.get("client_ca"));
        Files.writeString(dir.resolve("cert.pem"), db.get("client_cert"));
        Files.writeString(dir.resolve("key.pem"), db.get("client_key"));
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", db.get("connection_string"),
                "--command-timeout=10s", "--cacert", dir.resolve("ca.pem").toString(), "--cert",
                dir.resolve("cert.pem").toString(), "--key", dir.resolve("key.pem").toString()));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    public Path work() {
        return work;
    }

    /**
     * The release tarball of real etcd {@code version} (3.5.16 or 3.5.30), made and cached by
     * scripts/etcd-releases.sh (which scripts/prerequisites.sh runs); fails the test when it cannot be had.
     */
    public static Path etcdRelease(String version) throws IOException, InterruptedException {
        Result r = run(List.of("bash", "scripts/etcd-releases.sh", version));
        assertEquals(0, r.code(), "scripts/etcd-releases.sh " + version + " failed: " + r.output());
        List<String> lines = r.output().strip().lines().toList();
        Path tarball = Path.of(lines.get(lines.size() - 1));
        assertTrue(Files.isRegularFile(tarball), "no tarball at " + tarball + ": " + r.output());
        return tarball;
    }

    /**
     * A stand-in release tarball of etcd {@code version} (etcd 3.6 cannot be had here): upstream's layout,
     * whose {@code etcd}, {@code etcdctl} and {@code etcdutl} only print that version. The charm refuses it
     * before anything runs it.
     */
    public Path standInRelease(String version) throws IOException, InterruptedException {
        String top = "etcd-v" + version + "-linux-amd64";
        Path bin = Files.createDirectories(work.resolve("stand-in").resolve(top));
        for (String b : List.of("etcd", "etcdctl", "etcdutl")) {
            Files.writeString(bin.resolve(b), "#!/bin/sh\necho 'etcd Version: " + version + "'\n");
            assertTrue(bin.resolve(b).toFile().setExecutable(true));
        }
        Path tarball = work.resolve(top + ".tar.gz");
        Result tar = run(List.of("tar", "-C", bin.getParent().toString(), "-czf", tarball.toString(), top));
        assertEquals(0, tar.code(), tar.output());
        return tarball;
    }

    /** Each unit's etcd service main process id (a restart changes it); fails when etcd is not running. */
    public Map<String, String> etcdPids() throws IOException, InterruptedException {
        Map<String, String> out = new HashMap<>();
        for (String unit : units()) {
            ExecResult r = controller.exec(unit, "systemctl show -p MainPID --value etcd", Duration.ofSeconds(20));
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(!r.stdout().strip().equals("0"), unit + ": etcd is not running");
            out.put(unit, r.stdout().strip());
        }
        return out;
    }

    /** Each unit's etcd server version, from {@code etcdctl endpoint status}. */
    public Map<String, String> serverVersions() throws IOException, InterruptedException {
        Map<String, String> byEndpoint = new HashMap<>();
        for (JsonNode s : JSON.readTree(etcdctl("endpoint", "status", "-w", "json"))) {
            byEndpoint.put(s.path("Endpoint").asText(), s.path("Status").path("version").asText());
        }
        Map<String, String> out = new HashMap<>();
        for (String u : units()) {
            out.put(u, byEndpoint.get("https://" + address(u) + ":" + clientPort("etcd")));
        }
        return out;
    }

    /** Every unit's member runs etcd {@code version}, and the application's workload version says so. */
    public void assertEveryMemberRuns(String version) throws IOException, InterruptedException {
        for (Map.Entry<String, String> e : serverVersions().entrySet()) {
            assertEquals(version, e.getValue(), e.getKey());
        }
        assertEquals(version, status().applications().stream().filter(a -> a.name().equals("etcd")).findFirst()
                .orElseThrow().version());
    }

    /** The cluster version ({@code etcdcluster} of {@code /version}) as {@code unit}'s member reports it. */
    public String clusterVersion(String unit) throws IOException, InterruptedException {
        Path creds = credentials("etcd");
        Result r = run(List.of("curl", "-sS", "--max-time", "10", "--cacert", creds.resolve("ca.crt").toString(),
                "--cert", creds.resolve("client.crt").toString(), "--key", creds.resolve("client.key").toString(),
                "https://" + address(unit) + ":" + clientPort("etcd") + "/version"));
        assertEquals(0, r.code(), "GET /version on " + unit + ": " + r.output());
        return JSON.readTree(r.output()).path("etcdcluster").asText();
    }

    /** Deploys the db-client test charm (cluster-tests/src/test/resources/charms/db-client) and relates it on db. */
    public void deployDbClient() throws IOException {
        Path charm = work.resolve("db-client");
        Path src = Path.of("cluster-tests/src/test/resources/charms/db-client");
        Files.createDirectories(charm);
        for (String f : List.of("metadata.yaml", "dispatch")) {
            Files.copy(src.resolve(f), charm.resolve(f));
        }
        charm.resolve("dispatch").toFile().setExecutable(true, false);
        controller.deploy(charm, "db-client", 1, Map.of(), Map.of());
        controller.integrate("etcd:db", "db-client:db");
    }

    @Override
    public void close() {
        keepLogs();
        try {
            controller.destroy();
        } finally {
            Controller.cleanup(paths);
            deleteTree(work);
            deleteTree(paths.home());
        }
    }

    /**
     * Copies the debug log and every machine's journal to target/it-logs/&lt;model&gt;/ before the model
     * goes, so that a failure on CI can be read afterwards.
     */
    private void keepLogs() {
        Path out = Path.of("target", "it-logs", paths.model()).toAbsolutePath();
        try {
            Files.createDirectories(out);
            if (Files.exists(paths.debugLog())) {
                Files.copy(paths.debugLog(), out.resolve("debug.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.exists(paths.machines())) {
                try (var walk = Files.walk(paths.machines(), 4)) {
                    for (Path f : (Iterable<Path>) walk.filter(f -> f.getFileName().toString().endsWith(".journal"))::iterator) {
                        String name = paths.machines().relativize(f).toString().replace('/', '_');
                        Files.copy(f, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            System.err.println("could not keep the logs of model " + paths.model() + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp dir left behind is not a test failure
        }
    }
}
