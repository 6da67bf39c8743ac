package dev.charms.etcd.workload;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An etcd release version such as 3.4.23. */
public record EtcdVersion(int major, int minor, int patch) implements Comparable<EtcdVersion> {
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern BANNER = Pattern.compile("etcd Version:\\s*v?(\\d+\\.\\d+\\.\\d+)");

    /** Parses "3.4.23" or "v3.5.17" (a suffix such as "-rc.0" is ignored). */
    public static EtcdVersion parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.lookingAt()) {
            throw new IllegalArgumentException("not an etcd version: '" + text.strip() + "'");
        }
        return new EtcdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** Parses the output of {@code etcd --version} ("etcd Version: 3.4.23" ...). */
    public static EtcdVersion fromBanner(String output) {
        Matcher m = BANNER.matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("no 'etcd Version:' line in: " + CommandRunner.oneLine(output));
        }
        return parse(m.group(1));
    }

    /** Whether this is {@code major.minor} or newer. */
    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    /**
     * The oldest minor version whose configuration the charm renders: 3.4. Each of 3.4, 3.5 and 3.6 has its
     * own flag set (docs/operations.md, "etcd versions").
     */
    public static final EtcdVersion OLDEST_RENDERED = new EtcdVersion(3, 4, 0);
    /** The newest minor version whose configuration the charm renders: 3.6. */
    public static final EtcdVersion NEWEST_RENDERED = new EtcdVersion(3, 6, 0);

    /** Whether the charm renders a configuration for this version's flag set (3.4, 3.5 or 3.6). */
    public boolean rendered() {
        return atLeast(OLDEST_RENDERED.major, OLDEST_RENDERED.minor)
                && !atLeast(NEWEST_RENDERED.major, NEWEST_RENDERED.minor + 1);
    }

    /** etcd's own {@code snapshot-count} default for this version: 10000 from 3.6, 100000 before. */
    public long defaultSnapshotCount() {
        return atLeast(3, 6) ? 10_000 : 100_000;
    }

    /** This version's minor line, such as "3.5". */
    public String minorLine() {
        return major + "." + minor;
    }

    /** Whether snapshot status/restore live in {@code etcdutl} (3.5+) rather than {@code etcdctl}. */
    public boolean hasEtcdutl() {
        return atLeast(3, 5);
    }

    /**
     * The oldest 3.5 release a member may move to 3.6 from: etcd's 3.6 upgrade guide asks for every member
     * on 3.5.32 or later first (its earlier releases carry upgrade blockers).
     */
    public static final EtcdVersion OLDEST_35_TO_36 = new EtcdVersion(3, 5, 32);

    /**
     * Why etcd {@code next} must not be installed on a unit of a cluster whose members hold data of
     * {@code held} (this unit's member data, if any, and the etcd each peer runs), if it must not. The reason
     * reads after "etcd resource 3.6.0 refused: " and ends naming the release to attach instead. etcd moves
     * one minor version at a time (3.4 to 3.5 to 3.6), and to 3.6 only from 3.5.32 or later; it does not go
     * back a minor version, which needs its own downgrade procedure or a snapshot restore, nor to another
     * major version. Patch releases within the cluster's minor versions, and anything when nothing is held,
     * are fine.
     */
    public static Optional<String> refusesMoveTo(EtcdVersion next, Collection<EtcdVersion> held) {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        EtcdVersion oldest = Collections.min(held);
        EtcdVersion newest = Collections.max(held);
        String upgrade = oldest.major + "." + (oldest.minor + 1);
        if (next.major != oldest.major || next.major != newest.major) {
            return Optional.of("etcd " + next.major + " is another major version than the etcd " + newest
                    + " this cluster holds data of; attach an etcd " + newest.minorLine() + " release");
        }
        if (next.minor < newest.minor) {
            return Optional.of("a member of this cluster holds data of etcd " + newest + ", which etcd " + next.minorLine()
                    + " cannot run (going back a minor version takes etcd's downgrade procedure or a snapshot restore);"
                    + " attach an etcd " + newest.minorLine() + " release");
        }
        if (next.minor > oldest.minor + 1) {
            return Optional.of("etcd upgrades one minor version at a time and a member of this cluster is on etcd "
                    + oldest + "; attach an etcd " + upgrade + " release first"
                    + (upgrade.equals(OLDEST_35_TO_36.minorLine()) ? " (" + OLDEST_35_TO_36 + " or later)" : ""));
        }
        if (next.atLeast(3, 6) && !oldest.atLeast(3, 6) && oldest.compareTo(OLDEST_35_TO_36) < 0) {
            return Optional.of("upgrading to etcd " + next.minorLine() + " needs " + OLDEST_35_TO_36
                    + " or later on every member (a member is on " + oldest + "); attach etcd " + OLDEST_35_TO_36
                    + " or a later 3.5 release first");
        }
        return Optional.empty();
    }

    @Override
    public int compareTo(EtcdVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
