package dev.charms.runner.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * One relation data bag (a unit's or an application's): string keys to string values, with a version
 * that grows on every change so the controller can tell which bags changed since a unit last saw them.
 */
public final class DataBag {
    private final Object lock;
    private final TreeMap<String, String> data = new TreeMap<>();
    private long version;

    DataBag(Object lock) {
        this.lock = lock;
    }

    /** A copy of the committed contents, sorted by key. */
    public Map<String, String> snapshot() {
        synchronized (lock) {
            return new TreeMap<>(data);
        }
    }

    /** The committed value of {@code key}, or null. */
    public String get(String key) {
        synchronized (lock) {
            return data.get(key);
        }
    }

    /** Grows by one on every call of {@link #update} that changed something. */
    public long version() {
        synchronized (lock) {
            return version;
        }
    }

    /**
     * Applies {@code changes}: a null or empty value deletes the key, any other value sets it.
     *
     * @return whether the contents changed
     */
    public boolean update(Map<String, String> changes) {
        synchronized (lock) {
            boolean changed = false;
            for (Map.Entry<String, String> e : changes.entrySet()) {
                String value = e.getValue();
                if (value == null || value.isEmpty()) {
                    changed |= data.remove(e.getKey()) != null;
                } else {
                    changed |= !value.equals(data.put(e.getKey(), value));
                }
            }
            if (changed) {
                version++;
            }
            return changed;
        }
    }
}
