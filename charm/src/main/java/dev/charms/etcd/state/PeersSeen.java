package dev.charms.etcd.state;

import dev.charms.etcd.Roster;
import dev.charms.etcd.Units;
import dev.charms.ops.Relation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which roster units have departed. Juju's relation-list shows a peer only once this unit's
 * {@code -joined} hook for it has begun, so a unit that becomes leader before its {@code -joined} hooks
 * have run (added moments before the old leader went) sees fewer peers than the roster holds; those
 * peers have not left. Each unit therefore records, once per hook, every peer it has seen in the relation
 * (leadership may move to any unit), and the leader records since when each roster unit it never saw has
 * been missing. A roster unit missing from the relation has departed when this unit saw it there before,
 * or when it has stayed missing for {@link #UNSEEN_WAIT} without ever being seen (it left before this
 * unit's {@code -joined} hook for it could run). {@link #record} writes; the queries only read.
 */
public final class PeersSeen {
    /**
     * How long a roster unit that this unit never saw may stay missing before it counts as departed: far
     * longer than a new unit needs to run its {@code -joined} hooks, which follow its {@code start}.
     */
    public static final Duration UNSEEN_WAIT = Duration.ofMinutes(10);

    private PeersSeen() {
    }

    /**
     * Records what this hook sees: adds the peers now in the relation to those seen, forgets seen units
     * that are neither in the relation nor in {@code roster} any more (unit names are never reused), and
     * on the leader keeps since when each never-seen roster unit has been missing ({@code now} for one
     * found missing now).
     */
    public static void record(UnitState state, Relation peer, Roster roster, String self, boolean leader, long now) {
        List<String> listed = peer.units();
        TreeSet<String> seen = new TreeSet<>(Units.ORDER);
        seen.addAll(state.peersSeen());
        List<String> before = new ArrayList<>(seen);
        seen.addAll(listed);
        seen.removeIf(u -> !listed.contains(u) && !roster.contains(u));
        if (!before.equals(new ArrayList<>(seen))) {
            state.peersSeen(new ArrayList<>(seen));
        }
        if (leader) {
            state.unseenMissingSince(unseen(peer, self, roster, state), now);
        }
    }

    /**
     * Roster units (other than {@code self}) that have left the relation: missing from it, and either
     * seen in it before or missing for {@link #UNSEEN_WAIT} (counted from the hook that first found them
     * missing, as {@link #record} keeps it; {@code now} for one not recorded yet).
     */
    public static List<String> departed(Relation peer, String self, Roster roster, UnitState state, long now) {
        List<String> seen = state.peersSeen();
        Map<String, Long> missingSince = state.unseenMissingSince();
        List<String> out = new ArrayList<>();
        for (String unit : missing(peer, self, roster)) {
            if (seen.contains(unit) || now - UnitState.sinceOrNow(missingSince, unit, now) >= UNSEEN_WAIT.toMillis()) {
                out.add(unit);
            }
        }
        out.sort(Units.ORDER);
        return out;
    }

    /** Roster units missing from the relation that this unit has never seen there (not departed yet). */
    public static List<String> unseen(Relation peer, String self, Roster roster, UnitState state) {
        List<String> seen = state.peersSeen();
        return missing(peer, self, roster).stream().filter(u -> !seen.contains(u)).toList();
    }

    /** Roster units, other than {@code self}, that relation-list does not show. */
    private static List<String> missing(Relation peer, String self, Roster roster) {
        List<String> listed = peer.units();
        return roster.entries().keySet().stream().filter(u -> !u.equals(self) && !listed.contains(u)).toList();
    }
}
