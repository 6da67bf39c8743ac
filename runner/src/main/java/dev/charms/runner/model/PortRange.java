package dev.charms.runner.model;

import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A port or port range with its protocol, as open-port takes it: {@code 2379}, {@code 2379/tcp},
 * {@code 8000-8999/udp} or {@code icmp} (from/to are -1 for icmp). Sorted by protocol, then ports.
 */
public record PortRange(int from, int to, String protocol) implements Comparable<PortRange> {
    private static final Pattern ATOI = Pattern.compile("[+-]?\\d+");
    private static final Comparator<PortRange> ORDER = Comparator.comparing(PortRange::protocol)
            .thenComparingInt(PortRange::from).thenComparingInt(PortRange::to);

    /**
     * Parses open-port's argument as Juju's network.ParsePortRange (the caller lower-cases it) and
     * validates it; throws {@link ModelException} with Juju's message when invalid.
     */
    public static PortRange parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String protocol = "tcp";
        String ports = lower;
        int slash = lower.indexOf('/');
        if (slash >= 0) {
            ports = lower.substring(0, slash);
            protocol = lower.substring(slash + 1);
        }
        String[] parts = ports.split("-", -1);
        int from;
        int to;
        if (parts.length > 2) {
            throw new ModelException("invalid port range \"" + ports + "\"");
        } else if (parts.length == 1 && parts[0].equals("icmp")) {
            from = -1;
            to = -1;
            protocol = "icmp";
        } else if (parts.length == 1) {
            from = atoi(parts[0], ports);
            to = from;
        } else {
            from = atoi(parts[0], parts[0]);
            to = atoi(parts[1], parts[1]);
        }
        if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("icmp")) {
            throw new ModelException("invalid protocol \"" + protocol + "\", expected \"tcp\", \"udp\", or \"icmp\"");
        }
        PortRange range = new PortRange(from, to, protocol);
        if (protocol.equals("icmp")) {
            if (from != -1 || to != -1) {
                throw new ModelException("protocol \"icmp\" doesn't support any ports; got \"" + from + "\"");
            }
        } else if (from > to) {
            throw new ModelException("invalid port range " + range);
        } else if (from < 0 || from > 65535 || to < 0 || to > 65535) {
            throw new ModelException("port range bounds must be between 0 and 65535, got " + from + "-" + to);
        }
        return range;
    }

    /** Go's strconv.Atoi with its error text. */
    private static int atoi(String s, String shown) {
        if (!ATOI.matcher(s).matches()) {
            throw new ModelException("invalid port \"" + shown + "\": strconv.Atoi: parsing \"" + s + "\": invalid syntax");
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ModelException("invalid port \"" + shown + "\": strconv.Atoi: parsing \"" + s
                    + "\": value out of range");
        }
    }

    @Override
    public String toString() {
        if (protocol.equals("icmp")) {
            return "icmp";
        }
        return (from == to ? String.valueOf(from) : from + "-" + to) + "/" + protocol;
    }

    @Override
    public int compareTo(PortRange other) {
        return ORDER.compare(this, other);
    }
}
