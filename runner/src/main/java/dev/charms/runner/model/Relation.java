package dev.charms.runner.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A relation: a peer relation of one application, or a relation between endpoints of two applications.
 * Holds which units are in scope, every unit's data bag (kept after a unit leaves, for the relation's
 * life) and each application's data bag.
 */
public final class Relation {
    private final Object lock;
    private final int id;
    private final List<RelationEndpoint> endpoints;
    private final TreeSet<String> inScope = new TreeSet<>(UnitNames.ORDER);
    private final Map<String, DataBag> unitBags = new HashMap<>();
    private final Map<String, DataBag> appBags = new HashMap<>();
    private boolean dying;

    Relation(Object lock, int id, List<RelationEndpoint> endpoints) {
        this.lock = lock;
        this.id = id;
        this.endpoints = List.copyOf(endpoints);
        for (RelationEndpoint ep : endpoints) {
            appBags.put(ep.application(), new DataBag(lock));
        }
    }

    public int id() {
        return id;
    }

    /** One endpoint for a peer relation, two otherwise. */
    public List<RelationEndpoint> endpoints() {
        return endpoints;
    }

    public boolean isPeer() {
        return endpoints.size() == 1;
    }

    public String interfaceName() {
        return endpoints.get(0).spec().interfaceName();
    }

    public boolean involves(String application) {
        return endpoints.stream().anyMatch(e -> e.application().equals(application));
    }

    /** The endpoint {@code application} takes part through. */
    public Optional<RelationEndpoint> endpointOf(String application) {
        return endpoints.stream().filter(e -> e.application().equals(application)).findFirst();
    }

    /** The application on the other side (the same application for a peer relation). */
    public String remoteApplication(String application) {
        if (isPeer()) {
            return endpoints.get(0).application();
        }
        return endpoints.stream().map(RelationEndpoint::application).filter(a -> !a.equals(application))
                .findFirst().orElseThrow(() -> new ModelException("application \"" + application
                        + "\" is not in relation " + id));
    }

    /** {@code <endpoint>:<id>} as seen from {@code application}, e.g. {@code cluster:0}. */
    public String idString(String application) {
        return endpointOf(application).map(e -> e.name() + ":" + id)
                .orElseThrow(() -> new ModelException("application \"" + application + "\" is not in relation " + id));
    }

    /** Juju's relation key: {@code etcd:cluster}, or {@code app1:ep1 app2:ep2} (sorted). */
    public String key() {
        List<String> parts = new ArrayList<>();
        endpoints.forEach(e -> parts.add(e.toString()));
        parts.sort(null);
        return String.join(" ", parts);
    }

    /**
     * Puts {@code unit} in scope and, if its bag does not exist yet, seeds it with
     * {@code private-address}, {@code ingress-address} and {@code egress-subnets} as Juju does.
     */
    public void enterScope(Unit unit) {
        synchronized (lock) {
            if (!involves(unit.applicationName())) {
                throw new ModelException("unit \"" + unit.name() + "\" cannot join relation " + id);
            }
            inScope.add(unit.name());
            DataBag bag = unitBag(unit.name());
            if (unit.address() != null && bag.get("private-address") == null) {
                Map<String, String> seed = new HashMap<>();
                seed.put("private-address", unit.address());
                seed.put("ingress-address", unit.address());
                seed.put("egress-subnets", unit.address() + "/32");
                bag.update(seed);
            }
        }
    }

    /** Takes a unit out of scope; its bag stays readable. */
    public void leaveScope(String unitName) {
        synchronized (lock) {
            inScope.remove(unitName);
        }
    }

    public boolean inScope(String unitName) {
        synchronized (lock) {
            return inScope.contains(unitName);
        }
    }

    /** Units in scope, in numeric order. */
    public List<String> unitsInScope() {
        synchronized (lock) {
            return List.copyOf(inScope);
        }
    }

    /** Units of {@code application} in scope, in numeric order. */
    public List<String> unitsInScope(String application) {
        synchronized (lock) {
            return inScope.stream().filter(u -> UnitNames.application(u).equals(application)).toList();
        }
    }

    /** Whether a bag was ever created for {@code unitName} (it entered scope at some time). */
    public boolean hasUnitBag(String unitName) {
        synchronized (lock) {
            return unitBags.containsKey(unitName);
        }
    }

    /** The unit's bag, created empty if the unit never was in scope. */
    public DataBag unitBag(String unitName) {
        synchronized (lock) {
            return unitBags.computeIfAbsent(unitName, u -> new DataBag(lock));
        }
    }

    /** The application's bag; throws if the application is not in this relation. */
    public DataBag appBag(String application) {
        synchronized (lock) {
            DataBag bag = appBags.get(application);
            if (bag == null) {
                throw new ModelException("application \"" + application + "\" is not in relation " + id);
            }
            return bag;
        }
    }

    public boolean isDying() {
        synchronized (lock) {
            return dying;
        }
    }

    public void setDying(boolean dying) {
        synchronized (lock) {
            this.dying = dying;
        }
    }

    @Override
    public String toString() {
        return "relation " + id + " (" + key() + ")";
    }
}
