package dev.charms.etcd.steps;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.etcd.workload.Member;
import dev.charms.etcd.workload.MemberStatus;
import dev.charms.etcd.workload.Parallel;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Decides whether a member can be removed without losing quorum, moves raft leadership away from it
 * first, and removes it. A removal that would leave fewer healthy voters than the smaller cluster's
 * quorum is refused with a message saying so. Also decides whether a learner may be promoted. etcd
 * runs with {@code strict-reconfig-check: false} (its own check holds every change for 5 s after the
 * previous one), so these checks are the charm's: the leader makes one membership change at a time.
 */
final class Quorum {
    /** A removal was refused because it would lose (or has no) quorum. */
    static final class UnsafeRemoval extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        private final boolean noQuorum;

        UnsafeRemoval(String message, boolean noQuorum) {
            super(message);
            this.noQuorum = noQuorum;
        }

        /** Whether the cluster has no quorum at all (then no removal can go ahead, whichever member). */
        boolean noQuorum() {
            return noQuorum;
        }
    }

    static final Duration CHANGE_WAIT = Duration.ofSeconds(30);

    private final EtcdCluster admin;

    Quorum(EtcdCluster admin) {
        this.admin = admin;
    }

    /** Status of every started member that answers, by member id; all are asked at once. */
    Map<Long, MemberStatus> statuses(List<Member> members) {
        List<Optional<MemberStatus>> answers;
        try {
            answers = Parallel.map(members, this::firstAnswer, "quorum-status");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking the members for their status");
        } catch (ExecutionException e) {
            throw new IllegalStateException("asking the members for their status failed: " + e.getCause().getMessage(), e.getCause());
        }
        Map<Long, MemberStatus> out = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            long id = members.get(i).id();
            answers.get(i).ifPresent(s -> out.put(id, s));
        }
        return out;
    }

    /** The status of {@code m} from the first of its client URLs that answers; empty: it counts as unhealthy. */
    private Optional<MemberStatus> firstAnswer(Member m) {
        for (URI url : m.clientUrls()) {
            try {
                return Optional.of(admin.status(url));
            } catch (RuntimeException unreachable) {
                // try its next URL
            }
        }
        return Optional.empty();
    }

    /**
     * Asks every member of {@code members} (the current member list) for its status once and says why
     * promoting {@code learner} would leave the larger cluster without a healthy quorum, or nothing
     * when it is safe: every voter that answers, plus the learner (which etcd promotes only once it has
     * caught up), must reach the quorum of the cluster with one more voter.
     */
    Promotion assessPromotion(List<Member> members, Member learner) {
        Map<Long, MemberStatus> statuses = statuses(members);
        List<Member> voters = members.stream().filter(m -> !m.learner()).toList();
        long healthy = voters.stream().filter(m -> statuses.containsKey(m.id())).count();
        boolean learnerAnswers = statuses.containsKey(learner.id());
        return new Promotion(promotionRisk(learner.name(), voters.size(), healthy, learnerAnswers), learnerAnswers);
    }

    /** What one round of status requests says about promoting a learner: the risk, if any, and whether it answered. */
    record Promotion(Optional<String> risk, boolean learnerAnswers) {
    }

    /** The arithmetic of {@link #assessPromotion}. */
    static Optional<String> promotionRisk(String learner, int voters, long healthyVoters, boolean learnerAnswers) {
        int quorumAfter = (voters + 1) / 2 + 1;
        long healthyAfter = healthyVoters + (learnerAnswers ? 1 : 0);
        if (healthyAfter < quorumAfter) {
            return Optional.of("promoting " + learner + " would need " + quorumAfter + " healthy voting members of "
                    + (voters + 1) + ", and only " + healthyAfter + " answer");
        }
        return Optional.empty();
    }

    /**
     * Removes {@code target} (gone already: nothing to do) when the healthy voters left keep the smaller
     * cluster's quorum, raft leadership moved away from it first; else throws {@link UnsafeRemoval}.
     */
    void removeSafely(Member target, String why) {
        List<Member> members = admin.memberList();
        if (members.stream().noneMatch(m -> m.id() == target.id())) {
            return;
        }
        if (target.learner() || !target.started()) {
            removeRetrying(target.id());
            return;
        }
        Map<Long, MemberStatus> statuses = statuses(members);
        List<Member> voters = members.stream().filter(m -> !m.learner()).toList();
        long healthy = voters.stream().filter(m -> statuses.containsKey(m.id())).count();
        int n = voters.size();
        long healthyAfter = healthy - (statuses.containsKey(target.id()) ? 1 : 0);
        requireQuorum(target, why, healthy, n);
        if (n > 1 && healthyAfter < (n - 1) / 2 + 1) {
            throw new UnsafeRemoval("refusing to remove member " + target.name() + " (" + why + "): it would leave "
                    + healthyAfter + " healthy of " + (n - 1) + " voting members, below quorum", false);
        }
        Optional<MemberStatus> any = statuses.values().stream().findFirst();
        if (any.isPresent() && any.get().leaderId() == target.id()) {
            Optional<Member> next = voters.stream()
                    .filter(m -> m.id() != target.id() && statuses.containsKey(m.id())).findFirst();
            if (next.isPresent()) {
                admin.moveLeader(next.get().id());
            }
        }
        removeRetrying(target.id());
    }

    private static void requireQuorum(Member target, String why, long healthy, int voters) {
        if (healthy < voters / 2 + 1) {
            throw new UnsafeRemoval("cannot remove member " + target.name() + " (" + why + "): the cluster has no quorum ("
                    + healthy + " of " + voters + " voting members healthy)", true);
        }
    }

    /** Retries while etcd answers with a passing error (a leader election, "unhealthy cluster"). */
    private void removeRetrying(long id) {
        long deadline = System.nanoTime() + CHANGE_WAIT.toNanos();
        while (true) {
            try {
                admin.remove(id); // an attempt applied but lost in transit makes the next one a no-op
                return;
            } catch (EtcdAdminException e) {
                if (!e.retryable() || System.nanoTime() > deadline) {
                    throw e;
                }
                Pause.sleep(1000);
            }
        }
    }
}
