package dev.charms.charmfiles;

/**
 * A storage declared in metadata.yaml.
 *
 * @param name     storage name, e.g. {@code data}
 * @param type     {@code filesystem} or {@code block}
 * @param location mount point for filesystem storage (may be empty)
 * @param minCount lower bound of {@code multiple.range} (default 1)
 * @param maxCount upper bound, -1 for unbounded (default 1)
 */
public record Storage(String name, String type, String location, int minCount, int maxCount) {
}
