package dev.charms.runner.model;

/** A resource declared in metadata.yaml: name, type ({@code file} or {@code oci-image}) and file name. */
public record ResourceSpec(String name, String type, String filename, String description) {
}
