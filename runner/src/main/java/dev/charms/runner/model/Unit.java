package dev.charms.runner.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A unit of an application: its machine's address and hostname, workload and agent status, committed
 * opened ports, the charm's server-side state (state-get/set), life-cycle flags and storage.
 */
public final class Unit {
    private final Object lock;
    private final Application application;
    private final int index;
    private String address;
    private String hostname;
    private String machineId;
    private String interfaceName = "eth0";
    private String macAddress = "";
    private String cidr;
    private Status workloadStatus = Status.of("waiting", "waiting for machine");
    private Status agentStatus = Status.of("allocating", "");
    private String workloadVersion = "";
    private final TreeMap<PortRange, Set<String>> openedPorts = new TreeMap<>();
    private final TreeMap<String, String> state = new TreeMap<>();
    private final TreeMap<String, StorageAttachment> storage = new TreeMap<>();
    private boolean installed;
    private boolean started;
    private boolean dying;

    Unit(Object lock, Application application, int index) {
        this.lock = lock;
        this.application = application;
        this.index = index;
        this.machineId = String.valueOf(index);
    }

    /** E.g. {@code etcd/0}. */
    public String name() {
        return application.name() + "/" + index;
    }

    public int index() {
        return index;
    }

    public Application application() {
        return application;
    }

    public String applicationName() {
        return application.name();
    }

    /** Whether this unit is its application's leader now. */
    public boolean isLeader() {
        return application.leader().map(name()::equals).orElse(false);
    }

    /** The machine's IPv4 address, or null until the controller sets it. */
    public String address() {
        synchronized (lock) {
            return address;
        }
    }

    public void setAddress(String address) {
        synchronized (lock) {
            this.address = address;
        }
    }

    /** The machine's hostname, or null until the controller sets it. */
    public String hostname() {
        synchronized (lock) {
            return hostname;
        }
    }

    public void setHostname(String hostname) {
        synchronized (lock) {
            this.hostname = hostname;
        }
    }

    /** The machine's network interface name (default {@code eth0}), reported by network-get. */
    public String interfaceName() {
        synchronized (lock) {
            return interfaceName;
        }
    }

    /** The interface's MAC address (default empty). */
    public String macAddress() {
        synchronized (lock) {
            return macAddress;
        }
    }

    /** The address's subnet, e.g. {@code 10.90.0.0/24}; defaults to the /24 around {@link #address()}. */
    public String cidr() {
        synchronized (lock) {
            if (cidr != null || address == null) {
                return cidr;
            }
            int dot = address.lastIndexOf('.');
            return dot < 0 ? address + "/128" : address.substring(0, dot) + ".0/24";
        }
    }

    /** Sets what network-get reports besides the address. */
    public void setNetwork(String interfaceName, String macAddress, String cidr) {
        synchronized (lock) {
            this.interfaceName = interfaceName;
            this.macAddress = macAddress;
            this.cidr = cidr;
        }
    }

    /** JUJU_MACHINE_ID; defaults to the unit index. */
    public String machineId() {
        synchronized (lock) {
            return machineId;
        }
    }

    public void setMachineId(String machineId) {
        synchronized (lock) {
            this.machineId = machineId;
        }
    }

    public Status workloadStatus() {
        synchronized (lock) {
            return workloadStatus;
        }
    }

    public void setWorkloadStatus(Status status) {
        synchronized (lock) {
            this.workloadStatus = status;
        }
    }

    /** allocating, executing, idle or error, with a message such as {@code hook failed: "install"}. */
    public Status agentStatus() {
        synchronized (lock) {
            return agentStatus;
        }
    }

    public void setAgentStatus(Status status) {
        synchronized (lock) {
            this.agentStatus = status;
        }
    }

    /** Set by application-version-set; empty until then. */
    public String workloadVersion() {
        synchronized (lock) {
            return workloadVersion;
        }
    }

    public void setWorkloadVersion(String version) {
        synchronized (lock) {
            this.workloadVersion = version;
        }
    }

    /** Committed opened ports; each maps to its endpoints, an empty set meaning all endpoints. */
    public Map<PortRange, Set<String>> openedPorts() {
        synchronized (lock) {
            TreeMap<PortRange, Set<String>> copy = new TreeMap<>();
            openedPorts.forEach((k, v) -> copy.put(k, Collections.unmodifiableSet(new TreeSet<>(v))));
            return copy;
        }
    }

    /** Opens {@code range} on {@code endpoints} (empty = all endpoints). */
    public void openPort(PortRange range, Set<String> endpoints) {
        synchronized (lock) {
            Set<String> current = openedPorts.get(range);
            if (endpoints.isEmpty() || (current != null && current.isEmpty())) {
                openedPorts.put(range, new TreeSet<>());
            } else {
                openedPorts.computeIfAbsent(range, r -> new TreeSet<>()).addAll(endpoints);
            }
        }
    }

    /** Closes {@code range} on {@code endpoints} (empty = everywhere). */
    public void closePort(PortRange range, Set<String> endpoints) {
        synchronized (lock) {
            Set<String> current = openedPorts.get(range);
            if (current == null) {
                return;
            }
            if (endpoints.isEmpty() || current.isEmpty()) {
                openedPorts.remove(range);
            } else {
                current.removeAll(endpoints);
                if (current.isEmpty()) {
                    openedPorts.remove(range);
                }
            }
        }
    }

    /** A copy of the committed charm state (state-get). */
    public Map<String, String> state() {
        synchronized (lock) {
            return new TreeMap<>(state);
        }
    }

    /** Applies state changes: a null value deletes the key. */
    public void updateState(Map<String, String> changes) {
        synchronized (lock) {
            changes.forEach((k, v) -> {
                if (v == null) {
                    state.remove(k);
                } else {
                    state.put(k, v);
                }
            });
        }
    }

    /** Attached storage by id ({@code data/0}). */
    public Map<String, StorageAttachment> storage() {
        synchronized (lock) {
            return new TreeMap<>(storage);
        }
    }

    public void attachStorage(StorageAttachment attachment) {
        synchronized (lock) {
            storage.put(attachment.id(), attachment);
        }
    }

    public void detachStorage(String storageId) {
        synchronized (lock) {
            storage.remove(storageId);
        }
    }

    public boolean isInstalled() {
        synchronized (lock) {
            return installed;
        }
    }

    public void setInstalled(boolean installed) {
        synchronized (lock) {
            this.installed = installed;
        }
    }

    public boolean isStarted() {
        synchronized (lock) {
            return started;
        }
    }

    public void setStarted(boolean started) {
        synchronized (lock) {
            this.started = started;
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

    /** The relations this unit's application takes part in. */
    public List<Relation> relations() {
        return new ArrayList<>(application.model().relationsOf(applicationName()));
    }

    @Override
    public String toString() {
        return name();
    }
}
