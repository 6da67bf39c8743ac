package dev.charms.etcd.etcdclient;

import dev.charms.etcd.ClientAccess;
import dev.charms.etcd.pki.CertificateInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code etcd_client} interface, provider side, as {@code interfaces/etcd_client/v0} of
 * canonical/charm-relation-interfaces specifies it and {@code EtcdProvides} of data-platform-libs speaks
 * it (docs/client-access.md, "Relating a modern client"): the field names, secret labels, and the
 * leader's decision of what each related application gets, with the reason when a request is refused.
 */
public final class EtcdClientV0 {
    /** The charm's endpoint. */
    public static final String ENDPOINT = "etcd-client";

    // The requirer's application bag.
    public static final String PREFIX = "prefix";
    public static final String SECRET_MTLS = "secret-mtls";
    public static final String REQUESTED_SECRETS = "requested-secrets";
    public static final String PROVIDED_SECRETS = "provided-secrets";
    /** The field of the requirer's secret holding its client certificate. */
    public static final String MTLS_CERT = "mtls-cert";

    // The provider's application bag, and its two secrets' fields.
    public static final String ENDPOINTS = "endpoints";
    public static final String VERSION = "version";
    public static final String SECRET_USER = "secret-user";
    public static final String SECRET_TLS = "secret-tls";
    public static final String USERNAME = "username";
    public static final String URIS = "uris";
    public static final String TLS = "tls";
    public static final String TLS_CA = "tls-ca";

    /** The etcd role of a relation's user is this and the user's name. */
    public static final String ROLE_PREFIX = "relation-";

    private EtcdClientV0() {
    }

    /** The label of one of the provider's secrets for a relation, as data-platform-libs names them. */
    public static String secretLabel(int relationId, String group) {
        return ENDPOINT + "." + relationId + "." + group + ".secret";
    }

    /** The {@code secret-user} content: the user and the client URLs. */
    public static Map<String, String> userSecret(String user, List<String> clientUrls) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(USERNAME, user);
        m.put(URIS, String.join(",", clientUrls));
        return m;
    }

    /** The {@code secret-tls} content: TLS on (etcd serves clients over TLS only) and the CA to trust. */
    public static Map<String, String> tlsSecret(String caPem) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TLS, "True");
        m.put(TLS_CA, caPem);
        return m;
    }

    /** {@code endpoints}: each client URL's host:port, comma-separated. */
    public static String endpoints(List<String> clientUrls) {
        List<String> out = new ArrayList<>();
        for (String url : clientUrls) {
            java.net.URI u = java.net.URI.create(url);
            String host = u.getHost() != null && u.getHost().contains(":") && !u.getHost().startsWith("[")
                    ? "[" + u.getHost() + "]" : u.getHost();
            out.add(host + ":" + u.getPort());
        }
        return String.join(",", out);
    }

    /**
     * What one related application asks for.
     *
     * @param relationId the relation
     * @param app the requirer application
     * @param prefix its {@code prefix} (null when unset)
     * @param certificate the {@code mtls-cert} of its {@code secret-mtls} secret (null when there is none)
     * @param certificateProblem why the certificate could not be read, when it could not (else null)
     */
    public record Request(int relationId, String app, String prefix, String certificate, String certificateProblem) {
    }

    /**
     * The leader's decision: what every relation holds from now on, and the refused requests' reasons by
     * relation id. A refused request keeps what its relation held before, if anything.
     */
    public record Decision(List<Grant> grants, Map<Integer, String> refusals) {
        /** The status text for the refusals, or empty. */
        public Optional<String> describeRefusals(Map<Integer, String> apps) {
            if (refusals.isEmpty()) {
                return Optional.empty();
            }
            List<String> parts = new ArrayList<>();
            refusals.forEach((id, why) -> parts.add(ENDPOINT + ":" + id + " (" + apps.getOrDefault(id, "?") + "): " + why));
            return Optional.of(String.join("; ", parts));
        }
    }

    /**
     * Decides what every related application gets. {@code previous} is what relations held before (those
     * of relations no longer in {@code requests} are dropped); {@code takenUsers} are etcd users that
     * exist for other reasons (the charm's own, the {@code db} relation's, {@code generate-client-certificates}'
     * clients), whose names no relation may take; {@code takenPrefixes} are the prefixes such users are
     * limited to (by user), which no relation's prefix may overlap. A request that is refused leaves its relation's grant as
     * it was; a request is never granted a CN or a prefix that another relation's grant holds or overlaps,
     * whichever relation asked first keeping it.
     */
    public static Decision decide(List<Request> requests, List<Grant> previous, Set<String> takenUsers,
                                  Map<String, String> takenPrefixes, Instant now) {
        Map<Integer, Grant> held = new TreeMap<>();
        Set<Integer> present = new java.util.HashSet<>();
        requests.forEach(r -> present.add(r.relationId()));
        for (Grant g : previous) {
            if (present.contains(g.relationId())) {
                held.put(g.relationId(), g);
            }
        }
        Map<Integer, String> refusals = new TreeMap<>();
        List<Request> ordered = new ArrayList<>(requests);
        ordered.sort(Comparator.comparingInt(Request::relationId));
        for (Request r : ordered) {
            Grant before = held.get(r.relationId());
            String why;
            Grant wanted = null;
            try {
                wanted = validate(r, takenUsers, now);
                why = conflict(wanted, held).or(() -> overlapping(r.prefix(), takenPrefixes)).orElse(null);
            } catch (Refused e) {
                why = e.getMessage();
            }
            if (why == null) {
                held.put(r.relationId(), wanted);
            } else {
                refusals.put(r.relationId(), before == null ? "refused: " + why
                        : "not changed (user '" + before.user() + "' keeps prefix '" + before.prefix() + "'): " + why);
            }
        }
        return new Decision(List.copyOf(held.values()), refusals);
    }

    private static Grant validate(Request r, Set<String> takenUsers, Instant now) {
        String prefix = r.prefix();
        if (prefix == null || prefix.isEmpty()) {
            throw new Refused("no prefix asked for (a client is given the keys under one absolute prefix)");
        }
        if (!prefix.startsWith("/")) {
            throw new Refused("prefix '" + prefix + "' is relative (it must start with '/')");
        }
        ClientAccess.prefixProblem(prefix).ifPresent(p -> {
            throw new Refused(p);
        });
        if (r.certificateProblem() != null) {
            throw new Refused(r.certificateProblem());
        }
        if (r.certificate() == null || r.certificate().isBlank()) {
            throw new Refused("no client certificate (no " + MTLS_CERT + " in the secret named by " + SECRET_MTLS + ")");
        }
        CertificateInfo cert;
        try {
            cert = CertificateInfo.parse(r.certificate());
        } catch (RuntimeException e) {
            throw new Refused("its " + MTLS_CERT + " is not a PEM certificate");
        }
        if (now.isAfter(cert.notAfter())) {
            throw new Refused("its client certificate expired at " + cert.notAfter());
        }
        if (now.isBefore(cert.notBefore())) {
            throw new Refused("its client certificate is not valid before " + cert.notBefore());
        }
        if (cert.isCa()) {
            throw new Refused("its client certificate is a CA certificate, not a client's own");
        }
        String cn = cert.subjectCommonName();
        if (cn == null || cn.isBlank()) {
            throw new Refused("its client certificate has no common name (CN), which etcd takes as the user name");
        }
        if (cn.equals(ClientAccess.ROOT)) {
            throw new Refused("CN 'root' is etcd's root user, which only the charm holds");
        }
        if (cn.startsWith(ClientAccess.DB_CN_PREFIX)) {
            throw new Refused("CN '" + cn + "' starts with '" + ClientAccess.DB_CN_PREFIX + "', which the db relation's clients are named by");
        }
        if (takenUsers.contains(cn)) {
            throw new Refused("CN '" + cn + "' is already an etcd user not made by this relation (list-clients shows it)");
        }
        return new Grant(r.relationId(), r.app(), cn, prefix, cert.pem());
    }

    private static Optional<String> overlapping(String prefix, Map<String, String> takenPrefixes) {
        return takenPrefixes.entrySet().stream().filter(e -> ClientAccess.overlaps(prefix, e.getValue())).findFirst()
                .map(e -> "prefix '" + prefix + "' overlaps prefix '" + e.getValue() + "' of etcd user '" + e.getKey() + "'");
    }

    private static Optional<String> conflict(Grant wanted, Map<Integer, Grant> held) {
        for (Grant other : held.values()) {
            if (other.relationId() == wanted.relationId()) {
                continue;
            }
            if (other.user().equals(wanted.user())) {
                return Optional.of("CN '" + wanted.user() + "' is already the user of application '" + other.app() + "'");
            }
            if (ClientAccess.overlaps(other.prefix(), wanted.prefix())) {
                return Optional.of("prefix '" + wanted.prefix() + "' overlaps prefix '" + other.prefix()
                        + "' of application '" + other.app() + "'");
            }
        }
        return Optional.empty();
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
