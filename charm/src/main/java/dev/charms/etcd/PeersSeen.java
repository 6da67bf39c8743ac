package dev.charms.etcd;

import dev.charms.ops.Relation;
import dev.charms.ops.StoredState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which departed units a leader may remove. Juju's relation-list shows a peer only once this unit's
 * {@code -joined} hook for it has begun, so a unit that becomes leader before its {@code -joined} hooks
 * have run (added moments before the old leader went) sees fewer peers than the roster holds; those
 * peers have not left. Each unit therefore remembers every peer it has seen in the relation (in every
 * hook, on every unit: leadership may move to any of them). A roster unit missing from the relation has
 * departed when this unit saw it there before, or when it has stayed missing for {@link #UNSEEN_WAIT}
 * without ever being seen (it left before this unit's {@code -joined} hook for it could run).
 */
final class PeersSeen {
    /** Stored: peer units this unit has seen in the relation (those still in the relation or the roster). */
    static final String SEEN = "peers-seen";
    /** Stored: roster units never seen in the relation, and since when they have been missing (epoch ms). */
    static final String UNSEEN_MISSING_SINCE = "peers-unseen-missing-since";
    /**
     * How long a roster unit that this unit never saw may stay missing before it counts as departed: far
     * longer than a new unit needs to run its {@code -joined} hooks, which follow its {@code start}.
     */
    static final Duration UNSEEN_WAIT = Duration.ofMinutes(10);

    private PeersSeen() {
    }

    /**
     * Adds the peers now in the relation to those seen, and forgets seen units that are neither in the
     * relation nor in the roster any more (unit names are never reused).
     */
    static void record(StoredState stored, Relation peer) {
        List<String> now = peer.units();
        Roster roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        TreeSet<String> seen = new TreeSet<>(Units.ORDER);
        seen.addAll(seen(stored));
        List<String> before = new ArrayList<>(seen);
        seen.addAll(now);
        seen.removeIf(u -> !now.contains(u) && !roster.contains(u));
        if (!before.equals(new ArrayList<>(seen))) {
            stored.put(SEEN, seen.isEmpty() ? null : new ArrayList<>(seen));
        }
    }

    /**
     * Roster units (other than {@code self}) that have left the relation: missing from it, and either
     * seen in it before or missing for {@link #UNSEEN_WAIT} (counted from the first hook that found them
     * missing, {@code now} for one found now).
     */
    static List<String> departed(Relation peer, String self, Roster roster, StoredState stored, long now) {
        List<String> seen = seen(stored);
        List<String> unseen = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String unit : missing(peer, self, roster)) {
            (seen.contains(unit) ? out : unseen).add(unit);
        }
        LeaderDuties.noticedSince(stored, UNSEEN_MISSING_SINCE, unseen, now).forEach((unit, since) -> {
            if (now - since >= UNSEEN_WAIT.toMillis()) {
                out.add(unit);
            }
        });
        out.sort(Units.ORDER);
        return out;
    }

    /** Roster units missing from the relation that this unit has never seen there (not departed yet). */
    static List<String> unseen(Relation peer, String self, Roster roster, StoredState stored) {
        List<String> seen = seen(stored);
        return missing(peer, self, roster).stream().filter(u -> !seen.contains(u)).toList();
    }

    /** Roster units, other than {@code self}, that relation-list does not show. */
    private static List<String> missing(Relation peer, String self, Roster roster) {
        List<String> listed = peer.units();
        return roster.entries().keySet().stream().filter(u -> !u.equals(self) && !listed.contains(u)).toList();
    }

    private static List<String> seen(StoredState stored) {
        List<String> out = new ArrayList<>();
        if (stored.get(SEEN) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
