package dev.charms.etcd.certs;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of CA certificates as one PEM text, in a canonical form (each certificate's PEM block stripped,
 * in first-seen order, one newline after each), so that equal sets listed in the same order compare equal
 * as text.
 */
public final class TrustBundle {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]*?-----END CERTIFICATE-----");

    private TrustBundle() {
    }

    /** The certificate blocks of {@code pem}, in order, without duplicates. */
    public static List<String> certificates(String pem) {
        Set<String> blocks = new LinkedHashSet<>();
        if (pem != null) {
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                blocks.add(normalise(m.group()));
            }
        }
        return new ArrayList<>(blocks);
    }

    /** The canonical text of {@code pem}'s certificates. */
    public static String canonical(String pem) {
        return join(certificates(pem));
    }

    /** The canonical union of the bundles, in the order given. */
    public static String union(String... bundles) {
        Set<String> all = new LinkedHashSet<>();
        for (String b : bundles) {
            all.addAll(certificates(b));
        }
        return join(new ArrayList<>(all));
    }

    /** The canonical union of the bundles, sorted: the same set always gives the same text. */
    public static String sortedUnion(String... bundles) {
        Set<String> all = new java.util.TreeSet<>();
        for (String b : bundles) {
            all.addAll(certificates(b));
        }
        return join(new ArrayList<>(all));
    }

    /** Whether the two bundles hold the same certificates (in any order). */
    public static boolean sameSet(String a, String b) {
        return new LinkedHashSet<>(certificates(a)).equals(new LinkedHashSet<>(certificates(b)));
    }

    /** Whether every certificate of {@code part} is in {@code whole}. */
    public static boolean contains(String whole, String part) {
        return certificates(whole).containsAll(certificates(part));
    }

    private static String normalise(String block) {
        String body = block.substring("-----BEGIN CERTIFICATE-----".length(), block.length() - "-----END CERTIFICATE-----".length())
                .replaceAll("\\s", "");
        StringBuilder sb = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
        for (int i = 0; i < body.length(); i += 64) {
            sb.append(body, i, Math.min(body.length(), i + 64)).append('\n');
        }
        return sb.append("-----END CERTIFICATE-----").toString();
    }

    private static String join(List<String> blocks) {
        StringBuilder sb = new StringBuilder();
        for (String b : blocks) {
            sb.append(b).append('\n');
        }
        return sb.toString();
    }
}
