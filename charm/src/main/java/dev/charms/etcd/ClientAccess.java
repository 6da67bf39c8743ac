package dev.charms.etcd;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.KeyAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The users and roles the charm keeps in etcd (docs/client-access.md). With etcd's authentication on and
 * {@code client-cert-auth}, etcd takes the common name (CN) of a client certificate as the user name, so
 * every identity is a certificate CN:
 * <ul>
 * <li>{@code root} (role {@code root}, required by etcd before authentication is turned on): the charm's
 * own identity, the CN of the client certificate each unit makes for itself ({@link RootIdentity}). No
 * client is ever given a certificate with this name.</li>
 * <li>{@code etcd-client-<app>} for each application on the {@code db} relation, with its role
 * {@code db-<cn>}: read-write on every key (the access that relation always gave).</li>
 * <li>the CN of the client certificate of each application on the {@code etcd-client} relation, with its
 * role {@code relation-<cn>}: read-write on the keys under the prefix it asked for.</li>
 * <li>a CN issued by {@code generate-client-certificates}, with its role {@code action-<cn>}: read-write
 * (or read-only) on every key, or on the keys under one prefix.</li>
 * </ul>
 * Every user's password is random and never kept: users authenticate only by certificate. Changes are
 * safe to repeat.
 */
public final class ClientAccess {
    public static final String ROOT = "root";
    static final String DB_ROLE = "db-";
    static final String ACTION_ROLE = "action-";
    static final String RELATION_ROLE = dev.charms.etcd.etcdclient.EtcdClientV0.ROLE_PREFIX;
    /** CN prefix of the {@code db} relation's client certificates. */
    public static final String DB_CN_PREFIX = "etcd-client-";
    private static final Pattern PREFIX = Pattern.compile("^[\\x21-\\x7e]{1,256}$");

    private final EtcdCluster etcd;

    public ClientAccess(EtcdCluster etcd) {
        this.etcd = etcd;
    }

    /** Where a user comes from, as {@code list-clients} says it. */
    public enum Source {
        CHARM("the charm's own identity (role root)"),
        DB("the db relation"),
        RELATION("the etcd-client relation"),
        ACTION("generate-client-certificates"),
        OTHER("not managed by the charm");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One user and its access. */
    public record Client(String user, Source source, List<String> roles, List<KeyAccess> access) {
        /** The access in words: "root", "read-write on every key", ... */
        public String describeAccess() {
            if (roles.contains(ROOT)) {
                return "root (every operation)";
            }
            if (access.isEmpty()) {
                return "none";
            }
            return String.join("; ", access.stream().map(KeyAccess::describe).toList());
        }
    }

    /** The db relation's CN for {@code app}. */
    public static String dbCommonName(String app) {
        return DB_CN_PREFIX + app;
    }

    /**
     * The user {@code root} with the role {@code root}: the charm's own identity, and what etcd requires
     * before authentication is turned on.
     */
    public void ensureRoot() {
        grantRoot(ROOT);
    }

    private void grantRoot(String user) {
        boolean holds = etcd.userRoles(user).map(r -> r.contains(ROOT)).orElse(false);
        if (!holds) {
            etcd.addUser(user);
            etcd.grantRole(user, ROOT);
        }
    }

    /** The db relation user for {@code app}: read-write on every key. */
    public void ensureDbClient(String app) {
        String cn = dbCommonName(app);
        ensureUser(cn, DB_ROLE + cn, KeyAccess.everything(false));
    }

    /** Removes the db relation user of {@code app} and its role (its relation is gone). */
    public void removeDbClient(String app) {
        String cn = dbCommonName(app);
        etcd.deleteUser(cn);
        etcd.deleteRole(DB_ROLE + cn);
    }

    private void ensureUser(String user, String role, KeyAccess access) {
        Optional<List<KeyAccess>> perms = etcd.rolePermissions(role);
        if (perms.isEmpty() || !perms.get().equals(List.of(access))) {
            etcd.addRole(role);
            etcd.grantPermission(role, access);
        }
        if (!etcd.userRoles(user).map(r -> r.contains(role)).orElse(false)) {
            etcd.addUser(user);
            etcd.grantRole(user, role);
        }
    }

    /**
     * An {@code etcd-client} relation's user: {@code user} with read-write on the keys under
     * {@code prefix} only. A role that held another prefix is made again, so no access it had remains.
     */
    public void grantRelationClient(String user, String prefix) {
        String role = RELATION_ROLE + user;
        KeyAccess access = KeyAccess.prefix(prefix, false);
        Optional<List<KeyAccess>> perms = etcd.rolePermissions(role);
        if (perms.isPresent() && !perms.get().equals(List.of(access))) {
            etcd.deleteRole(role);
        }
        ensureUser(user, role, access);
    }

    /** Removes an {@code etcd-client} relation's user and its role: its certificate is refused every key at once. */
    public void removeRelationClient(String user) {
        etcd.deleteUser(user);
        etcd.deleteRole(RELATION_ROLE + user);
    }

    /** Turns authentication on (the charm's identities must exist: {@link #ensureCharmIdentities}). */
    public void enable() {
        etcd.enableAuth();
    }

    /**
     * Checks a prefix asked for: an absolute key path, 1 to 256 printable ASCII characters without blanks
     * starting with {@code /}. Empty when it is fine, else why not.
     */
    public static Optional<String> prefixProblem(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return Optional.of("the prefix is empty (a client limited to a prefix needs one; leave prefix out for every key)");
        }
        if (!PREFIX.matcher(prefix).matches()) {
            return Optional.of("the prefix '" + prefix + "' is not 1 to 256 printable ASCII characters without blanks");
        }
        if (!prefix.startsWith("/")) {
            return Optional.of("the prefix '" + prefix + "' is relative; it must start with '/' (for example '/" + prefix + "')");
        }
        return Optional.empty();
    }

    /** Whether two prefixes share keys: one starts with the other. */
    public static boolean overlaps(String a, String b) {
        return a.startsWith(b) || b.startsWith(a);
    }

    /**
     * The users other than {@code exceptUser} limited to a prefix that shares keys with {@code prefix}
     * (for a caller that gives each client a prefix of its own, such as a relation's requirers).
     */
    public List<Client> overlapping(String prefix, String exceptUser) {
        return list().stream().filter(c -> !c.user().equals(exceptUser))
                .filter(c -> c.access().stream().flatMap(a -> a.asPrefix().stream()).anyMatch(p -> overlaps(p, prefix)))
                .toList();
    }

    /**
     * Why {@code cn} cannot be given to a client of {@code generate-client-certificates}, if it cannot:
     * the charm's own name ({@code root}) and the db relation's CNs.
     */
    public static Optional<String> reservedName(String cn) {
        if (cn.equals(ROOT)) {
            return Optional.of("common-name 'root' is etcd's root user, which only the charm holds");
        }
        if (cn.startsWith(DB_CN_PREFIX)) {
            return Optional.of("common-name '" + cn + "' starts with '" + DB_CN_PREFIX
                    + "', which the db relation's clients are named by");
        }
        return Optional.empty();
    }

    /**
     * A {@code generate-client-certificates} user: {@code cn} with {@code access}. A CN that is already a
     * user with other access is refused (revoke it first), so nothing granted before changes silently; the
     * same CN with the same access is fine (another certificate for the same client).
     */
    public void grantActionClient(String cn, KeyAccess access) {
        Optional<List<String>> roles = etcd.userRoles(cn);
        String role = ACTION_ROLE + cn;
        if (roles.isPresent()) {
            Client existing = describe(cn, roles.get());
            if (existing.source() != Source.ACTION) {
                throw new AccessRefused("common-name '" + cn + "' is already an etcd user (" + existing.source().description()
                        + "); choose another common-name");
            }
            if (!existing.access().equals(List.of(access))) {
                throw new AccessRefused("common-name '" + cn + "' already has " + existing.describeAccess()
                        + "; run revoke-client common-name=" + cn + " first or ask for the same access");
            }
        }
        ensureUser(cn, role, access);
    }

    /**
     * A {@code generate-client-certificates} user with read-write access on every key, unless {@code cn}
     * is already a user (whatever its access): a certificate issued before authentication was on.
     */
    public void ensureLegacyActionClient(String cn) {
        if (etcd.userRoles(cn).isEmpty()) {
            ensureUser(cn, ACTION_ROLE + cn, KeyAccess.everything(false));
        }
    }

    /** Removes a {@code generate-client-certificates} user and its role; refuses any other user. */
    public Client revokeActionClient(String cn) {
        Optional<List<String>> roles = etcd.userRoles(cn);
        if (roles.isEmpty()) {
            throw new AccessRefused("no etcd user '" + cn + "'; list-clients shows the users the charm manages");
        }
        Client existing = describe(cn, roles.get());
        if (existing.source() != Source.ACTION) {
            throw new AccessRefused("user '" + cn + "' is " + existing.source().description()
                    + ", not a client made by generate-client-certificates; only those can be revoked");
        }
        etcd.deleteUser(cn);
        etcd.deleteRole(ACTION_ROLE + cn);
        return existing;
    }

    /** Every user etcd has, with where it comes from and its access. */
    public List<Client> list() {
        return etcd.users().stream().sorted().map(u -> describe(u, etcd.userRoles(u).orElse(List.of()))).toList();
    }

    private Client describe(String user, List<String> roles) {
        Source source;
        if (roles.contains(ROOT)) {
            source = Source.CHARM;
        } else if (roles.equals(List.of(DB_ROLE + user))) {
            source = Source.DB;
        } else if (roles.equals(List.of(RELATION_ROLE + user))) {
            source = Source.RELATION;
        } else if (roles.equals(List.of(ACTION_ROLE + user))) {
            source = Source.ACTION;
        } else {
            source = Source.OTHER;
        }
        List<KeyAccess> access = roles.stream().filter(r -> !r.equals(ROOT))
                .flatMap(r -> etcd.rolePermissions(r).orElse(List.of()).stream()).toList();
        return new Client(user, source, roles, access);
    }

    /** The {@code list-clients} results: one entry per user, keyed by a counter (user names may hold dots). */
    public static Map<String, Object> results(List<Client> clients) {
        Map<String, Object> out = new LinkedHashMap<>();
        int i = 0;
        for (Client c : clients) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("user", c.user());
            one.put("source", c.source().description());
            one.put("access", c.describeAccess());
            c.access().stream().filter(a -> a.asPrefix().isPresent()).findFirst()
                    .ifPresent(a -> one.put("prefix", a.asPrefix().get()));
            out.put(String.format("client-%02d", i++), one);
        }
        out.put("count", clients.size());
        return out;
    }

    /** A refusal of an access change, with the reason for the operator. */
    public static final class AccessRefused extends RuntimeException {
        public AccessRefused(String message) {
            super(message);
        }
    }
}
