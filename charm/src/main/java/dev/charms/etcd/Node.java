package dev.charms.etcd;

import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.CompactionMode;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.InitialCluster;
import dev.charms.etcd.workload.TlsPaths;
import dev.charms.ops.Model;
import dev.charms.ops.Network;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * This unit as an etcd member: its addresses (from the cluster and db bindings), URLs, the names its
 * certificate must carry, and the etcd configuration it runs with.
 */
public record Node(String unit, String memberName, String peerAddress, String clientAddress,
                   List<String> bindAddresses, String hostname, EtcdSettings settings, IntSupplier servingClientPort) {
    /**
     * This unit, reached on the client port its member was last started on
     * ({@link UnitState#SERVING_CLIENT_PORT}: until its rolling-restart turn, a member keeps serving on it
     * after the {@code port} option changed, and everyone must still reach it there), else (no member
     * started yet) on the configured one.
     */
    public static Node of(Model model, EtcdSettings settings, dev.charms.ops.StoredState stored) {
        UnitState state = new UnitState(stored);
        IntSupplier servingClientPort = () -> state.servingClientPortOr(settings.clientPort());
        Network cluster = model.network(PeerData.PEER);
        Network db = model.network(PeerData.DB);
        Set<String> binds = new LinkedHashSet<>(cluster.bindAddresses());
        binds.addAll(db.bindAddresses());
        return new Node(model.unitName(), Units.memberName(model.unitName()), cluster.ingressAddress(),
                db.ingressAddress(), List.copyOf(binds), localHostname(), settings, servingClientPort);
    }

    /** The kernel's hostname (cheap, no DNS lookup). */
    static String localHostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** An address as a URL host: IPv6 literals in brackets. */
    static String urlHost(String address) {
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    public URI peerUrl() {
        return URI.create("https://" + urlHost(peerAddress) + ":" + settings.peerPort());
    }

    /** Where clients reach this member now: the port it serves on (see {@link UnitState#SERVING_CLIENT_PORT}). */
    public URI clientUrl() {
        return URI.create("https://" + urlHost(clientAddress) + ":" + servingClientPort.getAsInt());
    }

    /** The local client URL the charm itself uses (the certificate carries 127.0.0.1), on the serving port. */
    public URI localClientUrl() {
        return URI.create("https://127.0.0.1:" + servingClientPort.getAsInt());
    }

    /** The client URL of the configuration: what the member advertises once (re)started on it. */
    public URI configuredClientUrl() {
        return URI.create("https://" + urlHost(clientAddress) + ":" + settings.clientPort());
    }

    /** The local client URL of the configuration (where a member just started on it answers). */
    public URI configuredLocalClientUrl() {
        return URI.create("https://127.0.0.1:" + settings.clientPort());
    }

    /** Every name clients and peers may use: unit addresses, hostname, loopback, extra SANs. */
    public Set<String> sans() {
        Set<String> sans = new LinkedHashSet<>();
        sans.add(peerAddress);
        sans.add(clientAddress);
        sans.addAll(bindAddresses);
        sans.add(hostname);
        sans.add("127.0.0.1");
        sans.add("localhost");
        sans.addAll(settings.extraSans());
        sans.removeIf(String::isBlank);
        return sans;
    }

    private List<URI> listen(int port) {
        if (settings.bindToAllInterfaces()) {
            return List.of(URI.create("https://0.0.0.0:" + port));
        }
        List<URI> out = new ArrayList<>();
        for (String a : bindAddresses.isEmpty() ? List.of(peerAddress) : bindAddresses) {
            out.add(URI.create("https://" + urlHost(a) + ":" + port));
        }
        URI loopback = URI.create("https://127.0.0.1:" + port);
        if (!out.contains(loopback)) {
            out.add(loopback);
        }
        return out;
    }

    /**
     * The entry's initial-cluster with this member's own URL made current. etcd reads initial-cluster
     * only when it bootstraps a data dir, but it checks that its own entry matches its advertised peer
     * URL on every start, and a management_port change moves that URL.
     */
    private String initialCluster(Roster.Entry entry) {
        java.util.Map<String, List<URI>> members = new java.util.LinkedHashMap<>(InitialCluster.parse(entry.initialCluster()));
        members.put(memberName, List.of(peerUrl()));
        return InitialCluster.format(members);
    }

    /** etcd's backend quota when {@code quota-backend-bytes} is 0. */
    static final long ETCD_DEFAULT_QUOTA = 2L * 1024 * 1024 * 1024;
    /** Room kept beside the backend and the WAL: a preallocated WAL segment (64 MiB), snapshots, a defragmentation copy. */
    static final long WAL_HEADROOM = 256L * 1024 * 1024;
    /** The least quota a small data file system gets. */
    static final long MIN_QUOTA = 16L * 1024 * 1024;

    /**
     * The backend quota etcd runs with: the configured one (0: etcd's default, 2 GiB), lowered when the
     * data directory's file system could not hold it. The WAL grows beside the backend by about as much
     * as the backend does between raft snapshots, so the backend may take half of the file system less
     * {@link #WAL_HEADROOM}: a filling disk then raises etcd's NOSPACE alarm (writes refused, nothing
     * lost, undone by compact, defrag and alarm-disarm) before the file system is full (etcd stops on a
     * failed WAL write). {@code dataFsBytes} 0 (unknown) leaves the configured quota.
     */
    public static long effectiveQuota(long configured, long dataFsBytes) {
        if (dataFsBytes <= 0) {
            return configured;
        }
        long budget = Math.max(MIN_QUOTA, (dataFsBytes - WAL_HEADROOM) / 2);
        long wanted = configured > 0 ? configured : ETCD_DEFAULT_QUOTA;
        return wanted <= budget ? configured : budget;
    }

    /**
     * Where this member serves /metrics and /health over plain HTTP: the unit's address and 127.0.0.1 on
     * {@code metrics-port}, or nowhere when it is 0 (docs/observability.md).
     */
    public List<URI> metricsListenUrls() {
        if (!settings.metricsEnabled()) {
            return List.of();
        }
        List<URI> out = new ArrayList<>();
        out.add(metricsUrl());
        URI loopback = URI.create("http://127.0.0.1:" + settings.metricsPort());
        if (!out.contains(loopback)) {
            out.add(loopback);
        }
        return out;
    }

    /** Where a scraper reaches this unit's metrics: {@code http://<unit address>:<metrics-port>}. */
    public URI metricsUrl() {
        return URI.create("http://" + urlHost(peerAddress) + ":" + settings.metricsPort());
    }

    /** The etcd configuration for this member, given its roster entry and the cluster token. */
    public EtcdConfig config(Roster.Entry entry, String token, Path dataDir, TlsPaths tls) {
        return config(entry, token, dataDir, tls, 0);
    }

    /**
     * The etcd configuration for this member, given its roster entry, the cluster token and the size of
     * its data directory's file system (0: unknown), which may lower the backend quota ({@link #effectiveQuota}).
     */
    public EtcdConfig config(Roster.Entry entry, String token, Path dataDir, TlsPaths tls, long dataFsBytes) {
        return config(entry, token, dataDir, tls, tls, dataFsBytes);
    }

    /** As {@link #config(Roster.Entry, String, Path, TlsPaths, long)}, with the client port's TLS files apart from the peer port's. */
    public EtcdConfig config(Roster.Entry entry, String token, Path dataDir, TlsPaths clientTls, TlsPaths peerTls, long dataFsBytes) {
        return EtcdConfig.builder()
                .name(memberName)
                .dataDir(dataDir)
                .listenClientUrls(listen(settings.clientPort()))
                .advertiseClientUrls(List.of(configuredClientUrl()))
                .listenPeerUrls(listen(settings.peerPort()))
                .initialAdvertisePeerUrls(List.of(peerUrl()))
                .initialCluster(initialCluster(entry))
                .initialClusterState(entry.clusterState())
                .initialClusterToken(token)
                .heartbeatIntervalMs(settings.heartbeatInterval())
                .electionTimeoutMs(settings.electionTimeout())
                .snapshotCount(settings.snapshotCount())
                .quotaBackendBytes(effectiveQuota(settings.quotaBackendBytes(), dataFsBytes))
                .autoCompaction(CompactionMode.parse(settings.autoCompactionMode()), settings.autoCompactionRetention())
                .clientTls(clientTls)
                .peerTls(peerTls)
                .cipherSuites(settings.cipherSuites())
                .listenMetricsUrls(metricsListenUrls())
                .build();
    }
}
