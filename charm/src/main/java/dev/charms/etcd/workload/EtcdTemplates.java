package dev.charms.etcd.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders the charm's templates ({@code <charm dir>/templates/}): etcd.conf.yml, etcd.service and
 * etcdctl.sh. Callers pass typed values; all text is produced by {@link TemplateEngine}.
 */
public final class EtcdTemplates {
    /** The etcd YAML config template. */
    public static final String CONFIG = "etcd.conf.yml";
    /** The systemd unit template. */
    public static final String UNIT = "etcd.service";
    /** The /etc/profile.d script template. */
    public static final String PROFILE = "etcdctl.sh";

    private final Path templatesDir;

    /** Templates from {@code charmDir}/templates (CHARM_DIR on a unit, the repository in tests). */
    public EtcdTemplates(Path charmDir) {
        this.templatesDir = charmDir.resolve("templates");
    }

    /**
     * The config file text for {@code config}, for etcd {@code version}: only keys that version's etcd
     * documents as flags, and its own defaults where {@code config} leaves one to etcd. A version whose
     * flag set the charm does not know (before 3.4, after 3.6) is refused.
     */
    public String config(EtcdConfig config, EtcdVersion version) {
        if (!version.rendered()) {
            throw new IllegalArgumentException("etcd " + version + " is not a version the charm configures: it runs etcd "
                    + EtcdVersion.OLDEST_RENDERED.minorLine() + " to " + EtcdVersion.NEWEST_RENDERED.minorLine());
        }
        Map<String, Object> v = new HashMap<>();
        v.put("name", quote(config.name()));
        v.put("data_dir", quote(config.dataDir().toString()));
        v.put("listen_client_urls", quote(join(config.listenClientUrls())));
        v.put("advertise_client_urls", quote(join(config.advertiseClientUrls())));
        v.put("listen_peer_urls", quote(join(config.listenPeerUrls())));
        v.put("initial_advertise_peer_urls", quote(join(config.initialAdvertisePeerUrls())));
        v.put("initial_cluster", quote(config.initialCluster()));
        v.put("initial_cluster_state", quote(config.initialClusterState().etcdName()));
        v.put("initial_cluster_token", quote(config.initialClusterToken()));
        v.put("heartbeat_interval", Integer.toString(config.heartbeatIntervalMs()));
        v.put("election_timeout", Integer.toString(config.electionTimeoutMs()));
        v.put("snapshot_count", Long.toString(config.snapshotCount() > 0 ? config.snapshotCount()
                : version.defaultSnapshotCount()));
        v.put("has_quota_backend_bytes", config.quotaBackendBytes() > 0);
        v.put("quota_backend_bytes", Long.toString(config.quotaBackendBytes()));
        v.put("auto_compaction_mode", quote(config.autoCompactionMode().etcdName()));
        v.put("auto_compaction_retention", quote(config.autoCompactionRetention()));
        v.put("client_cert_file", quote(config.clientTls().certFile().toString()));
        v.put("client_key_file", quote(config.clientTls().keyFile().toString()));
        v.put("client_ca_file", quote(config.clientTls().caFile().toString()));
        v.put("peer_cert_file", quote(config.peerTls().certFile().toString()));
        v.put("peer_key_file", quote(config.peerTls().keyFile().toString()));
        v.put("peer_ca_file", quote(config.peerTls().caFile().toString()));
        v.put("has_cipher_suites", !config.cipherSuites().isEmpty());
        v.put("cipher_suites", config.cipherSuites());
        v.put("has_listen_metrics_urls", !config.listenMetricsUrls().isEmpty());
        v.put("listen_metrics_urls", quote(join(config.listenMetricsUrls())));
        return TemplateEngine.render(load(CONFIG), v);
    }

    /** The systemd unit running {@code etcdBinary} with {@code configFile} as {@code user}. */
    public String unit(Path etcdBinary, Path configFile, String user) {
        requireUnitSafe(etcdBinary.toString());
        requireUnitSafe(configFile.toString());
        requireUnitSafe(user);
        return TemplateEngine.render(load(UNIT), Map.of(
                "etcd_binary", etcdBinary.toString(),
                "config_file", configFile.toString(),
                "user", user));
    }

    /** The profile script pointing etcdctl at {@code endpoints} with the client identity {@code tls}. */
    public String profile(List<URI> endpoints, TlsPaths tls) {
        return TemplateEngine.render(load(PROFILE), Map.of(
                "endpoints", shellQuote(join(endpoints)),
                "ca_file", shellQuote(tls.caFile().toString()),
                "cert_file", shellQuote(tls.certFile().toString()),
                "key_file", shellQuote(tls.keyFile().toString())));
    }

    private String load(String name) {
        Path file = templatesDir.resolve(name);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("template " + file + " is missing from the charm");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + file, e);
        }
    }

    private static String join(List<URI> urls) {
        return urls.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /** A YAML double-quoted scalar. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static void requireUnitSafe(String s) {
        if (s.isEmpty() || !s.matches("[A-Za-z0-9/._+-]+")) {
            throw new IllegalArgumentException("'" + s + "' cannot be used in a systemd unit unquoted");
        }
    }
}
