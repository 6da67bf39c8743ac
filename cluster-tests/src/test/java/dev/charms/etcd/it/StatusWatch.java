package dev.charms.etcd.it;

import dev.charms.runner.controller.StatusSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples {@code juju status} while a fault plays out, and holds the charm to two things on every
 * sample: no unit shows a hook error, and no unit claims {@code active} (with its agent idle, i.e. a
 * status the charm set and stands by) while its own etcd member does not serve (a quorum read through
 * that member's endpoint fails). A sample is taken only when the unit shows the same status before and
 * after its member was asked, so a fault striking between the two does not count. A watch made with
 * {@code askMembers} false only collects hook errors and statuses (a fault that cuts a unit off leaves its
 * last status standing, as Juju does).
 */
public final class StatusWatch implements AutoCloseable {
    private final LocalCluster c;
    private final boolean askMembers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> errorsShown = Collections.synchronizedSet(new LinkedHashSet<>());
    private final List<String> untruthful = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> statusesSeen = Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicInteger samples = new AtomicInteger();
    private final Thread thread;
    private volatile Exception failure;

    public StatusWatch(LocalCluster c) {
        this(c, true);
    }

    public StatusWatch(LocalCluster c, boolean askMembers) {
        this.c = c;
        this.askMembers = askMembers;
        this.thread = new Thread(this::watch, "status-watch");
        thread.start();
    }

    private void watch() {
        while (running.get()) {
            try {
                for (StatusSnapshot.UnitRow before : c.status().units()) {
                    if (!before.name().startsWith("etcd/")) {
                        continue;
                    }
                    statusesSeen.add(before.workload() + ": " + before.workloadMessage().replaceFirst("^\\(leader\\) ", ""));
                    if (before.agent().equals("error")) {
                        errorsShown.add(before.name() + ": " + before.agentMessage());
                    }
                    if (!askMembers || !before.workload().equals("active") || !before.agent().equals("idle")) {
                        continue;
                    }
                    boolean serving = c.etcdctlRawAt("etcd", List.of(before.name()), "endpoint", "health",
                            "--command-timeout=3s", "--dial-timeout=2s").code() == 0;
                    StatusSnapshot.UnitRow after = c.unit(before.name());
                    boolean same = after.workload().equals("active") && after.agent().equals("idle")
                            && after.workloadMessage().equals(before.workloadMessage());
                    samples.incrementAndGet();
                    if (!serving && same) {
                        untruthful.add(before.name() + " showed active (" + before.workloadMessage()
                                + ") while its etcd did not serve");
                    }
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (askMembers) {
                    failure = e;
                    return;
                }
                // a unit removed between two reads of the status: the next sample sees the model again
            } catch (Exception e) {
                failure = e;
                return;
            }
        }
    }

    /** The hook errors units showed, as {@code "etcd/0: hook failed: \"x\""}. */
    public Set<String> errorsShown() {
        synchronized (errorsShown) {
            return Set.copyOf(errorsShown);
        }
    }

    /** Each time a unit showed active while its own member did not serve. */
    public List<String> untruthful() {
        synchronized (untruthful) {
            return List.copyOf(untruthful);
        }
    }

    /** Every distinct workload status units showed (the "(leader) " prefix dropped). */
    public Set<String> statusesSeen() {
        synchronized (statusesSeen) {
            return Set.copyOf(statusesSeen);
        }
    }

    public int samples() {
        return samples.get();
    }

    /** Stops sampling; fails when the sampling itself failed. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
        if (failure != null) {
            throw new AssertionError("status sampling failed", failure);
        }
    }
}
