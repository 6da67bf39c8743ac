package dev.charms.etcd.workload;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's active alarms from one {@code etcdctl alarm list -w json} process, over mTLS. The status
 * needs it: etcdctl 3.4's {@code endpoint health} calls a member healthy while a NOSPACE alarm keeps the
 * whole cluster from taking writes (reads still work).
 */
public final class EtcdctlAlarms {
    // {"alarms":[{"memberID":13458989633860879742,"alarm":1}]}: ids beyond a long, read as text.
    private static final Pattern ALARM = Pattern.compile("\"memberID\"\\s*:\\s*(\\d+)\\s*,\\s*\"alarm\"\\s*:\\s*(\\d+)");
    private static final List<String> TYPES = List.of("NONE", "NOSPACE", "CORRUPT");

    private final Etcdctl etcdctl;

    public EtcdctlAlarms(java.nio.file.Path etcdctl, TlsPaths tls, CommandRunner runner) {
        this.etcdctl = new Etcdctl(etcdctl, tls, runner);
    }

    /** The active alarms, as the first of {@code endpoints} that answers says; empty when none answers. */
    public Optional<List<Alarm>> list(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        long seconds = Math.max(1, timeout.toSeconds());
        CommandResult r = etcdctl.run(endpoints, seconds, seconds, "alarm", "list", "-w", "json");
        return r.ok() ? Optional.of(parse(r.stdout())) : Optional.empty();
    }

    /** Parses etcdctl's JSON; an alarm number etcd may add later is kept as {@code ALARM<n>}. */
    static List<Alarm> parse(String stdout) {
        List<Alarm> out = new ArrayList<>();
        Matcher m = ALARM.matcher(stdout);
        while (m.find()) {
            int type;
            long member;
            try {
                member = Long.parseUnsignedLong(m.group(1));
                type = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                continue;
            }
            if (type != 0) {
                out.add(new Alarm(member, type < TYPES.size() ? TYPES.get(type) : "ALARM" + type));
            }
        }
        return out;
    }
}
