package dev.charms.etcd.workload;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the rendered etcd.conf.yml says about one member. Values are checked on construction so
 * that a config etcd would refuse at start-up is never written.
 *
 * @param name member name (unique in the cluster)
 * @param dataDir data directory
 * @param listenClientUrls where to serve clients (https)
 * @param advertiseClientUrls client URLs published to the cluster
 * @param listenPeerUrls where to serve peers (https)
 * @param initialAdvertisePeerUrls this member's peer URLs, as in {@code initialCluster}
 * @param initialCluster name=peerURL list including this member
 * @param initialClusterState new or existing
 * @param initialClusterToken token making this cluster's IDs unique
 * @param heartbeatIntervalMs raft heartbeat
 * @param electionTimeoutMs raft election timeout (at least 5 heartbeats)
 * @param snapshotCount committed transactions per raft snapshot; 0 means the default of the etcd version the
 *     config is rendered for ({@link EtcdVersion#defaultSnapshotCount})
 * @param quotaBackendBytes backend size limit; 0 means etcd's default
 * @param autoCompactionMode periodic or revision
 * @param autoCompactionRetention retention in the mode's syntax ("0" disables)
 * @param clientTls CA, certificate and key of the client port (client certificates required)
 * @param peerTls CA, certificate and key of the peer port (client certificates required)
 * @param cipherSuites allowed TLS 1.2 suites; empty means Go's defaults
 * @param listenMetricsUrls where to serve /metrics and /health over plain HTTP; empty: nowhere
 */
public record EtcdConfig(
        String name,
        Path dataDir,
        List<URI> listenClientUrls,
        List<URI> advertiseClientUrls,
        List<URI> listenPeerUrls,
        List<URI> initialAdvertisePeerUrls,
        String initialCluster,
        InitialClusterState initialClusterState,
        String initialClusterToken,
        int heartbeatIntervalMs,
        int electionTimeoutMs,
        long snapshotCount,
        long quotaBackendBytes,
        CompactionMode autoCompactionMode,
        String autoCompactionRetention,
        TlsPaths clientTls,
        TlsPaths peerTls,
        List<String> cipherSuites,
        List<URI> listenMetricsUrls) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** Validates every field; throws {@link IllegalArgumentException} naming the bad one. */
    public EtcdConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("member name '" + name + "' must match " + NAME.pattern());
        }
        Objects.requireNonNull(dataDir, "dataDir");
        if (!dataDir.isAbsolute()) {
            throw new IllegalArgumentException("data dir '" + dataDir + "' must be absolute");
        }
        listenClientUrls = urls("listen-client-urls", listenClientUrls);
        advertiseClientUrls = urls("advertise-client-urls", advertiseClientUrls);
        listenPeerUrls = urls("listen-peer-urls", listenPeerUrls);
        initialAdvertisePeerUrls = urls("initial-advertise-peer-urls", initialAdvertisePeerUrls);
        Objects.requireNonNull(initialCluster, "initialCluster");
        Map<String, List<URI>> cluster = InitialCluster.parse(initialCluster);
        List<URI> mine = cluster.get(name);
        if (mine == null || !mine.containsAll(initialAdvertisePeerUrls) || !initialAdvertisePeerUrls.containsAll(mine)) {
            throw new IllegalArgumentException("initial-cluster '" + initialCluster + "' must list member '" + name
                    + "' with exactly its peer URLs " + initialAdvertisePeerUrls);
        }
        Objects.requireNonNull(initialClusterState, "initialClusterState");
        Objects.requireNonNull(initialClusterToken, "initialClusterToken");
        if (!TOKEN.matcher(initialClusterToken).matches()) {
            throw new IllegalArgumentException("initial-cluster-token '" + initialClusterToken + "' must match " + TOKEN.pattern());
        }
        if (heartbeatIntervalMs < 1) {
            throw new IllegalArgumentException("heartbeat interval " + heartbeatIntervalMs + " ms must be positive");
        }
        if (electionTimeoutMs < 5L * heartbeatIntervalMs || electionTimeoutMs > 50_000) {
            throw new IllegalArgumentException("election timeout " + electionTimeoutMs
                    + " ms must be at least 5 times the heartbeat interval (" + heartbeatIntervalMs + " ms) and at most 50000");
        }
        if (snapshotCount < 0) {
            throw new IllegalArgumentException("snapshot count " + snapshotCount + " must not be negative");
        }
        if (quotaBackendBytes < 0) {
            throw new IllegalArgumentException("quota-backend-bytes " + quotaBackendBytes + " must not be negative");
        }
        Objects.requireNonNull(autoCompactionMode, "autoCompactionMode");
        autoCompactionRetention = autoCompactionMode.checkRetention(autoCompactionRetention);
        Objects.requireNonNull(clientTls, "clientTls");
        Objects.requireNonNull(peerTls, "peerTls");
        cipherSuites = List.copyOf(cipherSuites);
        cipherSuites.forEach(CipherSuites::check);
        listenMetricsUrls = listenMetricsUrls == null ? List.of() : List.copyOf(listenMetricsUrls);
        for (URI u : listenMetricsUrls) {
            if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null) {
                throw new IllegalArgumentException("listen-metrics-urls entry '" + u + "' must be http://host:port");
            }
        }
    }

    private static List<URI> urls(String what, List<URI> urls) {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (URI u : urls) {
            if (!"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1
                    || !(u.getRawPath() == null || u.getRawPath().isEmpty()) || u.getRawQuery() != null) {
                throw new IllegalArgumentException(what + " entry '" + u + "' must be https://host:port");
            }
        }
        return List.copyOf(urls);
    }

    /** A builder with etcd's defaults for the tuning values. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link EtcdConfig}; unset tuning values take etcd's defaults. */
    public static final class Builder {
        private String name;
        private Path dataDir;
        private List<URI> listenClientUrls;
        private List<URI> advertiseClientUrls;
        private List<URI> listenPeerUrls;
        private List<URI> initialAdvertisePeerUrls;
        private String initialCluster;
        private InitialClusterState initialClusterState = InitialClusterState.NEW;
        private String initialClusterToken;
        private int heartbeatIntervalMs = 100;
        private int electionTimeoutMs = 1000;
        private long snapshotCount;
        private long quotaBackendBytes;
        private CompactionMode autoCompactionMode = CompactionMode.PERIODIC;
        private String autoCompactionRetention = "0";
        private TlsPaths clientTls;
        private TlsPaths peerTls;
        private List<String> cipherSuites = List.of();
        private List<URI> listenMetricsUrls = List.of();

        private Builder() {
        }

        /** Member name. */
        public Builder name(String v) { name = v; return this; }
        /** Data directory. */
        public Builder dataDir(Path v) { dataDir = v; return this; }
        /** Client listen URLs. */
        public Builder listenClientUrls(List<URI> v) { listenClientUrls = v; return this; }
        /** Advertised client URLs. */
        public Builder advertiseClientUrls(List<URI> v) { advertiseClientUrls = v; return this; }
        /** Peer listen URLs. */
        public Builder listenPeerUrls(List<URI> v) { listenPeerUrls = v; return this; }
        /** This member's advertised peer URLs. */
        public Builder initialAdvertisePeerUrls(List<URI> v) { initialAdvertisePeerUrls = v; return this; }
        /** The initial-cluster string (see {@link InitialCluster}). */
        public Builder initialCluster(String v) { initialCluster = v; return this; }
        /** New or existing. */
        public Builder initialClusterState(InitialClusterState v) { initialClusterState = v; return this; }
        /** Cluster token. */
        public Builder initialClusterToken(String v) { initialClusterToken = v; return this; }
        /** Heartbeat in ms (default 100). */
        public Builder heartbeatIntervalMs(int v) { heartbeatIntervalMs = v; return this; }
        /** Election timeout in ms (default 1000). */
        public Builder electionTimeoutMs(int v) { electionTimeoutMs = v; return this; }
        /** Snapshot count (default 0: the rendered etcd version's default). */
        public Builder snapshotCount(long v) { snapshotCount = v; return this; }
        /** Backend quota in bytes (default 0: etcd's default). */
        public Builder quotaBackendBytes(long v) { quotaBackendBytes = v; return this; }
        /** Auto-compaction mode and retention (default periodic "0": disabled). */
        public Builder autoCompaction(CompactionMode mode, String retention) {
            autoCompactionMode = mode;
            autoCompactionRetention = retention;
            return this;
        }
        /** The same TLS identity on the client and the peer port. */
        public Builder tls(TlsPaths v) { clientTls = v; peerTls = v; return this; }
        /** TLS identity of the client port. */
        public Builder clientTls(TlsPaths v) { clientTls = v; return this; }
        /** TLS identity of the peer port. */
        public Builder peerTls(TlsPaths v) { peerTls = v; return this; }
        /** Allowed cipher suites (empty: Go's defaults). */
        public Builder cipherSuites(List<String> v) { cipherSuites = v; return this; }
        /** Plain-HTTP metrics listen URLs (default none). */
        public Builder listenMetricsUrls(List<URI> v) { listenMetricsUrls = v; return this; }

        /** Validates and builds. */
        public EtcdConfig build() {
            return new EtcdConfig(name, dataDir, listenClientUrls, advertiseClientUrls, listenPeerUrls,
                    initialAdvertisePeerUrls, initialCluster, initialClusterState, initialClusterToken,
                    heartbeatIntervalMs, electionTimeoutMs, snapshotCount, quotaBackendBytes, autoCompactionMode,
                    autoCompactionRetention, clientTls, peerTls, cipherSuites, listenMetricsUrls);
        }
    }
}
