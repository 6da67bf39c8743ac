package dev.charms.etcd.workload;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Admin client of an etcd cluster over mTLS (jetcd): membership, maintenance, access control and a little KV.
 * One jetcd client per endpoint is built lazily, so each connection verifies the certificate of the
 * host it talks to; calls go to the endpoints in order and move on when one is unreachable.
 * Every call has a time limit. Failures are {@link EtcdAdminException}s saying whether a retry may help.
 */
public final class EtcdAdmin implements EtcdCluster {
    /** Source of the throwaway passwords of users that authenticate by certificate only. */
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    /** Default limit of one call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LONG_CALL = Duration.ofMinutes(5);
    /** Limit of one member's keyspace hash (it reads the whole backend: seconds for gigabytes). */
    private static final Duration HASH_CALL = Duration.ofSeconds(60);
    private static final List<Logger> QUIET = new ArrayList<>();

    static {
        for (String name : List.of("io.grpc", "io.netty", "io.vertx", "io.etcd")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.SEVERE);
            QUIET.add(logger);
        }
    }

    /** Connections opened ahead of time by {@link #prewarm}, each taken by the first client that needs it. */
    private static final Map<String, java.util.concurrent.FutureTask<Warm>> WARM = new java.util.concurrent.ConcurrentHashMap<>();

    /** A warm-up's outcome: the connection, or (client null) why it failed. */
    private record Warm(SslContext sslContext, Client client, Throwable failure) {
    }

    /** How many warm-up failures were reported as the failure of the call that waited for them (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger WAITED_FAILURES = new java.util.concurrent.atomic.AtomicInteger();

    /** How many prewarmed connections clients have taken over in this process (for tests). */
    static final java.util.concurrent.atomic.AtomicInteger ADOPTED = new java.util.concurrent.atomic.AtomicInteger();

    private final List<URI> endpoints;
    private final TlsPaths tls;
    private final Duration timeout;
    private final Map<URI, Client> clients = new LinkedHashMap<>();
    /** Endpoints whose client has answered a call on its own channel (which is therefore open). */
    private final java.util.Set<URI> connected = new java.util.HashSet<>();
    private SslContext sslContext;

    /** An admin client of {@code endpoints} (https client URLs) using the client identity {@code tls}. */
    public EtcdAdmin(List<URI> endpoints, TlsPaths tls, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("EtcdAdmin needs at least one endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.tls = tls;
        this.timeout = timeout;
    }

    /**
     * Starts connecting to {@code endpoint} on a background thread: TLS context, gRPC and Netty set-up and
     * the TLS handshake (about 350 ms in a fresh JVM) then overlap with whatever the process does before
     * its first etcd call. The first admin client over the same identity that calls {@code endpoint}
     * takes the connection over; a connection that failed is closed and never handed out. A failure
     * that happened while that first call was waiting for the warm-up is that call's failure (the member
     * did not answer within the limit, so it is not asked twice); one that happened before the call
     * began is forgotten, and the call connects afresh. No effect on etcd beyond a status call and one
     * serializable read.
     */
    public static void prewarm(URI endpoint, TlsPaths tls, Duration timeout) {
        java.util.concurrent.FutureTask<Warm> task = new java.util.concurrent.FutureTask<>(() -> {
            dev.charms.ops.Trace.mark("prewarm start");
            EtcdAdmin admin = new EtcdAdmin(List.of(endpoint), tls, timeout);
            admin.sslContext();
            dev.charms.ops.Trace.mark("prewarm TLS context");
            Client client = admin.builder(endpoint).build();
            dev.charms.ops.Trace.mark("prewarm client built");
            try {
                // A status call (a channel of its own, closed afterwards; fails fast when nothing listens),
                // then a local read on the client's own channel, which later calls reuse (learners serve both).
                client.getMaintenanceClient().statusMember(admin.target(endpoint)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                dev.charms.ops.Trace.mark("prewarm status");
                probe(client).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                dev.charms.ops.Trace.mark("prewarm connected");
                return new Warm(admin.sslContext, client, null);
            } catch (Exception e) {
                client.close();
                return new Warm(admin.sslContext, null, e instanceof ExecutionException ? e.getCause() : e);
            }
        });
        if (WARM.putIfAbsent(warmKey(endpoint, tls), task) == null) {
            // Netty's JDK TLS set-up (its class initialiser probes the JDK's protocols and cipher suites,
            // about 80 ms in a fresh JVM) runs alongside the reading of keys and certificates.
            Thread init = new Thread(() -> {
                try {
                    Class.forName("io.netty.handler.ssl.JdkSslContext", true, EtcdAdmin.class.getClassLoader());
                    dev.charms.ops.Trace.mark("prewarm netty TLS initialised");
                    warmHandshakeCrypto();
                    dev.charms.ops.Trace.mark("prewarm crypto warmed");
                } catch (ClassNotFoundException | LinkageError | java.security.GeneralSecurityException e) {
                    // the warm-up itself will report whatever is wrong
                }
            }, "etcd-prewarm-tls");
            init.setDaemon(true);
            init.start();
            Thread thread = new Thread(task, "etcd-prewarm");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Runs the handshake's public-key operations once on throwaway keys (P-256 key generation, ECDSA
     * signature and verification, X25519 agreement), so that the JVM has loaded, linked and partly
     * compiled that code before the real handshake needs it. Uses no key or certificate of the unit.
     */
    private static void warmHandshakeCrypto() throws java.security.GeneralSecurityException {
        java.security.KeyPairGenerator ec = java.security.KeyPairGenerator.getInstance("EC");
        ec.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        java.security.KeyPair pair = ec.generateKeyPair();
        java.security.Signature signer = java.security.Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(new byte[32]);
        byte[] signature = signer.sign();
        java.security.Signature verifier = java.security.Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.getPublic());
        verifier.update(new byte[32]);
        verifier.verify(signature);
        java.security.KeyPairGenerator x = java.security.KeyPairGenerator.getInstance("X25519");
        java.security.KeyPair a = x.generateKeyPair();
        java.security.KeyPair b = x.generateKeyPair();
        javax.crypto.KeyAgreement agreement = javax.crypto.KeyAgreement.getInstance("X25519");
        agreement.init(a.getPrivate());
        agreement.doPhase(b.getPublic(), true);
        agreement.generateSecret();
    }

    private static String warmKey(URI endpoint, TlsPaths tls) {
        return endpoint + " " + tls;
    }

    /**
     * The prewarmed connection to {@code endpoint}, if one was started (waits for it to finish); its
     * failure is kept only when this call waited for it.
     */
    private Optional<Warm> takeWarm(URI endpoint) {
        java.util.concurrent.FutureTask<Warm> task = WARM.remove(warmKey(endpoint, tls));
        if (task == null) {
            return Optional.empty();
        }
        boolean waited = !task.isDone();
        try {
            Warm warm = task.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return Optional.of(waited || warm.failure() == null ? warm : new Warm(warm.sslContext(), null, null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            task.cancel(true);
            return Optional.empty();
        }
    }

    /** A serializable count of one key: answered by the member itself, learners included, from memory. */
    private static CompletableFuture<GetResponse> probe(Client client) {
        return client.getKVClient().get(PROBE_KEY, GetOption.builder().withSerializable(true).withCountOnly(true).build());
    }

    private static final ByteSequence PROBE_KEY = ByteSequence.from("charm-round-trip", StandardCharsets.UTF_8);

    /**
     * The round-trip time, in milliseconds, of a serializable read (answered by the member itself) to the
     * member serving {@code endpoint}, on this admin's own connection to it (opened first if need be).
     */
    @Override
    public long roundTripMillis(URI endpoint) {
        boolean warm;
        synchronized (this) {
            warm = connected.contains(endpoint);
        }
        if (!warm) {
            callOn(endpoint, "read", EtcdAdmin::probe, timeout);
        }
        long start = System.nanoTime();
        callOn(endpoint, "read", EtcdAdmin::probe, timeout);
        return Math.max(0, Math.round((System.nanoTime() - start) / 1e6));
    }

    /** Every member. */
    @Override
    public List<Member> memberList() {
        return call("member list", true, c -> c.getClusterClient().listMember(), timeout)
                .getMembers().stream().map(EtcdAdmin::member).toList();
    }

    /**
     * Adds {@code peerUrl} as a learner; returns it and the membership to build its initial-cluster from.
     * Safe to repeat: when an earlier attempt was applied but its answer lost (a timeout, a leader change,
     * a member that went away mid-call), etcd answers "Peer URLs already exists" (or, within the same
     * second, whose time the new member's id hashes, "member ID already exist"), and the unstarted
     * learner that attempt made is returned.
     */
    @Override
    public AddLearnerResult addLearner(URI peerUrl) {
        String what = "member add --learner " + peerUrl;
        try {
            var r = call(what, true, c -> c.getClusterClient().addMember(List.of(peerUrl), true), timeout);
            return new AddLearnerResult(member(r.getMember()), r.getMembers().stream().map(EtcdAdmin::member).toList());
        } catch (EtcdAdminException e) {
            if (!e.getMessage().contains("Peer URLs already exists") && !e.getMessage().contains("member ID already exist")) {
                throw e;
            }
            List<Member> members = memberList();
            return members.stream()
                    .filter(m -> m.learner() && !m.started() && m.peerUrls().contains(peerUrl)).findFirst()
                    .map(m -> new AddLearnerResult(m, members))
                    .orElseThrow(() -> e);
        }
    }

    /**
     * Promotes learner {@code id}; {@link PromoteOutcome#NOT_READY} while it has not caught up. Safe to
     * repeat: a member that already votes (an earlier attempt applied, its answer lost) is PROMOTED.
     */
    @Override
    public PromoteOutcome promote(long id) {
        try {
            call("member promote " + Long.toHexString(id), true, c -> c.getClusterClient().promoteMember(id), timeout);
            return PromoteOutcome.PROMOTED;
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

    /**
     * Removes member {@code id}. Safe to repeat: a member that is already gone (an earlier attempt applied,
     * its answer lost) is not an error, since what the caller asked for holds.
     */
    @Override
    public void remove(long id) {
        try {
            call("member remove " + Long.toHexString(id), true, c -> c.getClusterClient().removeMember(id), timeout);
        } catch (EtcdAdminException e) {
            if (!e.getMessage().contains("member not found")) {
                throw e;
            }
        }
    }

    /** {@code member update}: a member's new peer URLs (its peer port or address changed). */
    @Override
    public void updatePeerUrls(long id, List<URI> peerUrls) {
        call("member update " + Long.toHexString(id), true,
                c -> c.getClusterClient().updateMember(id, peerUrls), timeout);
    }

    @Override
    public void moveLeaderAt(URI leaderEndpoint, long leaderId, long targetId) {
        callOn(leaderEndpoint, "move-leader to " + Long.toHexString(targetId),
                c -> c.getMaintenanceClient().moveLeader(targetId), timeout);
    }

    /**
     * The status of the member serving {@code endpoint}. jetcd opens a channel to the target for each
     * status call, whichever client makes it: the call goes through a client this admin already has
     * (no client of its own per member).
     */
    @Override
    public MemberStatus status(URI endpoint) {
        StatusResponse r = callVia(hub(), endpoint, "status",
                c -> c.getMaintenanceClient().statusMember(target(endpoint)), timeout);
        return new MemberStatus(endpoint, r.getHeader().getMemberId(), r.getLeader(), r.getRaftTerm(), r.getRaftIndex(),
                r.getRaftAppliedIndex(), r.getHeader().getRevision(),
                r.getDbSize(), r.getDbSizeInUse(), r.getVersion(), r.isLearner(), r.getErrorList());
    }

    /**
     * The hash of the keyspace of the member serving {@code endpoint} up to {@code revision} ({@code
     * etcdctl endpoint hashkv}), 0 for its current revision: equal on members that hold the same data.
     * Returns the hash, the member's compaction revision (the hash covers the history after it) and its
     * current revision.
     */
    @Override
    public KvHash hashKv(URI endpoint, long revision) {
        var r = callVia(hub(), endpoint, "hashkv", c -> c.getMaintenanceClient().hashKV(target(endpoint), revision), HASH_CALL);
        return new KvHash(Integer.toUnsignedLong(r.getHash()), r.getCompacted(), r.getHeader().getRevision());
    }

    /** Active alarms of the cluster. */
    @Override
    public List<Alarm> alarms() {
        return call("alarm list", true, c -> c.getMaintenanceClient().listAlarms(), timeout).getAlarms().stream()
                .map(a -> new Alarm(a.getMemberId(), a.getAlarmType().name())).toList();
    }

    /** Disarms every active NOSPACE alarm; returns the alarms that were active. */
    @Override
    public List<Alarm> disarmAll() {
        List<Alarm> active = alarms();
        for (Alarm a : active) {
            if (a.type().equals("NOSPACE")) {
                call("alarm disarm", false, c -> c.getMaintenanceClient().alarmDisarm(
                        new AlarmMember(a.memberId(), io.etcd.jetcd.maintenance.AlarmType.NOSPACE)), timeout);
            }
        }
        return active;
    }

    /** Compacts the keyspace up to {@code revision}; {@code physical} waits until the backend applied it. */
    @Override
    public void compact(long revision, boolean physical) {
        call("compact " + revision, false, c -> c.getKVClient().compact(revision,
                CompactOption.builder().withCompactPhysical(physical).build()), physical ? LONG_CALL : timeout);
    }

    /** Defragments the member serving {@code endpoint} (it is unresponsive meanwhile). */
    @Override
    public void defrag(URI endpoint) {
        callVia(hub(), endpoint, "defrag", c -> c.getMaintenanceClient().defragmentMember(target(endpoint)), LONG_CALL);
    }

    /** The cluster's current revision. */
    @Override
    public long currentRevision() {
        return call("get revision", true, c -> c.getKVClient().get(bytes("\0"),
                GetOption.builder().withCountOnly(true).build()), timeout).getHeader().getRevision();
    }

    /**
     * Streams a snapshot of the keyspace into {@code target}: written to a 0600 temp file next to
     * it, fsynced, then renamed into place. Returns its size in bytes.
     */
    @Override
    public long snapshot(Path target, Duration limit) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            long size;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                size = call("snapshot", false, c -> c.getMaintenanceClient().snapshot(out), limit);
                ch.force(true);
            }
            if (size == 0) {
                throw new EtcdAdminException("snapshot: etcd sent an empty snapshot", true, null);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.syncDirectory(dir);
            return size;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #snapshot(Path, Duration)} with a five-minute limit. */
    @Override
    public long snapshot(Path target) throws IOException {
        return snapshot(target, LONG_CALL);
    }

    /** Puts a UTF-8 key/value; returns the new revision. */
    @Override
    public long put(String key, String value) {
        return call("put", false, c -> c.getKVClient().put(bytes(key), bytes(value)), timeout).getHeader().getRevision();
    }

    /** The UTF-8 value of {@code key}, if present. */
    @Override
    public Optional<String> get(String key) {
        GetResponse r = call("get", true, c -> c.getKVClient().get(bytes(key)), timeout);
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
    }

    @Override
    public boolean putIf(String key, Optional<String> expected, String value) {
        io.etcd.jetcd.op.Cmp cmp = expected.isPresent()
                ? new io.etcd.jetcd.op.Cmp(bytes(key), io.etcd.jetcd.op.Cmp.Op.EQUAL, io.etcd.jetcd.op.CmpTarget.value(bytes(expected.get())))
                : new io.etcd.jetcd.op.Cmp(bytes(key), io.etcd.jetcd.op.Cmp.Op.EQUAL, io.etcd.jetcd.op.CmpTarget.createRevision(0));
        return call("put-if", false, c -> c.getKVClient().txn().If(cmp)
                .Then(io.etcd.jetcd.op.Op.put(bytes(key), bytes(value), io.etcd.jetcd.options.PutOption.DEFAULT))
                .commit(), timeout).isSucceeded();
    }

    /** How many keys start with {@code prefix} (empty: every key). */
    @Override
    public long count(String prefix) {
        GetOption option = prefix.isEmpty()
                ? GetOption.builder().withCountOnly(true).withRange(bytes("\0")).build()
                : GetOption.builder().withCountOnly(true).isPrefix(true).build();
        String key = prefix.isEmpty() ? "\0" : prefix;
        return call("count", true, c -> c.getKVClient().get(bytes(key), option), timeout).getCount();
    }

    @Override
    public List<String> users() {
        return call("user list", true, c -> c.getAuthClient().userList(), timeout).getUsers();
    }

    @Override
    public Optional<List<String>> userRoles(String user) {
        try {
            return Optional.of(call("user get " + user, true, c -> c.getAuthClient().userGet(bytes(user)), timeout).getRoles());
        } catch (EtcdAdminException e) {
            if (e.getMessage().contains("user name not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void addUser(String user) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String password = java.util.HexFormat.of().formatHex(random);
        callUnlessDone("user add " + user, "user name already exists", c -> c.getAuthClient().userAdd(bytes(user), bytes(password)));
    }

    @Override
    public void deleteUser(String user) {
        callUnlessDone("user delete " + user, "user name not found", c -> c.getAuthClient().userDelete(bytes(user)));
    }

    @Override
    public void grantRole(String user, String role) {
        call("user grant-role " + user + " " + role, true,
                c -> c.getAuthClient().userGrantRole(bytes(user), bytes(role)), timeout);
    }

    @Override
    public Optional<List<KeyAccess>> rolePermissions(String role) {
        try {
            return Optional.of(call("role get " + role, true, c -> c.getAuthClient().roleGet(bytes(role)), timeout)
                    .getPermissions().stream()
                    .map(p -> new KeyAccess(p.getKey().toString(StandardCharsets.UTF_8),
                            p.getRangeEnd().toString(StandardCharsets.UTF_8),
                            p.getPermType() == io.etcd.jetcd.auth.Permission.Type.READ))
                    .toList());
        } catch (EtcdAdminException e) {
            if (e.getMessage().contains("role name not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void addRole(String role) {
        callUnlessDone("role add " + role, "role name already exists", c -> c.getAuthClient().roleAdd(bytes(role)));
    }

    @Override
    public void grantPermission(String role, KeyAccess access) {
        io.etcd.jetcd.auth.Permission.Type type = access.readOnly()
                ? io.etcd.jetcd.auth.Permission.Type.READ : io.etcd.jetcd.auth.Permission.Type.READWRITE;
        call("role grant-permission " + role, true, c -> c.getAuthClient().roleGrantPermission(
                bytes(role), bytes(access.key()), bytes(access.rangeEnd()), type), timeout);
    }

    @Override
    public void deleteRole(String role) {
        callUnlessDone("role delete " + role, "role name not found", c -> c.getAuthClient().roleDelete(bytes(role)));
    }

    @Override
    public void enableAuth() {
        call("auth enable", true, c -> c.getAuthClient().authEnable(), timeout);
    }

    /** The endpoints this client uses, in order. */
    @Override
    public List<URI> endpoints() {
        return endpoints;
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(Client::close);
        clients.clear();
    }

    /**
     * A {@link #call} of an operation that is not idempotent, whose failure naming {@code alreadyDone} means its
     * effect is already there (the user or role exists, or is gone).
     */
    private <T> void callUnlessDone(String what, String alreadyDone, Function<Client, CompletableFuture<T>> op) {
        try {
            call(what, false, op, timeout);
        } catch (EtcdAdminException e) {
            if (!e.getMessage().contains(alreadyDone)) {
                throw e;
            }
        }
    }

    /**
     * {@code op} on each endpoint in turn until one answers. A refusal that retrying will not change ends
     * the round at once; when every endpoint failed in a way that may pass later, the failure names each
     * endpoint's answer (the members can disagree for a moment, after a membership change).
     */
    private <T> T call(String what, boolean idempotent, Function<Client, CompletableFuture<T>> op, Duration limit) {
        List<EtcdAdminException> failures = new ArrayList<>();
        for (URI endpoint : endpoints) {
            try {
                return callOn(endpoint, what, op, limit);
            } catch (EtcdAdminException e) {
                if (!e.retryable() || !(idempotent || unreachable(e))) {
                    throw e;
                }
                failures.add(e);
            }
        }
        EtcdAdminException last = failures.get(failures.size() - 1);
        if (failures.size() == 1) {
            throw last;
        }
        String each = failures.stream().map(EtcdAdminException::getMessage).collect(Collectors.joining("; "));
        throw new EtcdAdminException(each, true, last);
    }

    /** A call on the client of {@code endpoint}, over that client's own channel to it. */
    private <T> T callOn(URI endpoint, String what, Function<Client, CompletableFuture<T>> op, Duration limit) {
        T result = callVia(client(endpoint), endpoint, what, op, limit);
        synchronized (this) {
            connected.add(endpoint);
        }
        return result;
    }

    /**
     * Any client already built (the prewarmed one, typically), else one for the first endpoint: calls
     * that name their target member need no channel of the client's own.
     */
    private Client hub() {
        synchronized (this) {
            if (!clients.isEmpty()) {
                return clients.values().iterator().next();
            }
        }
        try {
            return client(endpoints.get(0));
        } catch (RuntimeException warmUpFailed) {
            Client fresh = builder(endpoints.get(0)).build();
            synchronized (this) {
                Client raced = clients.putIfAbsent(endpoints.get(0), fresh);
                if (raced != null) {
                    fresh.close();
                    return raced;
                }
                return fresh;
            }
        }
    }

    private <T> T callVia(Client client, URI endpoint, String what, Function<Client, CompletableFuture<T>> op, Duration limit) {
        CompletableFuture<T> future;
        try {
            future = op.apply(client);
        } catch (EtcdAdminException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(what, endpoint, e);
        }
        try {
            return future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new EtcdAdminException(what + " on " + endpoint + ": timed out after " + limit.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new EtcdAdminException(what + " on " + endpoint + ": interrupted", true, e);
        } catch (ExecutionException e) {
            throw failure(what, endpoint, e.getCause());
        }
    }

    private static boolean unreachable(EtcdAdminException e) {
        return e.getCause() != null && code(e.getCause()) == ErrorCode.UNAVAILABLE;
    }

    private static EtcdAdminException failure(String what, URI endpoint, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && !(root instanceof EtcdException)) {
            root = root.getCause();
        }
        String message = CommandRunner.oneLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
        return new EtcdAdminException(what + " on " + endpoint + ": " + message, retryable(code(root), message), root);
    }

    /** The gRPC-level error code of a failure: connection problems count as UNAVAILABLE. */
    private static ErrorCode code(Throwable root) {
        if (root instanceof EtcdException ee) {
            String message = String.valueOf(ee.getMessage()).toLowerCase(java.util.Locale.ROOT);
            // The member went away under an open connection: as unreachable as a refused one.
            return message.contains("channel closed") || message.contains("connection reset")
                    ? ErrorCode.UNAVAILABLE : ee.getErrorCode();
        }
        io.grpc.Status.Code grpc = io.grpc.Status.fromThrowable(root).getCode();
        if (grpc != io.grpc.Status.Code.UNKNOWN && grpc != io.grpc.Status.Code.OK) {
            return ErrorCode.valueOf(grpc.name());
        }
        return root instanceof IOException ? ErrorCode.UNAVAILABLE : ErrorCode.UNKNOWN;
    }

    private static boolean retryable(ErrorCode code, String message) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED -> true;
            default -> message.contains("unhealthy cluster") || message.contains("too many learner")
                    || message.contains("in sync with leader") || message.contains("leader changed")
                    || message.contains("not leader") || message.contains("no leader")
                    || message.contains("request timed out") || message.contains("not enough started members");
        };
    }

    /**
     * The client of {@code endpoint}, built on first use (or taken over from a prewarmed connection).
     * Building happens outside the lock: calls to different members open their connections in parallel.
     */
    private Client client(URI endpoint) {
        synchronized (this) {
            Client existing = clients.get(endpoint);
            if (existing != null) {
                return existing;
            }
        }
        Optional<Warm> warm = takeWarm(endpoint);
        if (warm.isPresent() && warm.get().failure() != null) {
            WAITED_FAILURES.incrementAndGet();
            Throwable f = warm.get().failure();
            if (f instanceof TimeoutException) {
                throw new EtcdAdminException("connecting to " + endpoint + ": no answer within " + timeout.toMillis() + " ms", true, f);
            }
            throw f instanceof RuntimeException re ? re : new IllegalStateException(f.getMessage(), f);
        }
        Client built;
        if (warm.isPresent() && warm.get().client() != null) {
            ADOPTED.incrementAndGet();
            built = warm.get().client();
        } else {
            built = builder(endpoint).build();
        }
        synchronized (this) {
            if (warm.isPresent() && sslContext == null) {
                sslContext = warm.get().sslContext();
            }
            Client raced = clients.putIfAbsent(endpoint, built);
            if (raced != null) {
                built.close();
                return raced;
            }
            return built;
        }
    }

    private ClientBuilder builder(URI endpoint) {
        if (!"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("etcd endpoint " + endpoint + " must be https");
        }
        return Client.builder()
                .endpoints(endpoint)
                .sslContext(sslContext())
                .connectTimeout(timeout)
                .retryMaxDuration(timeout)
                .retryMaxAttempts(2)
                .retryDelay(200)
                .waitForReady(false);
    }

    private String target(URI endpoint) {
        return Client.builder().endpoints(endpoint).target();
    }

    private synchronized SslContext sslContext() {
        if (sslContext == null) {
            sslContext = clientTlsContext(tls);
        }
        return sslContext;
    }

    /**
     * The mutual-TLS context of gRPC's Netty transport, as {@code GrpcSslContexts.forClient()} configures
     * it (ALPN h2, HTTP/2 cipher suites, the JDK's TLS), around the JDK context of {@link
     * TlsContexts#sslContext}: cheaper in a fresh JVM than Netty's builder, which would put the key into a
     * PKCS#12 store first (10,000 rounds of PBKDF2).
     */
    static SslContext clientTlsContext(TlsPaths tls) {
        return new io.netty.handler.ssl.JdkSslContext(TlsContexts.sslContext(tls), true,
                io.netty.handler.codec.http2.Http2SecurityUtil.CIPHERS, io.netty.handler.ssl.SupportedCipherSuiteFilter.INSTANCE,
                new io.netty.handler.ssl.ApplicationProtocolConfig(io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"),
                io.netty.handler.ssl.ClientAuth.NONE, null, false);
    }

    private static Member member(io.etcd.jetcd.cluster.Member m) {
        return new Member(m.getId(), m.getName(), m.getPeerURIs(), m.getClientURIs(), m.isLearner());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
