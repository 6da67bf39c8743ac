package dev.charms.etcd.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client writing {@code <prefix><n>} one key at a time through every endpoint of the cluster until
 * {@link #stop()}, counting the writes etcd acknowledged and those that failed (a write in flight when
 * quorum went, or refused meanwhile). {@link #lost()} reads the keys back: an acknowledged write that is
 * not there is lost. Reusable by any fault scenario.
 */
public final class ContinuousWriter implements AutoCloseable {
    private final LocalCluster c;
    private final String prefix;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private Thread thread;

    public ContinuousWriter(LocalCluster c, String prefix) {
        this.c = c;
        this.prefix = prefix;
    }

    public ContinuousWriter start() {
        running.set(true);
        thread = new Thread(this::write, "writer-" + prefix);
        thread.start();
        return this;
    }

    private void write() {
        for (int n = 0; running.get(); n++) {
            try {
                LocalCluster.Result r = c.etcdctlRaw(true, "put", prefix + n, "v" + n);
                if (r.code() == 0) {
                    acknowledged.add(n);
                } else {
                    failures.add(n + ": " + r.output().strip());
                }
            } catch (Exception e) {
                failures.add(n + ": " + e);
            }
        }
    }

    /** Stops writing and waits for the write in flight. */
    public void stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join();
        }
    }

    public int acknowledged() {
        return acknowledged.size();
    }

    public int failed() {
        return failures.size();
    }

    /** The failed writes with etcdctl's reasons, for a test's failure message. */
    public List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** The acknowledged writes whose keys the cluster no longer has (read through every endpoint). */
    public Set<Integer> lost() throws Exception {
        String keys = c.etcdctl("get", prefix, "--prefix", "--keys-only");
        Set<Integer> stored = new HashSet<>();
        keys.lines().filter(l -> l.startsWith(prefix)).forEach(l -> stored.add(Integer.parseInt(l.substring(prefix.length()))));
        Set<Integer> lost = new HashSet<>(acknowledged);
        lost.removeAll(stored);
        return lost;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
