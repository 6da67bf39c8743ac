package dev.charms.runner.model;

/**
 * One option of config.yaml.
 *
 * @param type         string, int, float, boolean or secret
 * @param defaultValue the typed default (String, Long, Double or Boolean), or null when there is none
 */
public record ConfigOption(String name, String type, String description, Object defaultValue) {
}
