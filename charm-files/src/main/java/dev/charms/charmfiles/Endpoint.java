package dev.charms.charmfiles;

/**
 * One relation endpoint declared in metadata.yaml.
 *
 * @param name          endpoint name, e.g. {@code cluster}
 * @param role          peer, provider or requirer
 * @param interfaceName the interface, e.g. {@code etcd-peer}
 * @param limit         the maximum number of relations, 0 for none
 * @param optional      whether the endpoint is optional
 * @param scope         {@code global} or {@code container}
 */
public record Endpoint(String name, Role role, String interfaceName, int limit, boolean optional, String scope) {
    /** The side an endpoint plays in a relation, with the metadata.yaml section that declares it. */
    public enum Role {
        PEER("peers"), PROVIDER("provides"), REQUIRER("requires");

        private final String section;

        Role(String section) {
            this.section = section;
        }

        /** The metadata.yaml section: {@code peers}, {@code provides} or {@code requires}. */
        public String section() {
            return section;
        }
    }
}
