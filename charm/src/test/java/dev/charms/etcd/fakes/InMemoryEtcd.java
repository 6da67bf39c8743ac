package dev.charms.etcd.fakes;

import dev.charms.etcd.workload.Alarm;
import dev.charms.etcd.workload.EtcdConfig;
import dev.charms.etcd.workload.InitialCluster;
import dev.charms.etcd.workload.InitialClusterState;
import dev.charms.etcd.workload.Member;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One simulated etcd cluster, shared by the {@link InMemoryHost}s of a scenario's units: its members
 * (ids, names, peer and client URLs, learner flag), which machine's etcd process serves each, raft
 * leadership, and a small keyspace. A member is reachable while its machine's etcd runs and neither side
 * is cut off by {@link #isolate}; raft has a leader only while the reachable voting members are a
 * majority, and membership changes and quorum reads need one, as in real etcd. Clients of it are made by
 * {@link InMemoryHost#cluster} ({@link InMemoryEtcdClient}). Everything it did is in {@link #history()}.
 */
public final class InMemoryEtcd {
    /** A member as etcd's member list keeps it. */
    static final class Record {
        final long id;
        String name = "";
        List<URI> peerUrls;
        List<URI> clientUrls = List.of();
        boolean learner;

        Record(long id, List<URI> peerUrls, boolean learner) {
            this.id = id;
            this.peerUrls = List.copyOf(peerUrls);
            this.learner = learner;
        }

        Member toMember() {
            return new Member(id, name, peerUrls, clientUrls, learner);
        }
    }

    private final Map<Long, Record> members = new LinkedHashMap<>();
    /** Member id to the machine whose etcd process serves it now. */
    private final Map<Long, InMemoryHost> serving = new LinkedHashMap<>();
    private final Map<String, InMemoryHost> hostsByAddress = new LinkedHashMap<>();
    private final Set<InMemoryHost> isolated = new HashSet<>();
    private final List<String> history = new ArrayList<>();
    final TreeMap<String, String> keyspace = new TreeMap<>();
    /** etcd's users and the roles each holds (access control; the role {@code root} is built in). */
    final TreeMap<String, List<String>> users = new TreeMap<>();
    /** etcd's roles and their permissions. */
    final TreeMap<String, List<dev.charms.etcd.workload.KeyAccess>> roles = new TreeMap<>();
    /** Whether authentication is on. */
    boolean authEnabled;
    final List<Alarm> alarms = new ArrayList<>();
    long revision = 1;
    long compacted;
    private String token = "";
    private long leaderId;
    private long term;
    private long raftIndex;
    private long addedMembers;

    void register(InMemoryHost host) {
        if (hostsByAddress.putIfAbsent(host.address(), host) != null) {
            throw new IllegalArgumentException("two machines with address " + host.address());
        }
    }

    // ------------------------------------------------------------------ what tests see and do

    /** etcd's member list now. */
    public List<Member> members() {
        return members.values().stream().map(Record::toMember).toList();
    }

    /** The member with this name, if any. */
    public Optional<Member> member(String name) {
        return members.values().stream().filter(r -> r.name.equals(name)).map(Record::toMember).findFirst();
    }

    /** Names of the started voting members, in member-list order. */
    public List<String> voterNames() {
        return members.values().stream().filter(r -> !r.learner && !r.name.isEmpty()).map(r -> r.name).toList();
    }

    /** The name of the raft leader as the reachable majority sees it; empty when there is none. */
    public String leaderName() {
        long id = electedLeader();
        Record r = members.get(id);
        return r == null ? "" : r.name;
    }

    /** Raft elects {@code name} (as after an election that member happened to win). */
    public void electLeader(String name) {
        Record r = members.values().stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
        if (r.learner || !inMajority(r.id)) {
            throw new IllegalArgumentException(name + " cannot win an election now");
        }
        leaderId = r.id;
        term++;
        log("raft leader " + name + " (election)");
    }

    /** Member {@code name} raises etcd's NOSPACE alarm (its backend reached its quota). */
    public void raiseNoSpace(String name) {
        Record r = members.values().stream().filter(m -> m.name.equals(name)).findFirst().orElseThrow();
        alarms.add(new Alarm(r.id, "NOSPACE"));
        log("alarm NOSPACE on " + name);
    }

    /** Cuts {@code host}'s machine off the network: no member reaches it, and it reaches none. */
    public void isolate(InMemoryHost host) {
        isolated.add(host);
        log("partition: " + host.address() + " cut off");
    }

    /** Ends {@link #isolate}. */
    public void reconnect(InMemoryHost host) {
        isolated.remove(host);
        log("partition: " + host.address() + " back");
    }

    /** Whether etcd's authentication is on. */
    public boolean authEnabled() {
        return authEnabled;
    }

    /** The roles of {@code user}, if etcd has it. */
    public Optional<List<String>> userRoles(String user) {
        return Optional.ofNullable(users.get(user)).map(List::copyOf);
    }

    /** The permissions of {@code role}, if etcd has it. */
    public Optional<List<dev.charms.etcd.workload.KeyAccess>> rolePermissions(String role) {
        return Optional.ofNullable(roles.get(role)).map(List::copyOf);
    }

    /**
     * Everything the cluster did, in order: bootstraps, joins, membership changes, raft leadership,
     * restarts, partitions, alarms, writes, and etcd processes that exited (and why).
     */
    public List<String> history() {
        return List.copyOf(history);
    }

    void log(String line) {
        history.add(line);
    }

    // ------------------------------------------------------------------ processes

    /**
     * {@code host}'s etcd process starts with its current configuration and data. Returns empty when it
     * serves its member, or why it exited, as etcd would: its data belongs to a removed member, its
     * {@code existing} join does not match the cluster, or no member with a leader answers it.
     */
    Optional<String> boot(InMemoryHost host, EtcdConfig config) {
        Optional<String> failure = host.dataMemberId() != 0 ? resume(host) : config.initialClusterState() == InitialClusterState.NEW
                ? bootstrap(host, config) : join(host, config);
        failure.ifPresent(why -> log(host.address() + ": etcd exited: " + why));
        return failure;
    }

    private Optional<String> resume(InMemoryHost host) {
        Record r = members.get(host.dataMemberId());
        if (r == null) {
            return Optional.of("the member has been permanently removed from the cluster");
        }
        serve(r, host);
        return Optional.empty();
    }

    private Optional<String> bootstrap(InMemoryHost host, EtcdConfig config) {
        Map<String, List<URI>> initial = InitialCluster.parse(config.initialCluster());
        if (members.isEmpty()) {
            token = config.initialClusterToken();
            initial.forEach((name, urls) -> {
                long id = Member.initialId(urls.stream().map(URI::toString).toList(), token);
                members.put(id, new Record(id, urls, false));
            });
            log("bootstrap " + config.name() + " (initial cluster " + config.initialCluster() + ")");
        }
        long own = Member.initialId(config.initialAdvertisePeerUrls().stream().map(URI::toString).toList(),
                config.initialClusterToken());
        Record r = members.get(own);
        if (r == null || !token.equals(config.initialClusterToken())) {
            // Real etcd would happily start a second cluster here; a scenario must never ask for that.
            throw new IllegalStateException(host.address() + ": etcd " + config.name()
                    + " would bootstrap a second cluster beside the running one");
        }
        if (!r.name.isEmpty()) {
            return Optional.of("member " + config.name() + " has already been bootstrapped");
        }
        r.name = config.name();
        r.clientUrls = config.advertiseClientUrls();
        host.dataWritten(own);
        serve(r, host);
        return Optional.empty();
    }

    private Optional<String> join(InMemoryHost host, EtcdConfig config) {
        URI peerUrl = config.initialAdvertisePeerUrls().get(0);
        Record r = members.values().stream().filter(m -> m.peerUrls.contains(peerUrl)).findFirst().orElse(null);
        if (r == null) {
            return Optional.of("error validating peerURLs: member " + peerUrl + " is not in the cluster");
        }
        Set<URI> expected = new HashSet<>();
        members.values().forEach(m -> expected.addAll(m.peerUrls));
        Set<URI> given = new HashSet<>();
        InitialCluster.parse(config.initialCluster()).values().forEach(given::addAll);
        if (!expected.equals(given)) {
            return Optional.of("error validating peerURLs: initial-cluster " + given + " does not match the cluster " + expected);
        }
        if (!r.name.isEmpty()) {
            return Optional.of("member " + r.name + " has already been bootstrapped");
        }
        boolean answered = serving.entrySet().stream().anyMatch(e -> reachable(host, e.getValue()) && leaderSeenBy(e.getKey()) != 0);
        if (!answered) {
            return Optional.of("cannot fetch cluster info from peer urls: no member with a leader answers");
        }
        r.name = config.name();
        r.clientUrls = config.advertiseClientUrls();
        host.dataWritten(r.id);
        serve(r, host);
        log("joined " + r.name + (r.learner ? " as learner" : ""));
        return Optional.empty();
    }

    private void serve(Record r, InMemoryHost host) {
        serving.put(r.id, host);
    }

    /** {@code host}'s etcd process is about to restart: recorded with how many other voting members serve. */
    void restarting(InMemoryHost host) {
        serving.entrySet().stream().filter(e -> e.getValue() == host).findFirst().ifPresent(e -> {
            List<Record> others = members.values().stream().filter(m -> !m.learner && m.id != e.getKey()).toList();
            long up = others.stream().filter(m -> serving.containsKey(m.id) && reachable(host, serving.get(m.id))).count();
            log("restart " + members.get(e.getKey()).name + " with " + up + " of " + others.size() + " other voting members up");
        });
    }

    /** {@code host}'s etcd process stopped (or exited): its member no longer answers. */
    void stopped(InMemoryHost host) {
        serving.values().removeIf(h -> h == host);
    }

    // ------------------------------------------------------------------ raft

    /** Whether the member's process runs and sits with a majority of the voters. */
    private boolean inMajority(long id) {
        InMemoryHost host = serving.get(id);
        if (host == null) {
            return false;
        }
        long voters = members.values().stream().filter(m -> !m.learner).count();
        long reachableVoters = members.values().stream().filter(m -> !m.learner && serving.containsKey(m.id)
                && reachable(host, serving.get(m.id))).count();
        return reachableVoters > voters / 2;
    }

    /** The raft leader the reachable majority follows (elected now if need be); 0 without a majority. */
    private long electedLeader() {
        Record leader = members.get(leaderId);
        if (leader != null && !leader.learner && inMajority(leaderId)) {
            return leaderId;
        }
        for (Record r : members.values()) {
            if (!r.learner && inMajority(r.id)) {
                leaderId = r.id;
                term++;
                log("raft leader " + r.name + " (election)");
                return leaderId;
            }
        }
        return 0;
    }

    /** The leader member {@code id} knows: the majority's, when it is part of it. */
    long leaderSeenBy(long id) {
        return inMajority(id) ? electedLeader() : 0;
    }

    long raftTerm() {
        return term;
    }

    long raftIndex() {
        return raftIndex;
    }

    // ------------------------------------------------------------------ what clients reach

    /** Whether a process on {@code from} reaches one on {@code to}. */
    boolean reachable(InMemoryHost from, InMemoryHost to) {
        return from == to || (!isolated.contains(from) && !isolated.contains(to));
    }

    /** The member serving {@code endpoint} as {@code from} reaches it; empty when nothing answers there. */
    Optional<Record> answering(InMemoryHost from, URI endpoint) {
        if (!accepting(from, endpoint)) {
            return Optional.empty();
        }
        InMemoryHost target = machineAt(from, endpoint);
        return serving.entrySet().stream().filter(e -> e.getValue() == target).map(e -> members.get(e.getKey())).findFirst();
    }

    /** Whether an etcd process listens for clients at {@code endpoint}, as {@code from}'s machine sees it. */
    boolean accepting(InMemoryHost from, URI endpoint) {
        InMemoryHost target = machineAt(from, endpoint);
        return target != null && target.isRunning() && target.listensOn(endpoint.getPort()) && reachable(from, target);
    }

    /** The machine an endpoint's host names, seen from {@code from} (127.0.0.1 is {@code from} itself). */
    private InMemoryHost machineAt(InMemoryHost from, URI endpoint) {
        String host = endpoint.getHost();
        return host.equals("127.0.0.1") || host.equals("localhost") ? from : hostsByAddress.get(host);
    }

    Record record(long id) {
        return members.get(id);
    }

    List<Record> records() {
        return List.copyOf(members.values());
    }

    /** Whether the processes serving members {@code a} and {@code b} both run and reach each other. */
    boolean reachableBetween(long a, long b) {
        InMemoryHost ha = serving.get(a);
        InMemoryHost hb = serving.get(b);
        return ha != null && hb != null && reachable(ha, hb);
    }

    /** How many membership changes (learner added, promoted, member removed) were applied so far. */
    int membershipChanges;

    /** A membership change or write went through raft: the log grows. */
    void applied(String what) {
        raftIndex++;
        log(what);
    }

    Record addLearner(URI peerUrl) {
        addedMembers++;
        long id = Member.initialId(List.of(peerUrl.toString(), Long.toString(addedMembers)), token + "-added");
        Record r = new Record(id, List.of(peerUrl), true);
        members.put(id, r);
        membershipChanges++;
        applied("add learner " + peerUrl);
        return r;
    }

    void promote(Record r) {
        r.learner = false;
        membershipChanges++;
        applied("promote " + r.name);
    }

    void remove(Record r) {
        boolean leading = electedLeader() == r.id;
        members.remove(r.id);
        InMemoryHost host = serving.remove(r.id);
        if (leaderId == r.id) {
            leaderId = 0;
        }
        membershipChanges++;
        applied("remove " + (r.name.isEmpty() ? Long.toHexString(r.id) : r.name) + (leading ? " while raft leader" : ""));
        if (host != null) {
            // A removed member's etcd shuts itself down.
            host.exited("the member has been permanently removed from the cluster");
        }
    }

    void updatePeerUrls(Record r, List<URI> urls) {
        r.peerUrls = List.copyOf(urls);
        applied("update peer URLs of " + r.name + " to " + urls);
    }

    void transferLeadership(Record to) {
        leaderId = to.id;
        term++;
        log("raft leader " + to.name + " (moved)");
    }
}
