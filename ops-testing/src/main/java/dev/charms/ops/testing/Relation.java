package dev.charms.ops.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A relation to another application on a {@code provides} or {@code requires} endpoint: the local bags,
 * the remote application's bag and each remote unit's bag.
 */
public record Relation(String endpoint, int id, String remoteApp, Map<String, String> localAppData,
                       Map<String, String> localUnitData, Map<String, String> remoteAppData,
                       Map<String, Map<String, String>> remoteUnitsData) implements RelationState {
    public Relation {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(remoteApp, "remoteApp");
        localAppData = Copies.bag(localAppData, "localAppData");
        localUnitData = Copies.bag(localUnitData, "localUnitData");
        remoteAppData = Copies.bag(remoteAppData, "remoteAppData");
        remoteUnitsData = Copies.bags(remoteUnitsData, "remoteUnitsData");
    }

    /** A relation with empty bags and no remote units yet (as in {@code -relation-created}). */
    public static Relation of(String endpoint, int id, String remoteApp) {
        return new Relation(endpoint, id, remoteApp, Map.of(), Map.of(), Map.of(), Map.of());
    }

    public Relation withLocalAppData(Map<String, String> data) {
        return new Relation(endpoint, id, remoteApp, data, localUnitData, remoteAppData, remoteUnitsData);
    }

    public Relation withLocalUnitData(Map<String, String> data) {
        return new Relation(endpoint, id, remoteApp, localAppData, data, remoteAppData, remoteUnitsData);
    }

    public Relation withRemoteAppData(Map<String, String> data) {
        return new Relation(endpoint, id, remoteApp, localAppData, localUnitData, data, remoteUnitsData);
    }

    /** Adds (or replaces) a remote unit and its bag. */
    public Relation withRemoteUnit(String unit, Map<String, String> data) {
        Map<String, Map<String, String>> units = new LinkedHashMap<>(remoteUnitsData);
        units.put(unit, data);
        return new Relation(endpoint, id, remoteApp, localAppData, localUnitData, remoteAppData, units);
    }

    @Override
    public Relation withLocalData(Map<String, String> appData, Map<String, String> unitData) {
        return new Relation(endpoint, id, remoteApp, appData, unitData, remoteAppData, remoteUnitsData);
    }
}
