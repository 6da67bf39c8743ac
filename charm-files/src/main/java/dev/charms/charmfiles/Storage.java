package dev.charms.charmfiles;

/**
 * A storage declared in metadata.yaml.
 *
 * @param name     storage name, e.g. {@code data}
 * @param type     {@code filesystem} or {@code block}
 * @param location mount point for filesystem storage (may be empty)
 * @param minCount lower bound of {@code multiple.range} (default 1)
 * @param maxCount upper bound, -1 for unbounded (default 1)
 * @param minimumSizeMb {@code minimum-size} in MiB, as Juju reads it (0 when not given)
 */
public record Storage(String name, String type, String location, int minCount, int maxCount, long minimumSizeMb) {
    /** A storage without a minimum size. */
    public Storage(String name, String type, String location, int minCount, int maxCount) {
        this(name, type, location, minCount, maxCount, 0);
    }

    /**
     * A size as Juju's CLI and metadata.yaml spell it, in MiB: a number (decimals allowed) with an optional
     * suffix M, G, T, P or E (powers of 1024; none means M), e.g. {@code 64M}, {@code 1G}, {@code 1.5G}.
     */
    public static long parseSizeMb(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]+)?)([MGTPE]?)(?:i?B)?")
                .matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a non-negative number, optionally followed by M, G, T, P or E; got \""
                    + text + "\"");
        }
        int power = "MGTPE".indexOf(m.group(2).isEmpty() ? "M" : m.group(2));
        double mb = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        return (long) Math.ceil(mb);
    }
}
