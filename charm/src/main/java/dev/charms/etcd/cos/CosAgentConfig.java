package dev.charms.etcd.cos;

import dev.charms.ops.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * The unit data key {@code config} of the {@code cos-agent} relation (interface {@code cos_agent}), built
 * the way the interface's provider library builds it (docs/observability.md, "The cos-agent relation"):
 * a JSON object with {@code metrics_alert_rules} (the charm's rule groups, each group renamed
 * {@code <model>_<model uuid, 8 chars>_<application>_<group>_alerts} and every rule labelled with the Juju
 * topology), {@code log_alert_rules} (none), {@code dashboards} (each dashboard file's bytes in an xz
 * container, base64-encoded), {@code metrics_scrape_jobs} (one job, {@code <application>_0_etcd}, scraping
 * this unit's metrics listener; none when {@code metrics-port} is 0), {@code log_slots} (none: etcd runs as
 * a systemd service, whose journal the agent reads) and the library's two optional fields as null.
 *
 * <p>The rules and dashboards are files of the charm ({@code cos/prometheus_alert_rules/*.yaml}, Prometheus' rule format,
 * {@code cos/grafana_dashboards/*.json}), read only when a cos-agent relation exists.
 */
public final class CosAgentConfig {
    public static final String KEY = "config";
    static final String RULES_DIR = "cos/prometheus_alert_rules";
    static final String DASHBOARDS_DIR = "cos/grafana_dashboards";
    static final String CHARM_NAME = "etcd";
    /** The job's own name; the library prefixes it with the application name and its index. */
    static final String JOB = "etcd";

    /** The Juju topology the rules are labelled with. */
    public record Topology(String model, String modelUuid, String application) {
        /** {@code <model>_<first 8 characters of the model uuid>_<application>}, as the library names groups. */
        String identifier() {
            return model + "_" + modelUuid.substring(0, Math.min(8, modelUuid.length())) + "_" + application;
        }

        Map<String, String> labels() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("juju_model", model);
            m.put("juju_model_uuid", modelUuid);
            m.put("juju_application", application);
            m.put("juju_charm", CHARM_NAME);
            return m;
        }
    }

    private final Topology topology;
    private final Optional<URI> metricsUrl;
    private final List<byte[]> ruleFiles;
    private final List<byte[]> dashboardFiles;

    private CosAgentConfig(Topology topology, Optional<URI> metricsUrl, List<byte[]> ruleFiles, List<byte[]> dashboardFiles) {
        this.topology = topology;
        this.metricsUrl = metricsUrl;
        this.ruleFiles = ruleFiles;
        this.dashboardFiles = dashboardFiles;
    }

    /**
     * Reads the charm's rule and dashboard files from {@code charmDir}. {@code metricsUrl}: where this
     * unit's metrics listener answers ({@code http://<address>:<port>}), empty when it is off.
     */
    public static CosAgentConfig read(Path charmDir, Topology topology, Optional<URI> metricsUrl) {
        return new CosAgentConfig(topology, metricsUrl, files(charmDir.resolve(RULES_DIR), ".yaml", ".yml", ".json"),
                files(charmDir.resolve(DASHBOARDS_DIR), ".json"));
    }

    /** The contents of the files in {@code dir} whose names end with one of {@code suffixes}, by name. */
    private static List<byte[]> files(Path dir, String... suffixes) {
        try (var stream = Files.list(dir)) {
            List<Path> paths = stream.filter(p -> java.util.Arrays.stream(suffixes)
                    .anyMatch(p.getFileName().toString()::endsWith)).sorted().toList();
            List<byte[]> out = new ArrayList<>();
            for (Path p : paths) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("directory " + dir + " is missing from the charm");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /**
     * A digest of everything {@link #json} is made of: equal fingerprints mean an equal {@code config}, so
     * a unit publishes (and compresses the dashboards) only when it changes.
     */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((topology.toString() + "\n" + metricsUrl.map(URI::toString).orElse("") + "\n").getBytes(StandardCharsets.UTF_8));
            for (byte[] f : ruleFiles) {
                d.update(digestOf(f));
            }
            d.update((byte) '\n');
            for (byte[] f : dashboardFiles) {
                d.update(digestOf(f));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digestOf(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /** The value of the {@code config} key. */
    public String json() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("metrics_alert_rules", alertRules());
        config.put("log_alert_rules", Map.of());
        config.put("dashboards", dashboardFiles.stream().map(CosAgentConfig::encodeDashboard).toList());
        config.put("subordinate", null);
        config.put("metrics_scrape_jobs", scrapeJobs());
        config.put("log_slots", List.of());
        config.put("tracing_protocols", null);
        return Json.write(config);
    }

    /** The scrape job for this unit's metrics listener, named as the library names jobs; none when it is off. */
    List<Map<String, Object>> scrapeJobs() {
        if (metricsUrl.isEmpty()) {
            return List.of();
        }
        URI url = metricsUrl.get();
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("job_name", topology.application() + "_0_" + JOB);
        job.put("metrics_path", "/metrics");
        job.put("static_configs", List.of(Map.of("targets", List.of(url.getHost() + ":" + url.getPort()))));
        return List.of(job);
    }

    /** Every group of every rule file, renamed and labelled with the topology. */
    @SuppressWarnings("unchecked")
    Map<String, Object> alertRules() {
        List<Object> groups = new ArrayList<>();
        for (byte[] file : ruleFiles) {
            Object parsed = new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).load(new String(file, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map<?, ?> m) || !(m.get("groups") instanceof List<?> fileGroups)) {
                throw new IllegalStateException("an alert rule file of the charm has no \"groups\" list");
            }
            for (Object g : fileGroups) {
                Map<String, Object> group = new LinkedHashMap<>((Map<String, Object>) g);
                group.put("name", sanitize(topology.identifier() + "_" + group.get("name") + "_alerts"));
                List<Object> rules = new ArrayList<>();
                for (Object r : (List<Object>) group.get("rules")) {
                    Map<String, Object> rule = new LinkedHashMap<>((Map<String, Object>) r);
                    Map<String, Object> labels = new LinkedHashMap<>(
                            rule.get("labels") instanceof Map<?, ?> l ? (Map<String, Object>) l : Map.of());
                    topology.labels().forEach(labels::putIfAbsent);
                    rule.put("labels", labels);
                    rules.add(rule);
                }
                group.put("rules", rules);
                groups.add(group);
            }
        }
        return groups.isEmpty() ? Map.of() : Map.of("groups", groups);
    }

    /** Characters Prometheus does not allow in a metric name become {@code _}, as the library does with group names. */
    static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_:]", "_");
    }

    /** A dashboard as the library encodes it: the file's bytes in an xz container (preset 6, CRC64), base64. */
    public static String encodeDashboard(byte[] dashboard) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(dashboard.length / 4 + 64);
        try (XZOutputStream xz = new XZOutputStream(buffer, new LZMA2Options(LZMA2Options.PRESET_DEFAULT))) {
            xz.write(dashboard);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(buffer.toByteArray());
    }
}
