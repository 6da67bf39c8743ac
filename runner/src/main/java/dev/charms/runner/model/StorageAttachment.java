package dev.charms.runner.model;

/**
 * A storage instance attached to a unit, as storage-get reports it.
 *
 * @param id       storage id, e.g. {@code data/0}
 * @param kind     {@code filesystem} or {@code block}
 * @param location the path inside the unit
 */
public record StorageAttachment(String id, String kind, String location) {
    /** The storage name: the part of the id before {@code /}. */
    public String name() {
        int slash = id.indexOf('/');
        return slash < 0 ? id : id.substring(0, slash);
    }
}
