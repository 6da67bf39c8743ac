package dev.charms.etcd.fakes;

import dev.charms.etcd.workload.AddLearnerResult;
import dev.charms.etcd.workload.Alarm;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.KeyAccess;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.etcd.workload.PromoteOutcome;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * A client of an {@link InMemoryEtcd} from one machine, behaving as {@code EtcdAdmin} does towards real
 * etcd: calls go to the endpoints in order and move on past those that do not answer (or whose member
 * has no leader, or is a learner for what learners do not serve); a refusal that retrying cannot change
 * ends the call at once; when every endpoint failed, the failure names each answer. Failures are
 * {@link EtcdAdminException}s with etcd's own messages, which the charm reads ("in sync with leader",
 * "member not found", "Peer URLs already exists").
 */
final class InMemoryEtcdClient implements EtcdCluster {
    private static final String SNAPSHOT_MAGIC = "in-memory etcd snapshot\n";

    private final InMemoryEtcd etcd;
    private final InMemoryHost from;
    private final List<URI> endpoints;
    /** Failures gRPC reports as UNAVAILABLE: EtcdAdmin moves on past them even for writes. */
    private final Set<EtcdAdminException> unavailable = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;
    /** {@link InMemoryEtcd#membershipChanges} when this client last read the member list; -1 before. */
    private int membershipSeen = -1;
    private String identityPem;
    private String identityCn;

    InMemoryEtcdClient(InMemoryEtcd etcd, InMemoryHost from, List<URI> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("EtcdAdmin needs at least one endpoint");
        }
        this.etcd = etcd;
        this.from = from;
        this.endpoints = List.copyOf(endpoints);
    }

    private EtcdAdminException unavailable(String what, URI endpoint, String why) {
        EtcdAdminException e = new EtcdAdminException(what + " on " + endpoint + ": " + why, true, null);
        unavailable.add(e);
        return e;
    }

    private static EtcdAdminException refused(String what, URI endpoint, String why, boolean retryable) {
        return new EtcdAdminException(what + " on " + endpoint + ": " + why, retryable, null);
    }

    /** The member answering at {@code endpoint}, or the failure a client gets there. */
    private InMemoryEtcd.Record reach(String what, URI endpoint) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        if (!"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("etcd endpoint " + endpoint + " must be https");
        }
        InMemoryEtcd.Record m = etcd.answering(from, endpoint)
                .orElseThrow(() -> unavailable(what, endpoint, "UNAVAILABLE: io exception (connection refused)"));
        if (etcd.authEnabled && !etcd.users.getOrDefault(identity(), List.of()).contains("root")) {
            // etcd with authentication on and client-cert-auth: the certificate's CN is the user.
            throw refused(what, endpoint, "etcdserver: permission denied", false);
        }
        return m;
    }

    /** The CN of the client certificate this machine's charm talks to etcd with. */
    private String identity() {
        String pem = from.clientCertificatePem();
        if (pem == null) {
            return "";
        }
        if (!pem.equals(identityPem)) {
            identityPem = pem;
            identityCn = dev.charms.etcd.pki.CertificateInfo.parse(pem).subjectCommonName();
        }
        return identityCn;
    }

    /** As {@link #reach}, for requests that go through raft (a leader is needed) and that learners refuse. */
    private InMemoryEtcd.Record proposer(String what, URI endpoint, boolean learnerServes) {
        InMemoryEtcd.Record m = reach(what, endpoint);
        if (m.learner && !learnerServes) {
            throw unavailable(what, endpoint, "etcdserver: rpc not supported for learner");
        }
        if (etcd.leaderSeenBy(m.id) == 0) {
            throw unavailable(what, endpoint, "etcdserver: no leader");
        }
        return m;
    }

    /** {@code op} on each endpoint in turn until one answers (EtcdAdmin's rule of moving on). */
    private <T> T call(String what, boolean idempotent, BiFunction<URI, String, T> op) {
        List<EtcdAdminException> failures = new ArrayList<>();
        for (URI endpoint : endpoints) {
            try {
                return op.apply(endpoint, what);
            } catch (EtcdAdminException e) {
                if (!e.retryable() || !(idempotent || unavailable.contains(e))) {
                    throw e;
                }
                failures.add(e);
            }
        }
        EtcdAdminException last = failures.get(failures.size() - 1);
        if (failures.size() == 1) {
            throw last;
        }
        throw new EtcdAdminException(failures.stream().map(EtcdAdminException::getMessage)
                .collect(Collectors.joining("; ")), true, last);
    }

    @Override
    public long roundTripMillis(URI endpoint) {
        reach("read", endpoint);
        return 0;
    }

    @Override
    public List<Member> memberList() {
        return call("member list", true, (endpoint, what) -> {
            reach(what, endpoint);
            membershipSeen = etcd.membershipChanges;
            return etcd.members();
        });
    }

    @Override
    public AddLearnerResult addLearner(URI peerUrl) {
        String what = "member add --learner " + peerUrl;
        try {
            return call(what, true, (endpoint, w) -> {
                proposer(w, endpoint, false);
                if (etcd.records().stream().anyMatch(r -> r.peerUrls.contains(peerUrl))) {
                    throw refused(w, endpoint, "etcdserver: Peer URLs already exists", false);
                }
                if (etcd.records().stream().anyMatch(r -> r.learner)) {
                    throw refused(w, endpoint, "etcdserver: too many learner members in cluster", true);
                }
                InMemoryEtcd.Record added = etcd.addLearner(peerUrl);
                return new AddLearnerResult(added.toMember(), etcd.members());
            });
        } catch (EtcdAdminException e) {
            if (!e.getMessage().contains("Peer URLs already exists")) {
                throw e;
            }
            List<Member> members = memberList();
            return members.stream().filter(m -> m.learner() && !m.started() && m.peerUrls().contains(peerUrl)).findFirst()
                    .map(m -> new AddLearnerResult(m, members)).orElseThrow(() -> e);
        }
    }

    @Override
    public PromoteOutcome promote(long id) {
        try {
            return call("member promote " + Long.toHexString(id), true, (endpoint, what) -> {
                InMemoryEtcd.Record leader = etcd.record(etcd.leaderSeenBy(proposer(what, endpoint, false).id));
                InMemoryEtcd.Record r = existing(what, endpoint, id);
                if (!r.learner) {
                    throw refused(what, endpoint, "etcdserver: can only promote a learner member", false);
                }
                if (r.name.isEmpty() || !etcd.reachableBetween(leader.id, id)) {
                    throw refused(what, endpoint, "etcdserver: can only promote a learner member which is in sync with leader", true);
                }
                etcd.promote(r);
                return PromoteOutcome.PROMOTED;
            });
        } catch (EtcdAdminException e) {
            if (e.getMessage().contains("in sync with leader")) {
                return PromoteOutcome.NOT_READY;
            }
            if (e.getMessage().contains("can only promote a learner member")
                    && memberList().stream().anyMatch(m -> m.id() == id && !m.learner())) {
                return PromoteOutcome.PROMOTED;
            }
            throw e;
        }
    }

    private InMemoryEtcd.Record existing(String what, URI endpoint, long id) {
        InMemoryEtcd.Record r = etcd.record(id);
        if (r == null) {
            throw refused(what, endpoint, "etcdserver: member not found", false);
        }
        return r;
    }

    @Override
    public void remove(long id) {
        try {
            call("member remove " + Long.toHexString(id), true, (endpoint, what) -> {
                proposer(what, endpoint, false);
                InMemoryEtcd.Record target = existing(what, endpoint, id);
                if (membershipSeen != etcd.membershipChanges) {
                    // The caller's quorum arithmetic was made on a membership that has changed since.
                    etcd.log("outdated: remove " + target.name + " decided without seeing the latest membership change");
                }
                etcd.remove(target);
                return null;
            });
        } catch (EtcdAdminException e) {
            if (!e.getMessage().contains("member not found")) {
                throw e;
            }
        }
    }

    @Override
    public void updatePeerUrls(long id, List<URI> peerUrls) {
        call("member update " + Long.toHexString(id), true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            InMemoryEtcd.Record r = existing(what, endpoint, id);
            if (etcd.records().stream().anyMatch(o -> o.id != id && o.peerUrls.stream().anyMatch(peerUrls::contains))) {
                throw refused(what, endpoint, "etcdserver: Peer URLs already exists", false);
            }
            etcd.updatePeerUrls(r, peerUrls);
            return null;
        });
    }

    @Override
    public void moveLeaderAt(URI at, long leader, long targetId) {
        String what = "move-leader to " + Long.toHexString(targetId);
        InMemoryEtcd.Record answering = reach(what, at);
        if (answering.id != leader) {
            throw refused(what, at, "etcdserver: not leader", true);
        }
        InMemoryEtcd.Record target = etcd.record(targetId);
        if (target == null || target.learner || !etcd.reachableBetween(leader, targetId)) {
            throw refused(what, at, "etcdserver: bad leader transferee", false);
        }
        etcd.transferLeadership(target);
    }

    @Override
    public MemberStatus status(URI endpoint) {
        InMemoryEtcd.Record m = reach("status", endpoint);
        List<String> errors = etcd.alarms.stream().filter(a -> a.memberId() == m.id)
                .map(a -> "memberID:" + m.id + " alarm:" + a.type()).toList();
        long size = etcd.keyspace.toString().length() + 4096L;
        return new MemberStatus(endpoint, m.id, etcd.leaderSeenBy(m.id), etcd.raftTerm(), etcd.raftIndex(), etcd.raftIndex(),
                etcd.revision, size, size, InMemoryHost.ETCD_VERSION.toString(), m.learner, errors);
    }

    @Override
    public KvHash hashKv(URI endpoint, long revision) {
        reach("hashkv", endpoint);
        return new KvHash(Integer.toUnsignedLong(etcd.keyspace.hashCode()), etcd.compacted, etcd.revision);
    }

    @Override
    public List<Alarm> alarms() {
        return call("alarm list", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return List.copyOf(etcd.alarms);
        });
    }

    @Override
    public List<Alarm> disarmAll() {
        List<Alarm> active = alarms();
        call("alarm disarm", false, (endpoint, what) -> {
            proposer(what, endpoint, false);
            etcd.alarms.removeIf(a -> a.type().equals("NOSPACE"));
            etcd.applied("alarm disarm");
            return null;
        });
        return active;
    }

    @Override
    public void compact(long revision, boolean physical) {
        call("compact " + revision, false, (endpoint, what) -> {
            proposer(what, endpoint, false);
            if (revision > etcd.revision) {
                throw refused(what, endpoint, "etcdserver: mvcc: required revision is a future revision", false);
            }
            if (revision <= etcd.compacted) {
                throw refused(what, endpoint, "etcdserver: mvcc: required revision has been compacted", false);
            }
            etcd.compacted = revision;
            etcd.applied("compact " + revision);
            return null;
        });
    }

    @Override
    public void defrag(URI endpoint) {
        reach("defrag", endpoint);
    }

    @Override
    public long currentRevision() {
        return call("get revision", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return etcd.revision;
        });
    }

    @Override
    public long snapshot(Path target, Duration limit) throws IOException {
        String content = call("snapshot", false, (endpoint, what) -> {
            reach(what, endpoint);
            return SNAPSHOT_MAGIC + etcd.revision + "\n" + etcd.keyspace;
        });
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return Files.size(target);
    }

    @Override
    public long snapshot(Path target) throws IOException {
        return snapshot(target, Duration.ofMinutes(5));
    }

    @Override
    public long put(String key, String value) {
        return call("put", false, (endpoint, what) -> {
            proposer(what, endpoint, false);
            if (etcd.alarms.stream().anyMatch(a -> a.type().equals("NOSPACE"))) {
                throw refused(what, endpoint, "etcdserver: mvcc: database space exceeded", false);
            }
            etcd.keyspace.put(key, value);
            etcd.revision++;
            etcd.applied("put " + key);
            return etcd.revision;
        });
    }

    @Override
    public Optional<String> get(String key) {
        return call("get", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return Optional.ofNullable(etcd.keyspace.get(key));
        });
    }

    @Override
    public boolean putIf(String key, Optional<String> expected, String value) {
        return call("put-if", false, (endpoint, what) -> {
            proposer(what, endpoint, false);
            synchronized (etcd) { // one transaction: the comparison and the put are applied together
                if (!expected.equals(Optional.ofNullable(etcd.keyspace.get(key)))) {
                    return false;
                }
                if (etcd.alarms.stream().anyMatch(a -> a.type().equals("NOSPACE"))) {
                    throw refused(what, endpoint, "etcdserver: mvcc: database space exceeded", false);
                }
                etcd.keyspace.put(key, value);
                etcd.revision++;
                etcd.applied("put " + key);
                return true;
            }
        });
    }

    @Override
    public long count(String prefix) {
        return call("count", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return etcd.keyspace.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        });
    }

    @Override
    public List<String> users() {
        return call("user list", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return List.copyOf(etcd.users.keySet());
        });
    }

    @Override
    public Optional<List<String>> userRoles(String user) {
        return call("user get", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return Optional.ofNullable(etcd.users.get(user)).map(List::copyOf);
        });
    }

    @Override
    public void addUser(String user) {
        authWrite("user add " + user, () -> etcd.users.putIfAbsent(user, new ArrayList<>()));
    }

    @Override
    public void deleteUser(String user) {
        authWrite("user delete " + user, () -> {
            if (etcd.authEnabled && user.equals("root")) {
                throw new EtcdAdminException("user delete: etcdserver: invalid auth management", false, null);
            }
            etcd.users.remove(user);
        });
    }

    @Override
    public void grantRole(String user, String role) {
        authWrite("user grant-role " + user + " " + role, () -> {
            if (!etcd.users.containsKey(user)) {
                throw new EtcdAdminException("user grant-role: etcdserver: user name not found", false, null);
            }
            if (!role.equals("root") && !etcd.roles.containsKey(role)) {
                throw new EtcdAdminException("user grant-role: etcdserver: role name not found", false, null);
            }
            if (!etcd.users.get(user).contains(role)) {
                etcd.users.get(user).add(role);
            }
        });
    }

    @Override
    public Optional<List<KeyAccess>> rolePermissions(String role) {
        return call("role get", true, (endpoint, what) -> {
            proposer(what, endpoint, false);
            return role.equals("root") ? Optional.of(List.<KeyAccess>of())
                    : Optional.ofNullable(etcd.roles.get(role)).map(List::copyOf);
        });
    }

    @Override
    public void addRole(String role) {
        authWrite("role add " + role, () -> {
            if (!role.equals("root")) {
                etcd.roles.putIfAbsent(role, new ArrayList<>());
            }
        });
    }

    @Override
    public void grantPermission(String role, KeyAccess access) {
        authWrite("role grant-permission " + role, () -> {
            List<KeyAccess> perms = etcd.roles.get(role);
            if (perms == null) {
                throw new EtcdAdminException("role grant-permission: etcdserver: role name not found", false, null);
            }
            perms.removeIf(p -> p.key().equals(access.key()) && p.rangeEnd().equals(access.rangeEnd()));
            perms.add(access);
        });
    }

    @Override
    public void deleteRole(String role) {
        authWrite("role delete " + role, () -> {
            if (etcd.roles.remove(role) != null) {
                etcd.users.values().forEach(r -> r.remove(role));
            }
        });
    }

    @Override
    public void enableAuth() {
        authWrite("auth enable", () -> {
            if (!etcd.users.getOrDefault("root", List.of()).contains("root")) {
                throw new EtcdAdminException("auth enable: etcdserver: root user does not exist", false, null);
            }
            etcd.authEnabled = true;
        });
    }

    /** A change of users or roles: through raft, like a write. */
    private void authWrite(String what, Runnable change) {
        call(what, false, (endpoint, w) -> {
            proposer(w, endpoint, false);
            change.run();
            etcd.applied(w);
            return null;
        });
    }

    @Override
    public List<URI> endpoints() {
        return endpoints;
    }

    @Override
    public void close() {
        closed = true;
    }
}
