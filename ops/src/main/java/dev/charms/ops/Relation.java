package dev.charms.ops;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One relation: its remote units and data bags. Reads are made once per hook and cached; writes are
 * merged into the cache (Juju shows a unit its own uncommitted writes) and only keys whose value
 * actually changes are sent, so a reconcile that changes nothing costs no {@code relation-set}.
 */
public final class Relation {
    private final HookTools tools;
    private final String endpoint;
    private final int id;
    private final String localUnit;
    private final String localApp;
    private final boolean peer;
    private List<String> units;
    private String remoteApp;
    private final Map<String, Map<String, String>> unitBags = new HashMap<>();
    private final Map<String, Map<String, String>> appBags = new HashMap<>();

    Relation(HookTools tools, String endpoint, int id, String localUnit, boolean peer) {
        this.tools = tools;
        this.endpoint = endpoint;
        this.id = id;
        this.localUnit = localUnit;
        this.localApp = localUnit.substring(0, localUnit.indexOf('/'));
        this.peer = peer;
    }

    public String endpoint() {
        return endpoint;
    }

    public int id() {
        return id;
    }

    public boolean isPeer() {
        return peer;
    }

    /** Remote units in the relation (for peers: the other units of this application). */
    public List<String> units() {
        if (units == null) {
            units = List.copyOf(tools.relationList(id));
        }
        return units;
    }

    /** The remote application (for a peer relation: this application). */
    public String remoteApp() {
        if (peer) {
            return localApp;
        }
        if (remoteApp == null) {
            remoteApp = tools.relationRemoteApp(id);
        }
        return remoteApp;
    }

    /** A unit's data bag (read-only view). */
    public Map<String, String> unitData(String unit) {
        return Collections.unmodifiableMap(unitBag(unit));
    }

    public Map<String, String> localUnitData() {
        return unitData(localUnit);
    }

    /** This application's bag: readable by the leader, and by every unit in a peer relation. */
    public Map<String, String> localAppData() {
        return Collections.unmodifiableMap(appBag(localApp));
    }

    /** The remote application's bag (non-peer relations). */
    public Map<String, String> remoteAppData() {
        return Collections.unmodifiableMap(appBag(remoteApp()));
    }

    /** Merges changes into this unit's bag; an empty or null value deletes the key. */
    public void updateLocalUnitData(Map<String, String> changes) {
        write(unitBag(localUnit), changes, false);
    }

    /** Merges changes into this application's bag. Only the leader may do this. */
    public void updateLocalAppData(Map<String, String> changes) {
        write(appBag(localApp), changes, true);
    }

    private void write(Map<String, String> bag, Map<String, String> changes, boolean app) {
        Map<String, String> diff = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : changes.entrySet()) {
            String value = e.getValue() == null ? "" : e.getValue();
            String current = bag.get(e.getKey());
            if (value.isEmpty() ? current != null : !Objects.equals(current, value)) {
                diff.put(e.getKey(), value);
            }
        }
        if (diff.isEmpty()) {
            return;
        }
        tools.relationSet(id, diff, app);
        diff.forEach((k, v) -> {
            if (v.isEmpty()) {
                bag.remove(k);
            } else {
                bag.put(k, v);
            }
        });
    }

    private Map<String, String> unitBag(String unit) {
        return unitBags.computeIfAbsent(unit, u -> new LinkedHashMap<>(tools.relationGet(id, u, false)));
    }

    private Map<String, String> appBag(String app) {
        return appBags.computeIfAbsent(app, a -> new LinkedHashMap<>(tools.relationGet(id, a, true)));
    }
}
