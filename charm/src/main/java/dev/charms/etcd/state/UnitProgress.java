package dev.charms.etcd.state;

import java.util.Map;
import java.util.Optional;

/**
 * How far a unit has come, as it publishes it in its peer bag under {@link dev.charms.etcd.PeerData#STATE}:
 * waiting for its certificate, ready to be admitted, its member started, or left the cluster.
 */
public enum UnitProgress {
    WAITING_CERTIFICATE("waiting-certificate"),
    READY("ready"),
    STARTED("started"),
    LEFT("left");

    private final String wire;

    UnitProgress(String wire) {
        this.wire = wire;
    }

    /** The value in the unit bag. */
    public String wire() {
        return wire;
    }

    /** The progress a unit bag states; empty when it states none (or one this charm does not know). */
    public static Optional<UnitProgress> of(Map<String, String> unitBag) {
        String value = unitBag.get(dev.charms.etcd.PeerData.STATE);
        for (UnitProgress p : values()) {
            if (p.wire.equals(value)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code unitBag} states this progress. */
    public boolean in(Map<String, String> unitBag) {
        return wire.equals(unitBag.get(dev.charms.etcd.PeerData.STATE));
    }
}
