package dev.charms.etcd.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client writing {@code <prefix><n>} one key at a time through every endpoint of the cluster from
 * {@link #start()} until {@link #stop()}, counting the writes etcd acknowledged and those that failed (a
 * write in flight when quorum went, or refused meanwhile; after a failure it pauses 100 ms). {@link #lost()}
 * reads the keys back: an acknowledged write that is not there is lost. The one writer of every fault
 * scenario and of the upgrade and reboot tests.
 */
public final class ContinuousWriter implements AutoCloseable {
    private static final int KEEP_FAILURES = 20;
    private static final int READ_BATCH = 500;
    private final LocalCluster c;
    private final String prefix;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean started = new AtomicBoolean();
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    public ContinuousWriter(LocalCluster c, String prefix) {
        this.c = c;
        this.prefix = prefix;
        this.thread = new Thread(this::write, "writer-" + prefix);
    }

    /** Starts writing; a second call does nothing. */
    public ContinuousWriter start() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
        return this;
    }

    private void write() {
        for (int n = 0; running.get(); n++) {
            try {
                LocalCluster.Result r = c.etcdctlRaw(true, "put", prefix + n, "v" + n);
                if (r.code() == 0) {
                    acknowledged.add(n);
                    continue;
                }
                record(n + ": " + r.output().strip());
            } catch (Exception e) {
                record(n + ": " + e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void record(String failure) {
        failed.incrementAndGet();
        if (failures.size() < KEEP_FAILURES) {
            failures.add(failure);
        }
    }

    /** Stops writing and waits (at most 90 s) for the write in flight. */
    public void stop() throws InterruptedException {
        running.set(false);
        if (started.get()) {
            thread.join(Duration.ofSeconds(90).toMillis());
        }
    }

    public int acknowledged() {
        return acknowledged.size();
    }

    public int failed() {
        return failed.get();
    }

    /** The first failed writes with etcdctl's reasons, for a test's failure message. */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** The acknowledged writes whose keys the cluster no longer has (read through every endpoint). */
    public Set<Integer> lost() throws Exception {
        Set<Integer> lost = new TreeSet<>(acknowledged);
        lost.removeAll(storedKeys(c, prefix));
        return lost;
    }

    /**
     * The numbers of the keys under {@code prefix}, read 500 at a time (etcdctl's output of thousands of
     * keys at once would not fit the pipe {@link LocalCluster} reads it from after the process ends).
     */
    static Set<Integer> storedKeys(LocalCluster c, String prefix) throws Exception {
        String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
        Set<Integer> stored = new HashSet<>();
        String from = prefix;
        while (true) {
            List<String> keys = c.etcdctl("get", from, end, "--keys-only", "--limit", String.valueOf(READ_BATCH))
                    .lines().filter(l -> l.startsWith(prefix)).toList();
            int before = stored.size();
            keys.forEach(k -> stored.add(Integer.parseInt(k.substring(prefix.length()))));
            if (keys.size() < READ_BATCH || stored.size() == before) {
                return stored;
            }
            from = keys.get(keys.size() - 1);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
