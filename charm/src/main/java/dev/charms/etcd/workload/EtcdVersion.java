package dev.charms.etcd.workload;

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
     * Why a member whose data this version wrote cannot move to {@code next}, if it cannot: etcd supports
     * patch changes within a minor version and an upgrade to the next minor version (3.4 to 3.5 to 3.6),
     * not skipping one, not going back to an older minor version (that needs etcd's own downgrade
     * procedure), not another major version.
     */
    public java.util.Optional<String> refusesMoveTo(EtcdVersion next) {
        if (next.major != major) {
            return java.util.Optional.of("etcd " + next + " is another major version than the " + this
                    + " that wrote this member's data");
        }
        if (next.minor > minor + 1) {
            return java.util.Optional.of("etcd upgrades one minor version at a time and this member's data is of "
                    + this + ": upgrade to " + major + "." + (minor + 1) + " first");
        }
        if (next.minor < minor) {
            return java.util.Optional.of("etcd " + next + " cannot run this member's data of " + this
                    + " (etcd does not go back a minor version without its downgrade procedure)");
        }
        return java.util.Optional.empty();
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
