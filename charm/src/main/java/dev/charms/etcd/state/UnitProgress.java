package dev.charms.etcd.state;

import java.util.Map;

/**
 * How far a unit has come, as it publishes it in its peer bag under {@link dev.charms.etcd.PeerData#STATE}:
 * waiting for its certificate, ready to be admitted, its member started, being removed (leaving), or left
 * the cluster.
 */
public enum UnitProgress {
    WAITING_CERTIFICATE("waiting-certificate"),
    READY("ready"),
    STARTED("started"),
    LEAVING("leaving"),
    LEFT("left");

    private final String wire;

    UnitProgress(String wire) {
        this.wire = wire;
    }

    /** The value in the unit bag. */
    public String wire() {
        return wire;
    }

    /** Whether {@code unitBag} states this progress. */
    public boolean in(Map<String, String> unitBag) {
        return wire.equals(unitBag.get(dev.charms.etcd.PeerData.STATE));
    }
}
