package dev.charms.runner.model;

import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port or port range with its protocol, as open-port takes it: {@code 2379}, {@code 2379/tcp},
 * {@code 8000-8999/udp} or {@code icmp} (from/to are -1 for icmp).
 */
public record PortRange(int from, int to, String protocol) implements Comparable<PortRange> {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/([a-z]+))?");
    private static final Comparator<PortRange> ORDER = Comparator.comparing(PortRange::protocol)
            .thenComparingInt(PortRange::from).thenComparingInt(PortRange::to);

    /** Parses open-port's argument (case-insensitive); throws {@link ModelException} naming the text when invalid. */
    public static PortRange parse(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("icmp")) {
            return new PortRange(-1, -1, "icmp");
        }
        Matcher m = SYNTAX.matcher(lower);
        if (!m.matches()) {
            throw new ModelException("invalid port range \"" + text + "\"");
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        String proto = m.group(3) == null ? "tcp" : m.group(3);
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new ModelException("invalid protocol \"" + proto + "\", expected \"tcp\", \"udp\", or \"icmp\"");
        }
        if (from < 1 || to > 65535 || from > to) {
            throw new ModelException("invalid port range \"" + text + "\"");
        }
        return new PortRange(from, to, proto);
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
