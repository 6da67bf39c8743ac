package dev.charms.etcd.backup;

import dev.charms.etcd.workload.EtcdCluster;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Which scheduled run backs up a period (docs/backups.md, "One backup per period when leadership
 * moves"). Two checks, in this order:
 * <ol>
 * <li>the bucket: a verified backup of this model and application taken in the period means nothing to do;</li>
 * <li>the claim: the run writes {@code <period start> <unit>} under {@link #KEY} in the application's own
 * etcd cluster with a compare-and-swap transaction expecting the value it read. etcd applies transactions
 * one at a time, in one order on every member, so of several runs for the same period (the timers of an old
 * and a new leader) exactly one finds the value it expected and backs up; the others are skipped, naming
 * the unit that claimed the period.</li>
 * </ol>
 * A period is claimed once, even when its backup then fails: the next period is claimed anew.
 */
public final class PeriodClaim {
    /** The one key the charm keeps in the cluster's keyspace: the last claimed period and its unit. */
    public static final String KEY = "/etcd-charm/scheduled-backup";

    private PeriodClaim() {
    }

    /** Why the bucket makes this run unnecessary: a verified backup of {@code model}/{@code app} in the period. */
    public static Optional<String> backedUp(List<Backups.Listed> listed, String model, String app, Instant period) {
        return listed.stream()
                .filter(b -> b.verified() && b.id().model().equals(model) && b.id().app().equals(app)
                        && !b.id().time().isBefore(period))
                .findFirst()
                .map(b -> "backup " + b.id().id() + " exists for the period from " + period);
    }

    /**
     * Claims the period starting at {@code period} for {@code unit}; empty when claimed, else why this run
     * is skipped (the period or a later one was claimed by another run). A failure to reach a quorum of
     * the cluster propagates: nobody can claim then.
     */
    public static Optional<String> claim(EtcdCluster etcd, Instant period, String unit) {
        String mine = period + " " + unit;
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<String> current = etcd.get(KEY);
            Optional<String> taken = current.flatMap(v -> takenBy(v, period));
            if (taken.isPresent()) {
                return taken;
            }
            if (etcd.putIf(KEY, current, mine)) {
                return Optional.empty();
            }
            // another run changed the key between the read and the transaction: read again
        }
        return Optional.of("the period from " + period + " is being claimed by another run");
    }

    /** Why {@code value} (the key's content) keeps this period from being claimed; empty if it does not. */
    static Optional<String> takenBy(String value, Instant period) {
        String[] parts = value.strip().split(" ", 2);
        Instant claimed;
        try {
            claimed = Instant.parse(parts[0]);
        } catch (DateTimeParseException e) {
            return Optional.empty(); // not ours or damaged: the transaction replaces it
        }
        if (claimed.isBefore(period)) {
            return Optional.empty();
        }
        String by = parts.length > 1 ? parts[1] : "another unit";
        return Optional.of(claimed.equals(period) ? "the period from " + period + " was claimed by " + by
                : "a later period (from " + claimed + ") was claimed by " + by + "; is this machine's clock behind?");
    }
}
