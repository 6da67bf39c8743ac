package dev.charms.etcd.workload;

import dev.charms.ops.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Health of several members in one {@code etcdctl endpoint health -w json} process, over mTLS. The
 * cheap check of update-status: etcdctl (Go) starts in about 20 ms, while a cold JVM pays about 0.4 s
 * for its first TLS connection. Each endpoint's check is etcd's own health check (a quorum read).
 */
public final class EtcdctlHealth {
    private final Etcdctl etcdctl;

    public EtcdctlHealth(java.nio.file.Path etcdctl, TlsPaths tls, CommandRunner runner) {
        this.etcdctl = new Etcdctl(etcdctl, tls, runner);
    }

    /** One {@link Health} per endpoint, in the given order; an endpoint etcdctl did not report is unhealthy. */
    public List<Health> check(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            return List.of();
        }
        CommandResult r = etcdctl.run(endpoints, Math.max(1, timeout.toSeconds() / 2), timeout.toSeconds(),
                "endpoint", "health", "-w", "json");
        Map<String, Health> byEndpoint = parse(r.stdout());
        List<java.util.concurrent.CompletableFuture<Health>> checks = new ArrayList<>();
        for (URI e : endpoints) {
            Health h = byEndpoint.get(e.toString());
            Health known = h != null ? h : new Health(e, false, "no answer from etcdctl: " + CommandRunner.oneLine(r.stderr()),
                    Duration.ZERO);
            checks.add(known.healthy() ? java.util.concurrent.CompletableFuture.completedFuture(known)
                    : java.util.concurrent.CompletableFuture.supplyAsync(() -> classify(known)));
        }
        List<Health> out = new ArrayList<>();
        for (java.util.concurrent.CompletableFuture<Health> c : checks) {
            out.add(c.join());
        }
        return out;
    }

    /**
     * etcdctl reports an endpoint it cannot reach and a member that answers without quorum alike
     * ("context deadline exceeded"); a TCP connect to the client port tells them apart: the reason
     * then starts with {@code unreachable:} or {@code unhealthy:}.
     */
    static Health classify(Health failed) {
        boolean connects = Etcdctl.accepts(failed.endpoint(), CONNECT_TIMEOUT);
        return new Health(failed.endpoint(), false, (connects ? "unhealthy: " : "unreachable: ") + failed.reason(), failed.took());
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(700);

    /** Parses etcdctl's JSON list; anything unparsable yields no entries (every endpoint then counts as unhealthy). */
    static Map<String, Health> parse(String stdout) {
        Map<String, Health> out = new HashMap<>();
        Object parsed;
        try {
            parsed = Json.parse(stdout.strip().isEmpty() ? "[]" : stdout.strip());
        } catch (IllegalArgumentException e) {
            return out;
        }
        if (!(parsed instanceof List<?> list)) {
            return out;
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> m && m.get("endpoint") instanceof String ep) {
                boolean healthy = Boolean.TRUE.equals(m.get("health"));
                String reason = healthy ? "" : String.valueOf(m.get("error") == null ? "unhealthy" : m.get("error"));
                out.put(ep, new Health(URI.create(ep), healthy, reason, Duration.ZERO));
            }
        }
        return out;
    }
}
