package dev.charms.etcd.actions;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Makes names usable as Juju action result keys: each dotted segment must match
 * {@code ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$}. Member names such as {@code etcd-0} already do.
 */
public final class ResultKeys {
    private static final Pattern VALID = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");

    private ResultKeys() {
    }

    /** Whether {@code key} is a valid single result key segment. */
    public static boolean valid(String key) {
        return key != null && VALID.matcher(key).matches();
    }

    /**
     * {@code name} as a key segment: lower-cased, every other character a hyphen, hyphens trimmed at
     * both ends; {@code fallback} when nothing is left (e.g. an unstarted member has no name).
     */
    public static String of(String name, String fallback) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-")
                .replaceAll("^-+|-+$", "");
        return valid(key) ? key : fallback;
    }
}
