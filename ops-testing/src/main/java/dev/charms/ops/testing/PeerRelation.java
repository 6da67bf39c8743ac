package dev.charms.ops.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A peer relation: this application's shared bag, this unit's bag, each other unit's bag ({@code
 * peersData}, the units {@code relation-list} shows; never this unit: Juju does not list a unit as its
 * own peer), and the bags of units that departed ({@code departedData}: readable with {@code
 * relation-get} for the relation's life, as juju-contract.md section 6 says, but no longer listed).
 */
public record PeerRelation(String endpoint, int id, Map<String, String> localAppData,
                           Map<String, String> localUnitData, Map<String, Map<String, String>> peersData,
                           Map<String, Map<String, String>> departedData)
        implements RelationState {
    public PeerRelation {
        Objects.requireNonNull(endpoint, "endpoint");
        localAppData = Copies.bag(localAppData, "localAppData");
        localUnitData = Copies.bag(localUnitData, "localUnitData");
        peersData = Copies.bags(peersData, "peersData");
        departedData = Copies.bags(departedData, "departedData");
    }

    /** A peer relation in which no unit has departed. */
    public PeerRelation(String endpoint, int id, Map<String, String> localAppData,
                        Map<String, String> localUnitData, Map<String, Map<String, String>> peersData) {
        this(endpoint, id, localAppData, localUnitData, peersData, Map.of());
    }

    /** An empty peer relation, as right after {@code -relation-created} on a single unit. */
    public static PeerRelation of(String endpoint, int id) {
        return new PeerRelation(endpoint, id, Map.of(), Map.of(), Map.of());
    }

    public PeerRelation withLocalAppData(Map<String, String> data) {
        return new PeerRelation(endpoint, id, data, localUnitData, peersData, departedData);
    }

    public PeerRelation withLocalUnitData(Map<String, String> data) {
        return new PeerRelation(endpoint, id, localAppData, data, peersData, departedData);
    }

    /** Adds (or replaces) a peer unit and its bag. */
    public PeerRelation withPeer(String unit, Map<String, String> data) {
        Map<String, Map<String, String>> peers = new LinkedHashMap<>(peersData);
        peers.put(unit, data);
        return new PeerRelation(endpoint, id, localAppData, localUnitData, peers, departedData);
    }

    /** Removes a peer unit. */
    public PeerRelation withoutPeer(String unit) {
        Map<String, Map<String, String>> peers = new LinkedHashMap<>(peersData);
        peers.remove(unit);
        return new PeerRelation(endpoint, id, localAppData, localUnitData, peers, departedData);
    }

    @Override
    public Map<String, Map<String, String>> remoteUnitsData() {
        return peersData;
    }

    @Override
    public PeerRelation withLocalData(Map<String, String> appData, Map<String, String> unitData) {
        return new PeerRelation(endpoint, id, appData, unitData, peersData, departedData);
    }
}
