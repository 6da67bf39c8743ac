package dev.charms.etcd.fakes;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Host;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Several units' hooks running at once, as Juju runs the hooks of units on different machines, made
 * deterministic: each hook runs on its own thread, one at a time, and hands the turn to the next hook
 * (round robin, in the order given) after each call it makes to its machine ({@link Host}) or to etcd
 * ({@link EtcdCluster}). Between two such calls a hook runs alone, so the simulated machines and etcd see
 * one caller at a time; threads a hook starts itself (asking the members in parallel) run within its turn.
 * Outside {@link #run} the gated objects are plain pass-throughs.
 */
final class Lockstep {
    private final List<String> turns = new ArrayList<>();
    private final ThreadLocal<String> self = new ThreadLocal<>();
    private int current;

    /** {@code host} as the charm sees it: each call on a running hook's thread is one step of its turn. */
    Host gate(Host host) {
        return gated(Host.class, host);
    }

    private <T> T gated(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                String name = self.get();
                if (name != null) {
                    passTurn(name);
                }
            }
            return result instanceof EtcdCluster cluster ? gated(EtcdCluster.class, cluster) : result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler));
    }

    /**
     * Runs every hook of {@code hooks} (by unit, in turn order) at once and returns their results once
     * all have ended, in the same order.
     */
    <R> List<R> run(Map<String, Supplier<R>> hooks) {
        synchronized (this) {
            turns.clear();
            turns.addAll(hooks.keySet());
            current = 0;
        }
        List<Thread> threads = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        hooks.keySet().forEach(k -> results.add(null));
        int i = 0;
        for (Map.Entry<String, Supplier<R>> hook : hooks.entrySet()) {
            int at = i++;
            Thread t = new Thread(() -> {
                self.set(hook.getKey());
                try {
                    awaitTurn(hook.getKey());
                    results.set(at, hook.getValue().get());
                } catch (RuntimeException | Error e) {
                    results.set(at, e);
                } finally {
                    leave(hook.getKey());
                }
            }, "hook-" + hook.getKey());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while hooks ran", e);
            }
        }
        List<R> out = new ArrayList<>();
        for (Object r : results) {
            if (r instanceof RuntimeException e) {
                throw e;
            }
            if (r instanceof Error e) {
                throw e;
            }
            @SuppressWarnings("unchecked")
            R typed = (R) r;
            out.add(typed);
        }
        return out;
    }

    private synchronized void awaitTurn(String name) {
        while (!name.equals(turns.get(current))) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a turn", e);
            }
        }
    }

    private synchronized void passTurn(String name) {
        current = (turns.indexOf(name) + 1) % turns.size();
        notifyAll();
        awaitTurn(name);
    }

    private synchronized void leave(String name) {
        int at = turns.indexOf(name);
        turns.remove(at);
        current = turns.isEmpty() ? 0 : at % turns.size();
        notifyAll();
    }
}
