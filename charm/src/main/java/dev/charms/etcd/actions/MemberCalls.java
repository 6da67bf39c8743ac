package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import dev.charms.etcd.workload.Parallel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/** What the actions that ask etcd's members share: the member list, asking every member at once, waiting. */
final class MemberCalls {
    private MemberCalls() {
    }

    /** etcd's member list; {@link ActionFailedException} when no member answers. */
    static List<Member> list(EtcdCluster admin) {
        try {
            return admin.memberList();
        } catch (RuntimeException e) {
            throw new ActionFailedException("no etcd member answers: " + e.getMessage());
        }
    }

    /**
     * {@code ask} applied to every member at once ({@link Parallel#map}, threads named {@code thread}); the
     * answers in member order. {@code ask} reports a member's own failure in its answer; anything else
     * ends the action ("interrupted while {@code what}", "{@code what} failed: ...").
     */
    static <R> List<R> askEach(List<Member> members, Function<Member, R> ask, String thread, String what) {
        try {
            return Parallel.map(members, ask, thread);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionFailedException("interrupted while " + what);
        } catch (ExecutionException e) {
            throw new ActionFailedException(what + " failed: " + e.getCause().getMessage());
        }
    }

    /** Sleeps; an interrupt ends the action ("interrupted while {@code what}"). */
    static void pause(long millis, String what) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionFailedException("interrupted while " + what);
        }
    }
}
