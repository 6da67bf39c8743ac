package dev.charms.etcd.workload;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One member's own view from {@code etcdctl endpoint status -w json} over mTLS: its member id, the raft
 * leader it follows (0: none yet) and whether it is a learner. The readiness probe of hooks that start
 * or restart etcd: etcdctl (Go) answers in about 25 ms, while a hook's cold JVM needs 0.5 to 1 s for its
 * first TLS connection, and the probe is polled until the member serves. Learners answer it too
 * (unlike {@code endpoint health}, a quorum read). Membership changes themselves go through jetcd.
 */
public final class EtcdctlStatus {
    /** What the member says of itself. */
    public record Local(long memberId, long leaderId, boolean learner) {
        public String memberIdHex() {
            return Long.toHexString(memberId);
        }
    }

    // etcdctl prints etcd's uint64 ids as bare JSON numbers, often beyond a long: read them as text.
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*(\\d+)");
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*(\\d+)");
    private static final Pattern LEARNER = Pattern.compile("\"isLearner\"\\s*:\\s*true");

    private final Etcdctl etcdctl;

    public EtcdctlStatus(java.nio.file.Path etcdctl, TlsPaths tls, CommandRunner runner) {
        this.etcdctl = new Etcdctl(etcdctl, tls, runner);
    }

    /** The member's status; an {@link IllegalStateException} with etcdctl's reason when it does not answer. */
    public Local check(URI endpoint, Duration timeout) {
        long seconds = Math.max(1, timeout.toSeconds());
        CommandResult r = etcdctl.run(List.of(endpoint), seconds, seconds, "endpoint", "status", "-w", "json");
        Optional<Local> local = r.ok() ? parse(r.stdout()) : Optional.empty();
        return local.orElseThrow(() -> new IllegalStateException("etcdctl endpoint status " + endpoint + " failed: "
                + CommandRunner.oneLine(r.stderr().isBlank() ? r.stdout() : r.stderr())));
    }

    /** Parses etcdctl's output for one endpoint; empty when it holds no member id. */
    static Optional<Local> parse(String stdout) {
        Matcher id = MEMBER_ID.matcher(stdout);
        if (!id.find()) {
            return Optional.empty();
        }
        Matcher leader = LEADER.matcher(stdout);
        try {
            return Optional.of(new Local(Long.parseUnsignedLong(id.group(1)),
                    leader.find() ? Long.parseUnsignedLong(leader.group(1)) : 0L, LEARNER.matcher(stdout).find()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
