package dev.charms.runner.model;

import dev.charms.charmfiles.ActionsSpec;
import dev.charms.charmfiles.ConfigSchema;
import dev.charms.charmfiles.Metadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An application: its charm (directory on the host plus parsed metadata, config schema and actions),
 * config values, units, leader, leader settings, application status and resources.
 */
public final class Application {
    private final Object lock;
    private final Model model;
    private final String name;
    private Charm charm;
    private long charmVersion;
    private final TreeMap<String, Object> configValues = new TreeMap<>();
    private long configVersion;
    private final TreeMap<String, Unit> units = new TreeMap<>(UnitNames.ORDER);
    private int nextUnitIndex;
    private String leader;
    private final TreeMap<String, String> leaderSettings = new TreeMap<>();
    private long leaderSettingsVersion;
    private Status status = Status.of("unknown", "");
    private final TreeMap<String, Path> resources = new TreeMap<>();
    private boolean exposed;
    private final TreeMap<String, StorageDirective> storageDirectives = new TreeMap<>();

    Application(Object lock, Model model, String name, Charm charm) {
        this.lock = lock;
        this.model = model;
        this.name = name;
        this.charm = charm;
    }

    public String name() {
        return name;
    }

    public Model model() {
        return model;
    }

    public Charm charm() {
        synchronized (lock) {
            return charm;
        }
    }

    public Path charmDir() {
        return charm().dir();
    }

    /** The storage directives of {@code deploy --storage}, by storage name . */
    public Map<String, StorageDirective> storageDirectives() {
        synchronized (lock) {
            return new TreeMap<>(storageDirectives);
        }
    }

    public void storageDirectives(Map<String, StorageDirective> directives) {
        synchronized (lock) {
            storageDirectives.clear();
            storageDirectives.putAll(directives);
        }
    }

    public Metadata meta() {
        return charm().meta();
    }

    public ConfigSchema configSchema() {
        return charm().config();
    }

    public ActionsSpec actionsSpec() {
        return charm().actions();
    }

    /** Replaces the charm ({@code juju refresh}); existing config values of removed options are dropped. */
    public void setCharm(Charm newCharm) {
        synchronized (lock) {
            this.charm = newCharm;
            configValues.keySet().removeIf(k -> newCharm.config().option(k).isEmpty());
            charmVersion++;
        }
    }

    /** Grows by one on every {@link #setCharm}. */
    public long charmVersion() {
        synchronized (lock) {
            return charmVersion;
        }
    }

    /** The effective config: set values over defaults; options with neither are absent. */
    public Map<String, Object> config() {
        synchronized (lock) {
            TreeMap<String, Object> out = new TreeMap<>(charm.config().defaults());
            out.putAll(configValues);
            return out;
        }
    }

    /** Options set explicitly by the user ({@code juju config}). */
    public Map<String, Object> configValues() {
        synchronized (lock) {
            return new TreeMap<>(configValues);
        }
    }

    /**
     * {@code juju config app k=v ...}: parses and validates every value against the schema, then sets them
     * all (nothing is set if one is invalid). An empty value for a non-string option resets it.
     *
     * @return whether the effective config changed
     */
    public boolean setConfig(Map<String, String> rawValues) {
        synchronized (lock) {
            Map<String, Object> parsed = ModelException.checked(() -> charm.config().parse(rawValues));
            Map<String, Object> before = config();
            parsed.forEach((k, v) -> {
                if (v == null) {
                    configValues.remove(k);
                } else {
                    configValues.put(k, v);
                }
            });
            boolean changed = !before.equals(config());
            if (changed) {
                configVersion++;
            }
            return changed;
        }
    }

    /** {@code juju config app --reset k1,k2}: unknown keys are an error. */
    public boolean resetConfig(List<String> keys) {
        synchronized (lock) {
            for (String k : keys) {
                ModelException.checked(() -> charm.config().require(k));
            }
            Map<String, Object> before = config();
            keys.forEach(configValues::remove);
            boolean changed = !before.equals(config());
            if (changed) {
                configVersion++;
            }
            return changed;
        }
    }

    /** Grows by one whenever the effective config changes. */
    public long configVersion() {
        synchronized (lock) {
            return configVersion;
        }
    }

    /** Units by name, in numeric order. */
    public List<Unit> units() {
        synchronized (lock) {
            return List.copyOf(units.values());
        }
    }

    public Optional<Unit> unit(String unitName) {
        synchronized (lock) {
            return Optional.ofNullable(units.get(unitName));
        }
    }

    Unit addUnit() {
        synchronized (lock) {
            Unit u = new Unit(lock, this, nextUnitIndex++);
            units.put(u.name(), u);
            return u;
        }
    }

    void removeUnit(String unitName) {
        synchronized (lock) {
            units.remove(unitName);
            if (unitName.equals(leader)) {
                leader = null;
            }
        }
    }

    /** The leader unit's name, if one is elected. */
    public Optional<String> leader() {
        synchronized (lock) {
            return Optional.ofNullable(leader);
        }
    }

    /** Makes {@code unitName} the leader (null: no leader). */
    public void setLeader(String unitName) {
        synchronized (lock) {
            if (unitName != null && !units.containsKey(unitName)) {
                throw new ModelException("unit \"" + unitName + "\" not found");
            }
            this.leader = unitName;
        }
    }

    /** A copy of the leader settings (leader-get). */
    public Map<String, String> leaderSettings() {
        synchronized (lock) {
            return new TreeMap<>(leaderSettings);
        }
    }

    /** Grows by one on every leader-set that changed something. */
    public long leaderSettingsVersion() {
        synchronized (lock) {
            return leaderSettingsVersion;
        }
    }

    /** Applies leader-set changes (empty value deletes); returns whether anything changed. */
    public boolean updateLeaderSettings(Map<String, String> changes) {
        synchronized (lock) {
            boolean changed = false;
            for (Map.Entry<String, String> e : changes.entrySet()) {
                if (e.getValue() == null || e.getValue().isEmpty()) {
                    changed |= leaderSettings.remove(e.getKey()) != null;
                } else {
                    changed |= !e.getValue().equals(leaderSettings.put(e.getKey(), e.getValue()));
                }
            }
            if (changed) {
                leaderSettingsVersion++;
            }
            return changed;
        }
    }

    public Status status() {
        synchronized (lock) {
            return status;
        }
    }

    public void setStatus(Status status) {
        synchronized (lock) {
            this.status = status;
        }
    }

    /** Attached resources: name to the file on the host. */
    public Map<String, Path> resources() {
        synchronized (lock) {
            return new TreeMap<>(resources);
        }
    }

    /** Attaches a resource file; the name must be declared in metadata.yaml. */
    public void attachResource(String resourceName, Path hostFile) {
        synchronized (lock) {
            if (!charm.meta().resources().containsKey(resourceName)) {
                throw new ModelException("resource \"" + resourceName + "\" not found in charm metadata");
            }
            resources.put(resourceName, hostFile);
        }
    }

    public boolean isExposed() {
        synchronized (lock) {
            return exposed;
        }
    }

    public void setExposed(boolean exposed) {
        synchronized (lock) {
            this.exposed = exposed;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
