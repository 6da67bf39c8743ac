package dev.charms.etcd.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.charms.runner.controller.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

/**
 * Observability end to end (docs/observability.md), on one 3-unit cluster through the runner with real
 * etcd: a test requirer of {@code cos-agent} (cluster-tests/src/test/resources/charms/cos-agent-client)
 * records what each unit publishes, which is decoded (JSON, base64, xz) and checked against the
 * interface's schema; a real Prometheus (Debian's package, its own config, port and data under
 * cluster-tests/target) scrapes exactly the jobs the units published and loads the charm's rule file;
 * real series are checked (leader, members, database size); then one member's etcd and a second one are
 * stopped, and the members-down, insufficient-members and no-leader rules must become active on the real
 * data (pending: their {@code for} durations are minutes).
 */
class ObservabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path RULES = Path.of("cos/prometheus_alert_rules/etcd.rules.yaml").toAbsolutePath();
    private static final Path DASHBOARD = Path.of("cos/grafana_dashboards/etcd.json");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void cosAgentDataPrometheusSeriesAndAlertsOnARealCluster() throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/prometheus")),
                "Debian's prometheus package is missing (scripts/prerequisites.sh installs it)");
        try (LocalCluster c = new LocalCluster("obs")) {
            // update-status out of the way, so that no hook starts a member the test stops.
            c.controller().setModelConfig(Map.of("update-status-hook-interval", "1h"));
            c.deploy(3, Map.of());
            deployCosAgentClient(c);
            c.settle();
            List<String> units = c.units().stream().filter(u -> u.startsWith("etcd/")).toList();
            assertEquals(3, units.size());

            // What each unit published, decoded as the cos_agent requirer decodes it.
            Set<String> targets = new TreeSet<>();
            String jobName = null;
            for (String unit : units) {
                JsonNode config = publishedConfig(c, unit);
                assertEquals(Set.of("metrics_alert_rules", "log_alert_rules", "dashboards", "subordinate",
                        "metrics_scrape_jobs", "log_slots", "tracing_protocols"), fieldNames(config), unit);
                assertTrue(config.get("log_slots").isArray() && config.get("log_slots").isEmpty());
                assertTrue(config.get("log_alert_rules").isObject());
                JsonNode groups = config.get("metrics_alert_rules").get("groups");
                assertEquals("obs_" + uuidPrefix(config) + "_etcd_etcd_alerts", groups.get(0).get("name").asText());
                assertEquals(1, config.get("dashboards").size());
                byte[] dashboard = unxz(Base64.getDecoder().decode(config.get("dashboards").get(0).asText()));
                assertArrayEquals(Files.readAllBytes(DASHBOARD), dashboard, unit + ": the dashboard, decoded");
                assertEquals(36, JSON.readTree(dashboard).get("schemaVersion").asInt());
                JsonNode jobs = config.get("metrics_scrape_jobs");
                assertEquals(1, jobs.size(), unit + ": " + jobs);
                JsonNode job = jobs.get(0);
                assertEquals("/metrics", job.get("metrics_path").asText());
                jobName = job.get("job_name").asText();
                assertEquals("etcd_0_etcd", jobName);
                String target = job.get("static_configs").get(0).get("targets").get(0).asText();
                assertEquals(c.address(unit) + ":2381", target, unit + " scrapes its own address");
                targets.add(target);
            }

            // etcd serves /metrics and /health without TLS there; the client port still wants a certificate.
            for (String target : targets) {
                HttpResponse<String> health = get(URI.create("http://" + target + "/health"));
                assertEquals(200, health.statusCode(), target + " /health: " + health.body());
                assertTrue(health.body().contains("\"health\":\"true\""), health.body());
            }
            assertFalse(c.etcdctlRaw(false, "get", "foo").code() == 0, "the client port refuses a client without a certificate");

            Path dir = Files.createDirectories(Path.of("cluster-tests/target/obs-prometheus").toAbsolutePath());
            int port = freePort();
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: ["%s"]
                    scrape_configs:
                      - job_name: %s
                        metrics_path: /metrics
                        static_configs:
                          - targets: [%s]
                    """.formatted(RULES, jobName, String.join(", ", targets.stream().map(t -> "\"" + t + "\"").toList())));
            Path data = dir.resolve("data");
            LocalCluster.run(List.of("rm", "-rf", data.toString()));
            Process prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/";
                c.await("Prometheus is ready (log: " + dir.resolve("prometheus.log") + ")", WAIT, () -> {
                    assertTrue(prometheus.isAlive(), "Prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
                    try {
                        return get(URI.create("http://127.0.0.1:" + port + "/-/ready")).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
                c.await("Prometheus scrapes the three members", WAIT, () -> value(api, "sum(up{job=\"" + "etcd_0_etcd" + "\"})") == 3);
                c.await("every member reports a leader", WAIT, () -> value(api, "sum(etcd_server_has_leader)") == 3);
                assertEquals(1, value(api, "sum(etcd_server_is_leader)"), "exactly one leader");
                assertEquals(3, value(api, "count(etcd_server_has_leader)"), "three members");
                assertTrue(value(api, "min(etcd_mvcc_db_total_size_in_bytes)") > 0, "database size");
                assertTrue(value(api, "min(etcd_server_quota_backend_bytes)") > 0, "quota");
                c.await("the charm's rules are loaded", WAIT, () -> !ruleStates(api).isEmpty());
                assertEquals(Set.of(), activeAlerts(api), "a healthy cluster fires nothing");

                String first = units.get(0);
                String second = units.get(1);
                stopEtcd(c, first);
                c.await("members-down is active on the real data", WAIT, () -> activeAlerts(api).contains("etcdMembersDown"));
                assertFalse(activeAlerts(api).contains("etcdInsufficientMembers"), "two of three keep quorum");
                stopEtcd(c, second);
                c.await("insufficient-members and no-leader are active", WAIT, () -> activeAlerts(api)
                        .containsAll(Set.of("etcdMembersDown", "etcdInsufficientMembers", "etcdNoLeader")));
                assertEquals(1, value(api, "sum without (instance) (up{job=\"etcd_0_etcd\"} == bool 1)"));

                for (String unit : List.of(first, second)) {
                    ExecResult r = c.controller().exec(unit, "systemctl start etcd", Duration.ofSeconds(60));
                    assertEquals(0, r.exitCode(), r.stderr());
                }
                c.await("the members are back with a leader", WAIT, () -> value(api, "sum(etcd_server_has_leader)") == 3);
            } finally {
                prometheus.destroy();
                prometheus.waitFor();
            }
            c.settle();
            c.assertMembershipMatchesUnits();
        }
    }

    private static void deployCosAgentClient(LocalCluster c) throws IOException {
        Path charm = c.work().resolve("cos-agent-client");
        Path src = Path.of("cluster-tests/src/test/resources/charms/cos-agent-client");
        Files.createDirectories(charm);
        for (String f : List.of("metadata.yaml", "dispatch")) {
            Files.copy(src.resolve(f), charm.resolve(f));
        }
        assertTrue(charm.resolve("dispatch").toFile().setExecutable(true, false));
        c.controller().deploy(charm, "cos-agent-client", 1, Map.of(), Map.of());
        c.controller().integrate("etcd:cos-agent", "cos-agent-client:cos-agent");
    }

    private static JsonNode publishedConfig(LocalCluster c, String unit) throws Exception {
        String client = c.unitsOf("cos-agent-client").get(0);
        Path file = c.controller().hostPath(client, "/var/lib/cos-agent-client/" + unit.replace('/', '-') + ".json");
        c.await("cos-agent-client recorded " + unit + "'s config", WAIT,
                () -> Files.exists(file) && JSON.readTree(Files.readString(file)).hasNonNull("config"));
        return JSON.readTree(JSON.readTree(Files.readString(file)).get("config").asText());
    }

    private static String uuidPrefix(JsonNode config) {
        String uuid = config.get("metrics_alert_rules").get("groups").get(0).get("rules").get(0).get("labels")
                .get("juju_model_uuid").asText();
        return uuid.substring(0, 8);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static byte[] unxz(byte[] xz) throws IOException {
        assertArrayEquals(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, java.util.Arrays.copyOf(xz, 6), "the xz magic");
        try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
            return in.readAllBytes();
        }
    }

    private static void stopEtcd(LocalCluster c, String unit) throws Exception {
        ExecResult r = c.controller().exec(unit, "systemctl stop etcd", Duration.ofSeconds(60));
        assertEquals(0, r.exitCode(), unit + ": " + r.stderr());
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An instant query's single value; NaN when it has no result. */
    private double value(String api, String query) throws IOException, InterruptedException {
        HttpResponse<String> r = get(URI.create(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
        assertEquals(200, r.statusCode(), query + ": " + r.body());
        JsonNode result = JSON.readTree(r.body()).get("data").get("result");
        return result.isEmpty() ? Double.NaN : result.get(0).get("value").get(1).asDouble();
    }

    /** Each alerting rule's state ({@code inactive}, {@code pending}, {@code firing}) by name. */
    private Map<String, String> ruleStates(String api) throws IOException, InterruptedException {
        HttpResponse<String> r = get(URI.create(api + "rules?type=alert"));
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode group : JSON.readTree(r.body()).get("data").get("groups")) {
            for (Iterator<JsonNode> it = group.get("rules").elements(); it.hasNext(); ) {
                JsonNode rule = it.next();
                String state = rule.get("state").asText();
                out.merge(rule.get("name").asText(), state, (a, b) -> a.equals("inactive") ? b : a);
            }
        }
        return out;
    }

    /** The alerts whose expression holds now (pending or firing). */
    private Set<String> activeAlerts(String api) throws IOException, InterruptedException {
        Set<String> out = new TreeSet<>();
        ruleStates(api).forEach((name, state) -> {
            if (!state.equals("inactive")) {
                out.add(name);
            }
        });
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
