package dev.charms.etcd.pki;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * Validation and canonical form of subject alternative names. An IP literal (IPv4 dotted quad or IPv6)
 * becomes an IP SAN in canonical text form (RFC 5952 for IPv6); anything else must be a plain DNS host
 * name (lower-cased; no wildcards, no trailing dot). Names are kept in a sorted set so the same inputs
 * always give the same certificate content and comparisons never depend on order. Never resolves names.
 */
public final class SubjectAltNames {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final int MAX_DNS_LENGTH = 253;

    private SubjectAltNames() {
    }

    /**
     * Validates every name and returns their canonical forms, sorted and without duplicates.
     *
     * @throws PkiException naming the first invalid entry and why it is invalid
     */
    public static SortedSet<String> normalize(Collection<String> sans) {
        if (sans == null) {
            throw new PkiException("the list of subject alternative names is missing");
        }
        SortedSet<String> result = new TreeSet<>();
        for (String san : sans) {
            result.add(canonical(san));
        }
        return Collections.unmodifiableSortedSet(result);
    }

    /** The canonical form of one name (see the class description). */
    public static String canonical(String san) {
        if (san == null || san.isBlank()) {
            throw new PkiException("invalid subject alternative name: empty name");
        }
        String name = san.strip();
        if (IPV4.matcher(name).matches() || (name.contains(":") && IPAddress.isValidIPv6(name))) {
            return canonicalIp(literalAddress(name));
        }
        return canonicalDns(name);
    }

    /** Whether {@code san} (in canonical form) is an IP address rather than a DNS name. */
    public static boolean isIpAddress(String san) {
        return IPV4.matcher(san).matches() || san.contains(":");
    }

    /** The raw address bytes of a canonical IP SAN (4 or 16 bytes). */
    static byte[] addressBytes(String canonicalIp) {
        return literalAddress(canonicalIp).getAddress();
    }

    /** The canonical text of an IP address already known to be a valid literal (e.g. from the JDK). */
    static String canonicalIpLiteral(String literal) {
        return canonicalIp(literalAddress(literal));
    }

    /** The canonical text of a 4- or 16-byte address, as found in a certificate. */
    static String canonicalIp(byte[] address) {
        try {
            return canonicalIp(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            throw new PkiException("invalid IP address SAN of " + address.length + " bytes");
        }
    }

    private static InetAddress literalAddress(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new PkiException("invalid subject alternative name '" + literal + "': not a valid IP address");
        }
    }

    private static String canonicalIp(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static String canonicalDns(String name) {
        if (name.contains("*")) {
            throw new PkiException("invalid subject alternative name '" + name + "': wildcards are not allowed");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String[] labels = lower.split("\\.", -1);
        boolean valid = lower.length() <= MAX_DNS_LENGTH && !DIGITS.matcher(labels[labels.length - 1]).matches();
        for (String label : labels) {
            valid &= DNS_LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new PkiException("invalid subject alternative name '" + name
                    + "': not an IP address or a valid DNS name (letters, digits, '-' and '.' only)");
        }
        return lower;
    }
}
