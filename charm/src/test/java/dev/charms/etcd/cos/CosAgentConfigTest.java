package dev.charms.etcd.cos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.ops.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.XZInputStream;

/**
 * The {@code config} a unit publishes on {@code cos-agent}, decoded as the consumer decodes it (JSON, then
 * each dashboard base64, then xz) and checked against the fields of the interface's provider schema
 * (docs/observability.md, "The cos-agent relation").
 */
class CosAgentConfigTest {
    private static final CosAgentConfig.Topology TOPOLOGY =
            new CosAgentConfig.Topology("prod", "58b48ff0-608b-435f-83b9-ea643e0b98db", "etcd");
    private static final Path CHARM = Path.of(".");

    /** The unit bag's {@code config} value as a map: what the requirer's schema model parses. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decode(String config) {
        return (Map<String, Object>) Json.parse(config);
    }

    /** base64, then the xz container Python's lzma.decompress reads, then the dashboard's bytes. */
    static byte[] decodeDashboard(String encoded) throws IOException {
        byte[] xz = Base64.getDecoder().decode(encoded);
        try (XZInputStream in = new XZInputStream(new ByteArrayInputStream(xz))) {
            return in.readAllBytes();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConfigHasEveryFieldOfTheProviderSchemaWithItsType() throws IOException {
        String json = CosAgentConfig.read(CHARM, TOPOLOGY, Optional.of(URI.create("http://10.1.2.3:2381"))).json();
        Map<String, Object> config = decode(json);
        assertEquals(Set.of("metrics_alert_rules", "log_alert_rules", "dashboards", "subordinate", "metrics_scrape_jobs",
                "log_slots", "tracing_protocols"), config.keySet());
        assertInstanceOf(Map.class, config.get("metrics_alert_rules"));
        assertEquals(Map.of(), config.get("log_alert_rules"));
        assertEquals(List.of(), config.get("log_slots"));
        assertNull(config.get("subordinate"));
        assertNull(config.get("tracing_protocols"));

        List<Object> jobs = (List<Object>) config.get("metrics_scrape_jobs");
        assertEquals(List.of(Map.of("job_name", "etcd_0_etcd", "metrics_path", "/metrics",
                "static_configs", List.of(Map.of("targets", List.of("10.1.2.3:2381"))))), jobs);

        List<Object> dashboards = (List<Object>) config.get("dashboards");
        assertEquals(1, dashboards.size());
        String encoded = (String) dashboards.get(0);
        assertTrue(encoded.startsWith("/Td6WFo"), "an xz container (magic FD 37 7A 58 5A 00) in base64");
        byte[] dashboard = decodeDashboard(encoded);
        assertArrayEquals(Files.readAllBytes(CHARM.resolve("cos/grafana_dashboards/etcd.json")), dashboard);
        Map<String, Object> model = decode(new String(dashboard, StandardCharsets.UTF_8));
        assertEquals(36L, ((Number) model.get("schemaVersion")).longValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRuleCarriesTheTopologyAndEveryGroupIsNamedAfterIt() {
        Map<String, Object> rules = CosAgentConfig.read(CHARM, TOPOLOGY, Optional.empty()).alertRules();
        List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
        assertEquals(List.of("prod_58b48ff0_etcd_etcd_alerts"), groups.stream().map(g -> g.get("name")).toList());
        List<Map<String, Object>> list = (List<Map<String, Object>>) groups.get(0).get("rules");
        assertTrue(list.size() >= 13, "the charm's rules: " + list.size());
        for (Map<String, Object> rule : list) {
            Map<String, Object> labels = (Map<String, Object>) rule.get("labels");
            assertEquals("prod", labels.get("juju_model"), rule.get("alert").toString());
            assertEquals("58b48ff0-608b-435f-83b9-ea643e0b98db", labels.get("juju_model_uuid"));
            assertEquals("etcd", labels.get("juju_application"));
            assertEquals("etcd", labels.get("juju_charm"));
            assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), rule.toString());
            Map<String, Object> annotations = (Map<String, Object>) rule.get("annotations");
            assertFalse(((String) annotations.get("summary")).isBlank());
            assertFalse(((String) annotations.get("description")).isBlank());
        }
    }

    @Test
    void withTheListenerOffThereIsNoScrapeJobButRulesAndDashboardsStay() {
        Map<String, Object> config = decode(CosAgentConfig.read(CHARM, TOPOLOGY, Optional.empty()).json());
        assertEquals(List.of(), config.get("metrics_scrape_jobs"));
        assertEquals(1, ((List<?>) config.get("dashboards")).size());
        assertFalse(((Map<?, ?>) config.get("metrics_alert_rules")).isEmpty());
    }

    @Test
    void theFingerprintFollowsTheAddressThePortAndTheTopology() {
        Optional<URI> url = Optional.of(URI.create("http://10.1.2.3:2381"));
        String base = CosAgentConfig.read(CHARM, TOPOLOGY, url).fingerprint();
        assertEquals(base, CosAgentConfig.read(CHARM, TOPOLOGY, url).fingerprint());
        assertNotEquals(base, CosAgentConfig.read(CHARM, TOPOLOGY, Optional.of(URI.create("http://10.1.2.3:9000"))).fingerprint());
        assertNotEquals(base, CosAgentConfig.read(CHARM, TOPOLOGY, Optional.empty()).fingerprint());
        assertNotEquals(base, CosAgentConfig.read(CHARM, new CosAgentConfig.Topology("prod", "58b48ff0-608b-435f-83b9-ea643e0b98db",
                "etcd-b"), url).fingerprint());
    }

    @Test
    void groupNamesKeepOnlyCharactersPrometheusAllows() {
        assertEquals("my_model_58b48ff0_etcd_etcd_alerts", CosAgentConfig.sanitize("my-model_58b48ff0_etcd_etcd_alerts"));
    }
}
