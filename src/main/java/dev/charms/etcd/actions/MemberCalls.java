package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdAdmin;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** What the actions that ask etcd's members share: the member list, asking every member at once, waiting. */
final class MemberCalls {
    private MemberCalls() {
    }

    /** etcd's member list; {@link ActionFailedException} when no member answers. */
    static List<Member> list(EtcdAdmin admin) {
        try {
            return admin.memberList();
        } catch (RuntimeException e) {
            throw new ActionFailedException("no etcd member answers: " + e.getMessage());
        }
    }

    /**
     * {@code ask} applied to every member at once (up to 8 daemon threads named {@code thread}); the
     * answers in member order. {@code ask} reports a member's own failure in its answer; anything else
     * ends the action ("interrupted while {@code what}", "{@code what} failed: ...").
     */
    static <R> List<R> askEach(List<Member> members, Function<Member, R> ask, String thread, String what) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(members.size(), 8)), r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (Member m : members) {
                futures.add(pool.submit(() -> ask.apply(m)));
            }
            List<R> out = new ArrayList<>();
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionFailedException("interrupted while " + what);
        } catch (ExecutionException e) {
            throw new ActionFailedException(what + " failed: " + e.getCause().getMessage());
        } finally {
            pool.shutdownNow();
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
