package dev.charms.runner.model;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Juju secret: {@code secret:<20 lowercase alphanumerics>}, owned by an application or a unit, with
 * revisions of content, grants to consumers, the revision each consumer unit tracks (pinned on first
 * read, moved by {@code --refresh}) and consumer labels.
 */
public final class Secret {
    private final Object lock;
    private final String id;
    private final String ownerApplication;
    private final String ownerUnit;
    private String label;
    private String description;
    private Instant expiry;
    private String rotation = "";
    private final TreeMap<Integer, Map<String, String>> revisions = new TreeMap<>();
    private int latestRevision;
    private final Set<SecretGrant> grants = new LinkedHashSet<>();
    private final Map<String, Integer> tracked = new HashMap<>();
    private final Map<String, String> consumerLabels = new HashMap<>();

    Secret(Object lock, String id, String ownerApplication, String ownerUnit) {
        this.lock = lock;
        this.id = id;
        this.ownerApplication = ownerApplication;
        this.ownerUnit = ownerUnit;
    }

    /** The 20-character id. */
    public String id() {
        return id;
    }

    /** {@code secret:<id>}. */
    public String uri() {
        return "secret:" + id;
    }

    public String ownerApplication() {
        return ownerApplication;
    }

    /** The owning unit, or empty for an application-owned secret. */
    public Optional<String> ownerUnit() {
        return Optional.ofNullable(ownerUnit);
    }

    /** {@code application} or {@code unit}. */
    public String ownerKind() {
        return ownerUnit == null ? "application" : "unit";
    }

    /** Whether {@code unit} owns it (directly, or as a unit of the owning application). */
    public boolean isOwnedBy(Unit unit) {
        return ownerUnit == null ? unit.applicationName().equals(ownerApplication) : unit.name().equals(ownerUnit);
    }

    /** Whether {@code unit} may read it: its owner or a grantee. */
    public boolean canRead(Unit unit) {
        synchronized (lock) {
            return isOwnedBy(unit) || grants.stream().anyMatch(g -> g.covers(unit));
        }
    }

    /** The owner's label, or empty string. */
    public String label() {
        synchronized (lock) {
            return label == null ? "" : label;
        }
    }

    public void setLabel(String label) {
        synchronized (lock) {
            this.label = label;
        }
    }

    public String description() {
        synchronized (lock) {
            return description == null ? "" : description;
        }
    }

    public void setDescription(String description) {
        synchronized (lock) {
            this.description = description;
        }
    }

    /** When the secret expires, or null. */
    public Instant expiry() {
        synchronized (lock) {
            return expiry;
        }
    }

    public void setExpiry(Instant expiry) {
        synchronized (lock) {
            this.expiry = expiry;
        }
    }

    /** never, hourly, daily, weekly, monthly, quarterly or yearly; empty when never set. */
    public String rotation() {
        synchronized (lock) {
            return rotation;
        }
    }

    public void setRotation(String rotation) {
        synchronized (lock) {
            this.rotation = rotation;
        }
    }

    /** Adds a revision with {@code content} and returns its number (1, 2, ...). */
    public int addRevision(Map<String, String> content) {
        synchronized (lock) {
            latestRevision++;
            revisions.put(latestRevision, Map.copyOf(content));
            return latestRevision;
        }
    }

    public int latestRevision() {
        synchronized (lock) {
            return latestRevision;
        }
    }

    /** Revision numbers still stored. */
    public List<Integer> revisions() {
        synchronized (lock) {
            return List.copyOf(revisions.keySet());
        }
    }

    /** The content of {@code revision}, if it still exists. */
    public Optional<Map<String, String>> content(int revision) {
        synchronized (lock) {
            return Optional.ofNullable(revisions.get(revision));
        }
    }

    /** Removes one revision; returns whether it existed. */
    public boolean removeRevision(int revision) {
        synchronized (lock) {
            return revisions.remove(revision) != null;
        }
    }

    public Set<SecretGrant> grants() {
        synchronized (lock) {
            return Set.copyOf(grants);
        }
    }

    public void grant(SecretGrant grant) {
        synchronized (lock) {
            grants.add(grant);
        }
    }

    /** Removes grants of {@code relationId} (any relation if null) to {@code subject} (anyone if null). */
    public void revoke(Integer relationId, String subject) {
        synchronized (lock) {
            grants.removeIf(g -> (relationId == null || g.relationId() == relationId)
                    && (subject == null || g.subject().equals(subject)));
        }
    }

    /** The revision {@code unitName} tracks, if it has read the secret before. */
    public Optional<Integer> trackedRevision(String unitName) {
        synchronized (lock) {
            return Optional.ofNullable(tracked.get(unitName));
        }
    }

    public void track(String unitName, int revision) {
        synchronized (lock) {
            tracked.put(unitName, revision);
        }
    }

    /** Consumer units that track a revision older than the latest (they should get secret-changed). */
    public List<String> staleConsumers() {
        synchronized (lock) {
            return tracked.entrySet().stream().filter(e -> e.getValue() < latestRevision)
                    .map(Map.Entry::getKey).sorted(UnitNames.ORDER).toList();
        }
    }

    /** The label a consumer unit gave this secret, or null. */
    public String consumerLabel(String unitName) {
        synchronized (lock) {
            return consumerLabels.get(unitName);
        }
    }

    public void setConsumerLabel(String unitName, String consumerLabel) {
        synchronized (lock) {
            consumerLabels.put(unitName, consumerLabel);
        }
    }

    @Override
    public String toString() {
        return uri();
    }
}
