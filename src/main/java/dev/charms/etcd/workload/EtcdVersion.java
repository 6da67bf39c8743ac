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

    /** Whether snapshot status/restore live in {@code etcdutl} (3.5+) rather than {@code etcdctl}. */
    public boolean hasEtcdutl() {
        return atLeast(3, 5);
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
