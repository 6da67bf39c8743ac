package dev.charms.etcd.workload;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One permission of an etcd role: a key range and whether it is read-only or read-write. The whole
 * keyspace is etcd's {@code key="\0", range_end="\0"} (every key from the lowest); a prefix {@code p} is
 * {@code [p, p+1)} (its last byte incremented, as {@code etcdctl role grant-permission --prefix} does).
 *
 * @param key the first key
 * @param rangeEnd the end of the range (exclusive; {@code "\0"} with key {@code "\0"}: every key)
 * @param readOnly {@code true} for READ, {@code false} for READWRITE
 */
public record KeyAccess(String key, String rangeEnd, boolean readOnly) {
    private static final String ALL = "\0";

    /** Read-write (or read-only) on every key. */
    public static KeyAccess everything(boolean readOnly) {
        return new KeyAccess(ALL, ALL, readOnly);
    }

    /** Read-write (or read-only) on every key that starts with {@code prefix} (not empty). */
    public static KeyAccess prefix(String prefix, boolean readOnly) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("a key prefix must not be empty");
        }
        return new KeyAccess(prefix, prefixEnd(prefix), readOnly);
    }

    /** Whether this is the whole keyspace. */
    public boolean isEverything() {
        return ALL.equals(key) && ALL.equals(rangeEnd);
    }

    /** The prefix this range covers, if it is exactly a prefix range (not the whole keyspace). */
    public java.util.Optional<String> asPrefix() {
        if (!isEverything() && !key.isEmpty() && prefixEnd(key).equals(rangeEnd)) {
            return java.util.Optional.of(key);
        }
        return java.util.Optional.empty();
    }

    /** How {@code list-clients} and action results describe it: "read-write on every key", ... */
    public String describe() {
        String mode = readOnly ? "read-only" : "read-write";
        if (isEverything()) {
            return mode + " on every key";
        }
        return asPrefix().map(p -> mode + " on keys under '" + p + "'")
                .orElse(mode + " on keys from '" + key + "' to '" + rangeEnd + "'");
    }

    /** The end of the range of keys starting with {@code prefix}: its last byte below 0xff incremented. */
    static String prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if ((b[i] & 0xff) < 0xff) {
                byte[] end = Arrays.copyOf(b, i + 1);
                end[i]++;
                return new String(end, StandardCharsets.UTF_8);
            }
        }
        return ALL;
    }
}
