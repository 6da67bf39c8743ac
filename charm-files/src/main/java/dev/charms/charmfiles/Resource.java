package dev.charms.charmfiles;

/** A resource declared in metadata.yaml: name, type ({@code file} or {@code oci-image}) and file name. */
public record Resource(String name, String type, String filename, String description) {
}
