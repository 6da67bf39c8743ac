package dev.charms.etcd.cos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.charms.ops.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The charm's alert rules and dashboard through Prometheus's own {@code promtool} (Debian's
 * {@code prometheus} package, installed by scripts/prerequisites.sh): the rules load, the important alerts
 * fire on input series and stay quiet before ({@code promtool test rules}), and every dashboard expression
 * is valid PromQL. Skipped only outside CI when promtool is missing; in CI ({@code CI=true}) that fails.
 */
class PromRulesTest {
    static final Path RULES = Path.of("cos/prometheus_alert_rules/etcd.rules.yaml");
    static final Path DASHBOARD = Path.of("cos/grafana_dashboards/etcd.json");
    static final Path RULE_TESTS = Path.of("charm/src/test/resources/promtool/etcd-alerts.test.yaml");

    @BeforeAll
    static void promtoolPresent() {
        boolean present = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("promtool is missing: install Debian's prometheus package (scripts/prerequisites.sh)");
        }
        Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus)");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("promtool"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void theShippedRulesLoad() throws Exception {
        String out = promtool("check", "rules", RULES.toString());
        assertTrue(out.contains("SUCCESS: 15 rules found"), out);
    }

    @Test
    void noLeaderMembersDownInsufficientMembersAndQuotaFireOnTheirInputSeries() throws Exception {
        String out = promtool("test", "rules", RULE_TESTS.toString());
        assertTrue(out.contains("SUCCESS"), out);
    }

    @Test
    void everyRuleTheIssueAsksForIsThere() throws IOException {
        String rules = Files.readString(RULES);
        for (String alert : List.of("etcdMembersDown", "etcdInsufficientMembers", "etcdNoLeader", "etcdHighNumberOfLeaderChanges",
                "etcdHighNumberOfFailedGRPCRequests", "etcdGRPCRequestsSlow", "etcdMemberCommunicationSlow",
                "etcdHighNumberOfFailedProposals", "etcdHighFsyncDurations", "etcdHighCommitDurations",
                "etcdDatabaseQuotaLowSpace", "etcdExcessiveDatabaseGrowth", "etcdDatabaseHighFragmentationRatio")) {
            assertTrue(rules.contains("- alert: " + alert + "\n"), alert);
            assertTrue(rules.contains("# Source: etcd mixin alert " + alert + ":"), "the source of " + alert + " is named");
        }
        for (String action : List.of("defrag", "alarm-disarm", "compact", "move-leader", "rebuild-cluster")) {
            assertTrue(rules.contains(action), "a rule's description names the " + action + " action");
        }
    }

    @Test
    void theRulesAsPublishedOnCosAgentLoadToo(@TempDir Path dir) throws Exception {
        Map<String, Object> published = CosAgentConfig.read(Path.of("."),
                new CosAgentConfig.Topology("my-model", "58b48ff0-608b-435f-83b9-ea643e0b98db", "etcd"),
                java.util.Optional.empty()).alertRules();
        Path file = dir.resolve("published.rules.json");
        Files.writeString(file, Json.write(published));
        String out = promtool("check", "rules", file.toString());
        assertTrue(out.contains("SUCCESS: 15 rules found"), out);
    }

    /** Each panel target's expression, with the dashboard's template variables given values. */
    @SuppressWarnings("unchecked")
    static List<String> dashboardExpressions() throws IOException {
        Map<String, Object> model = (Map<String, Object>) Json.parse(Files.readString(DASHBOARD));
        List<String> out = new ArrayList<>();
        for (Object p : (List<Object>) model.get("panels")) {
            Object targets = ((Map<String, Object>) p).get("targets");
            if (targets instanceof List<?> list) {
                for (Object t : list) {
                    out.add(((String) ((Map<String, Object>) t).get("expr")).replace("$job", ".+"));
                }
            }
        }
        return out;
    }

    @Test
    void everyDashboardExpressionIsValidPromql(@TempDir Path dir) throws Exception {
        List<String> exprs = dashboardExpressions();
        assertTrue(exprs.size() >= 20, "the dashboard's expressions: " + exprs.size());
        StringBuilder file = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            assertFalse(exprs.get(i).contains("$"), "an unknown template variable in " + exprs.get(i));
            file.append("      - record: dashboard:expr_").append(i).append("\n        expr: ")
                    .append(Json.write(exprs.get(i))).append('\n');
        }
        Path rules = dir.resolve("dashboard.rules.yaml");
        Files.writeString(rules, file);
        String out = promtool("check", "rules", rules.toString());
        assertTrue(out.contains("SUCCESS: " + exprs.size() + " rules found"), out);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardStatesItsSchemaVersionAndSelectsByTheScrapeJob() throws IOException {
        Map<String, Object> model = (Map<String, Object>) Json.parse(Files.readString(DASHBOARD));
        assertEquals(36L, ((Number) model.get("schemaVersion")).longValue());
        for (String expr : dashboardExpressions()) {
            assertTrue(expr.contains("job=~\".+\""), "every expression selects by the scrape job: " + expr);
        }
        List<Object> vars = (List<Object>) ((Map<String, Object>) model.get("templating")).get("list");
        assertEquals(List.of("prometheusds", "job"), vars.stream().map(v -> ((Map<String, Object>) v).get("name")).toList());
    }
}
