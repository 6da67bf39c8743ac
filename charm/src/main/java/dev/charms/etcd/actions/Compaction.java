package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.ops.ActionFailedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The {@code compact} action: drops the keyspace history before a revision (empty: the current one),
 * optionally waiting until the backend has physically applied it. A revision in the future or one
 * already compacted is refused with a message saying so.
 */
public final class Compaction {
    private final EtcdCluster admin;

    /** Compacts the cluster {@code admin} reaches. */
    public Compaction(EtcdCluster admin) {
        this.admin = admin;
    }

    /**
     * The {@code revision} parameter: absent or an empty string for "current", else a positive whole
     * number given as a number ({@code revision=104} typed bare) or as a string of digits
     * ({@code --string-args}, or the original charm's string form).
     */
    public static OptionalLong parseRevision(Object param) {
        if (param == null || param instanceof String s && s.isBlank()) {
            return OptionalLong.empty();
        }
        if (param instanceof String s && !s.strip().matches("[-+]?[0-9]+")) {
            throw new ActionFailedException("revision '" + s + "' is not a whole number (leave it empty for the current revision)");
        }
        return OptionalLong.of(ActionParams.wholeNumber("revision", param, 1, Long.MAX_VALUE));
    }

    /** Compacts up to {@code revision} (empty: current); returns the results. */
    public Map<String, Object> compact(OptionalLong revision, boolean physical) {
        long current;
        try {
            current = admin.currentRevision();
        } catch (RuntimeException e) {
            throw new ActionFailedException("cannot read the current revision: " + e.getMessage());
        }
        long target = revision.orElse(current);
        if (target > current) {
            throw new ActionFailedException("revision " + target + " is in the future: the current revision is " + current);
        }
        try {
            admin.compact(target, physical);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("compacted")) {
                throw new ActionFailedException("revision " + target + " is already compacted; give a later revision"
                        + " (current is " + current + ")");
            }
            throw new ActionFailedException("compact to revision " + target + " failed: " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("revision", target);
        out.put("current-revision", current);
        out.put("physical", physical);
        return out;
    }
}
