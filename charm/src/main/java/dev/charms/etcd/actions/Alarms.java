package dev.charms.etcd.actions;

import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.workload.Alarm;
import dev.charms.etcd.workload.Member;
import dev.charms.ops.ActionFailedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The {@code alarm-list} and {@code alarm-disarm} actions. Disarming clears NOSPACE alarms (free
 * space first with compact and defrag, or etcd raises it again on the next write); a CORRUPT alarm
 * is left in place, because it means a member's data differs and needs a restore, not a reset.
 */
public final class Alarms {
    private final EtcdCluster admin;

    /** Alarms of the cluster {@code admin} reaches. */
    public Alarms(EtcdCluster admin) {
        this.admin = admin;
    }

    /** The active alarms: {@code count}, {@code active} (one line) and {@code members.<name>}. */
    public Map<String, Object> list() {
        return describe(active(), names());
    }

    /** Disarms NOSPACE alarms; results say what was disarmed and what remains. */
    public Map<String, Object> disarm() {
        Map<Long, String> names = names();
        List<Alarm> before = active();
        List<Alarm> remaining;
        try {
            admin.disarmAll();
            remaining = admin.alarms();
        } catch (RuntimeException e) {
            throw new ActionFailedException("alarm disarm failed: " + e.getMessage());
        }
        List<Alarm> disarmed = before.stream().filter(a -> !remaining.contains(a)).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("disarmed", line(disarmed, names));
        out.put("remaining", line(remaining, names));
        if (remaining.stream().anyMatch(a -> a.type().equals("CORRUPT"))) {
            out.put("note", "CORRUPT alarms are not disarmed: that member's data differs from the others;"
                    + " replace its data (remove and re-add the unit, or restore from a snapshot)");
        }
        return out;
    }

    private List<Alarm> active() {
        try {
            return admin.alarms();
        } catch (RuntimeException e) {
            throw new ActionFailedException("alarm list failed: " + e.getMessage());
        }
    }

    private Map<Long, String> names() {
        try {
            return admin.memberList().stream().collect(Collectors.toMap(Member::id, MemberEndpoints::key, (a, b) -> a));
        } catch (RuntimeException e) {
            throw new ActionFailedException("no etcd member answers: " + e.getMessage());
        }
    }

    private static String keyOf(long memberId, Map<Long, String> names) {
        return names.getOrDefault(memberId, "member-" + Long.toHexString(memberId));
    }

    private static Map<String, Object> describe(List<Alarm> alarms, Map<Long, String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", alarms.size());
        out.put("active", line(alarms, names));
        Map<String, String> members = new TreeMap<>(alarms.stream().collect(Collectors.groupingBy(
                a -> keyOf(a.memberId(), names), Collectors.mapping(Alarm::type, Collectors.joining(",")))));
        if (!members.isEmpty()) {
            out.put("members", members);
        }
        return out;
    }

    private static String line(List<Alarm> alarms, Map<Long, String> names) {
        if (alarms.isEmpty()) {
            return "none";
        }
        return alarms.stream().map(a -> a.type() + " on " + keyOf(a.memberId(), names))
                .collect(Collectors.joining(", "));
    }
}
