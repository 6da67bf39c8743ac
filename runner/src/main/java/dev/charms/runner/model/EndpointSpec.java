package dev.charms.runner.model;

/**
 * One relation endpoint declared in metadata.yaml.
 *
 * @param name      endpoint name, e.g. {@code cluster}
 * @param role      peer, provider or requirer
 * @param interfaceName the interface, e.g. {@code etcd-peer}
 * @param limit     the maximum number of relations, 0 for none
 * @param optional  whether the endpoint is optional
 * @param scope     {@code global} or {@code container}
 */
public record EndpointSpec(String name, Role role, String interfaceName, int limit, boolean optional, String scope) {
    /** The side an endpoint plays in a relation. */
    public enum Role { PEER, PROVIDER, REQUIRER }
}
