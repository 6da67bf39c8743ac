package dev.charms.ops.testing;

import dev.charms.ops.Status;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything Juju knows about one unit that a hook can see or change, as an immutable value: the input
 * and the output of {@link Context#run}. Build one with {@link #builder()}; derive one with
 * {@link #toBuilder()}. A null {@code unitName} means {@code <charm name>/0}; a null status means Juju's
 * {@code unknown} (never set). {@code goalState} is what {@code goal-state} lists as this application's
 * units, each with its status ({@code waiting}, {@code active}, {@code dying}); null when the tool is not
 * offered (it fails, as on a Juju or emulator without it).
 */
public record State(Map<String, Object> config, boolean leader, String unitName, List<RelationState> relations,
                    Map<String, NetworkInfo> networks, List<Secret> secrets, Map<String, Path> resources,
                    Set<String> openedPorts, Status unitStatus, Status appStatus, String workloadVersion,
                    Map<String, Object> storedState, String jujuVersion, String modelName, String modelUuid,
                    Map<String, String> goalState) {

    public State {
        config = Copies.map(config, "config");
        relations = List.copyOf(relations);
        networks = Copies.map(networks, "networks");
        secrets = List.copyOf(secrets);
        resources = Copies.map(resources, "resources");
        openedPorts = Collections.unmodifiableSet(new TreeSet<>(openedPorts));
        workloadVersion = workloadVersion == null ? "" : workloadVersion;
        storedState = Copies.frozen(storedState);
        jujuVersion = jujuVersion == null ? "3.6.4" : jujuVersion;
        modelName = modelName == null ? "test-model" : modelName;
        modelUuid = modelUuid == null ? "00000000-0000-4000-8000-000000000000" : modelUuid;
        goalState = goalState == null ? null : Copies.map(goalState, "goalState");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.config.putAll(config);
        b.leader = leader;
        b.unitName = unitName;
        b.relations.addAll(relations);
        b.networks.putAll(networks);
        b.secrets.addAll(secrets);
        b.resources.putAll(resources);
        b.openedPorts.addAll(openedPorts);
        b.unitStatus = unitStatus;
        b.appStatus = appStatus;
        b.workloadVersion = workloadVersion;
        b.storedState.putAll(storedState);
        b.jujuVersion = jujuVersion;
        b.modelName = modelName;
        b.modelUuid = modelUuid;
        b.goalState = goalState == null ? null : new LinkedHashMap<>(goalState);
        return b;
    }

    /** The application part of the unit name. */
    public String appName() {
        return unitName.substring(0, unitName.indexOf('/'));
    }

    public Optional<RelationState> relation(int id) {
        return relations.stream().filter(r -> r.id() == id).findFirst();
    }

    /** The peer relation of an endpoint. */
    public Optional<PeerRelation> peerRelation(String endpoint) {
        return relations.stream().filter(r -> r instanceof PeerRelation && r.endpoint().equals(endpoint))
                .map(PeerRelation.class::cast).findFirst();
    }

    /** A secret by id or label. */
    public Optional<Secret> secret(String idOrLabel) {
        return secrets.stream().filter(s -> s.id().equals(idOrLabel) || idOrLabel.equals(s.label())).findFirst();
    }

    /**
     * The keys Juju puts in a unit's bag when it enters a relation: {@code private-address},
     * {@code ingress-address} and {@code egress-subnets}.
     */
    public static Map<String, String> defaultUnitData(String address) {
        Map<String, String> bag = new LinkedHashMap<>();
        bag.put("egress-subnets", address + "/32");
        bag.put("ingress-address", address);
        bag.put("private-address", address);
        return bag;
    }

    /** Mutable builder for {@link State}. */
    public static final class Builder {
        private final Map<String, Object> config = new LinkedHashMap<>();
        private boolean leader;
        private String unitName;
        private final List<RelationState> relations = new ArrayList<>();
        private final Map<String, NetworkInfo> networks = new LinkedHashMap<>();
        private final List<Secret> secrets = new ArrayList<>();
        private final Map<String, Path> resources = new LinkedHashMap<>();
        private final Set<String> openedPorts = new TreeSet<>();
        private Status unitStatus;
        private Status appStatus;
        private String workloadVersion = "";
        private final Map<String, Object> storedState = new LinkedHashMap<>();
        private String jujuVersion = "3.6.4";
        private String modelName;
        private String modelUuid;
        private Map<String, String> goalState;

        private Builder() {
        }

        /** Sets one option (as {@code juju config}); {@code null} unsets it. */
        public Builder config(String key, Object value) {
            if (value == null) {
                config.remove(key);
            } else {
                config.put(key, value);
            }
            return this;
        }

        public Builder config(Map<String, ?> values) {
            config.clear();
            config.putAll(values);
            return this;
        }

        public Builder leader(boolean value) {
            leader = value;
            return this;
        }

        public Builder unitName(String value) {
            unitName = value;
            return this;
        }

        /** Adds a relation, replacing one with the same id. */
        public Builder relation(RelationState relation) {
            relations.removeIf(r -> r.id() == relation.id());
            relations.add(relation);
            return this;
        }

        public Builder withoutRelation(int id) {
            relations.removeIf(r -> r.id() == id);
            return this;
        }

        public Builder relations(List<? extends RelationState> values) {
            relations.clear();
            relations.addAll(values);
            return this;
        }

        public Builder network(String binding, NetworkInfo value) {
            networks.put(binding, value);
            return this;
        }

        /** Adds a secret, replacing one with the same id. */
        public Builder secret(Secret secret) {
            secrets.removeIf(s -> s.id().equals(secret.id()));
            secrets.add(secret);
            return this;
        }

        public Builder secrets(List<Secret> values) {
            secrets.clear();
            secrets.addAll(values);
            return this;
        }

        public Builder resource(String name, Path file) {
            resources.put(name, file);
            return this;
        }

        public Builder openedPorts(Set<String> ports) {
            openedPorts.clear();
            openedPorts.addAll(ports);
            return this;
        }

        public Builder unitStatus(Status value) {
            unitStatus = value;
            return this;
        }

        public Builder appStatus(Status value) {
            appStatus = value;
            return this;
        }

        public Builder workloadVersion(String value) {
            workloadVersion = value;
            return this;
        }

        public Builder stored(String key, Object value) {
            storedState.put(key, value);
            return this;
        }

        public Builder storedState(Map<String, ?> values) {
            storedState.clear();
            storedState.putAll(values);
            return this;
        }

        public Builder jujuVersion(String value) {
            jujuVersion = value;
            return this;
        }

        /** What {@code goal-state} lists as the application's units (unit to status); null: the tool fails. */
        public Builder goalState(Map<String, String> units) {
            goalState = units == null ? null : new LinkedHashMap<>(units);
            return this;
        }

        public Builder model(String name, String uuid) {
            modelName = name;
            modelUuid = uuid;
            return this;
        }

        public State build() {
            return new State(config, leader, unitName, relations, networks, secrets, resources, openedPorts,
                    unitStatus, appStatus, workloadVersion, storedState, jujuVersion, modelName, modelUuid, goalState);
        }
    }
}
