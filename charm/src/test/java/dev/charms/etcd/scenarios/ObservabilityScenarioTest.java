package dev.charms.etcd.scenarios;

import static dev.charms.etcd.scenarios.Scenarios.assertHealthyCluster;
import static dev.charms.etcd.scenarios.Scenarios.assertNoFailedHook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.etcd.fakes.Deployment;
import dev.charms.ops.Json;
import dev.charms.ops.Status;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics listener ({@code metrics-port}) and the {@code cos-agent} relation on a 3-unit cluster
 * (docs/observability.md): each member listens for /metrics on its unit address, the port is opened,
 * each unit publishes its scrape job, the rules and the dashboard once, and a port change is a rolling
 * restart like any other option.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ObservabilityScenarioTest {
    @TempDir
    Path root;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> published(Deployment model, String unit) {
        String config = model.cosAgentBag(unit).get("config");
        assertTrue(config != null && !config.isEmpty(), unit + " published no config: " + model.cosAgentBag(unit));
        return (Map<String, Object>) Json.parse(config);
    }

    @Test
    void everyMemberServesMetricsOnItsAddressAndOpensThePort() {
        Deployment model = new Deployment(root).deploy(3);
        for (String unit : model.units()) {
            String address = model.host(unit).address();
            assertEquals(List.of(URI.create("http://" + address + ":2381"), URI.create("http://127.0.0.1:2381")),
                    model.host(unit).runningConfig().listenMetricsUrls(), unit);
            assertEquals(Set.of("2379/tcp", "2381/tcp"), model.openedPorts(unit), unit);
        }
        assertHealthyCluster(model);
    }

    @Test
    void eachUnitPublishesItsOwnScrapeJobOnceAndAPortChangeRepublishesAndRestartsInTurn() {
        Deployment model = new Deployment(root).deploy(3);
        model.relateCosAgent();
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            Map<String, Object> config = published(model, unit);
            assertEquals(List.of(Map.of("job_name", "etcd_0_etcd", "metrics_path", "/metrics",
                    "static_configs", List.of(Map.of("targets", List.of(model.host(unit).address() + ":2381"))))),
                    config.get("metrics_scrape_jobs"), unit);
            assertEquals(1, ((List<?>) config.get("dashboards")).size());
            assertFalse(((Map<?, ?>) config.get("metrics_alert_rules")).isEmpty());
        }

        for (String unit : model.units()) {
            model.updateStatus(unit);
            Deployment.HookRun run = model.runNext(unit);
            assertEquals(0, run.exitCode(), run.stderr());
            assertFalse(run.toolCalls().stream().anyMatch(c -> c.tool().equals("relation-set")),
                    unit + ": the published config did not change, so it is not written again: " + run.toolCalls());
        }

        model.config("metrics-port", 9379);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            assertEquals(1, model.host(unit).restarts(), unit + " restarted once for the new metrics-port");
            assertEquals(Set.of("2379/tcp", "9379/tcp"), model.openedPorts(unit), unit);
            assertEquals(List.of(Map.of("targets", List.of(model.host(unit).address() + ":9379"))),
                    ((Map<?, ?>) ((List<?>) published(model, unit).get("metrics_scrape_jobs")).get(0)).get("static_configs"));
        }

        model.config("metrics-port", 0);
        model.settle();
        assertNoFailedHook(model);
        for (String unit : model.units()) {
            assertEquals(2, model.host(unit).restarts(), unit);
            assertEquals(List.of(), model.host(unit).runningConfig().listenMetricsUrls(), unit);
            assertEquals(Set.of("2379/tcp"), model.openedPorts(unit), unit);
            assertEquals(List.of(), published(model, unit).get("metrics_scrape_jobs"), unit);
        }
        assertHealthyCluster(model);
    }

    @Test
    void aMetricsPortOnTheClientPortBlocksAndRestartsNothing() {
        Deployment model = new Deployment(root).deploy(3);
        model.config("metrics-port", 2379);
        model.settle();
        for (String unit : model.units()) {
            assertEquals(Status.blocked("invalid config: metrics-port must differ from port and management_port"
                    + " (all three are TCP ports of etcd), got 2379"), model.status(unit), unit);
            assertEquals(0, model.host(unit).restarts(), unit);
            assertEquals(Set.of("2379/tcp", "2381/tcp"), model.openedPorts(unit), unit);
        }
    }
}
