package dev.charms.etcd.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Asks several etcd members at once (a status or a hash each): an unreachable member then costs one
 * timeout for all of them, not one per member.
 */
public final class Parallel {
    private Parallel() {
    }

    /**
     * {@code f} applied to every item at once, on up to 8 daemon threads named {@code thread}; the
     * results in item order. A failure of {@code f} is the {@link ExecutionException} of the first item
     * (in order) that failed.
     */
    public static <T, R> List<R> map(List<T> items, Function<T, R> f, String thread)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(items.size(), 8)), r -> {
            Thread t = new Thread(r, thread);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> f.apply(item)));
            }
            List<R> out = new ArrayList<>();
            for (Future<R> future : futures) {
                out.add(future.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
