package dev.charms.ops.testing;

import java.util.Map;

/** A relation as the harness's {@link State} holds it: a {@link PeerRelation} or a {@link Relation}. */
public sealed interface RelationState permits PeerRelation, Relation {
    String endpoint();

    int id();

    /** This application's bag. */
    Map<String, String> localAppData();

    /** This unit's bag. */
    Map<String, String> localUnitData();

    /** The other units' bags: peers of this application, or units of the remote application. */
    Map<String, Map<String, String>> remoteUnitsData();

    /** The relation with different local bags (what a hook's committed writes produce). */
    RelationState withLocalData(Map<String, String> appData, Map<String, String> unitData);
}
