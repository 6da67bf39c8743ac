package dev.charms.etcd.state;

import dev.charms.etcd.PeerData;
import java.util.Map;
import java.util.Optional;

/**
 * The rolling-restart turn the leader publishes in the peer application bag under
 * {@link PeerData#RESTART_TURN}: the unit that may restart now, for the configuration fingerprint it asked
 * to restart with. On the wire {@code unit:fingerprint}; empty when nobody has the turn.
 */
public record RestartTurn(String unit, String fingerprint) {
    /** The turn in the application bag, if any. */
    public static Optional<RestartTurn> of(Map<String, String> appBag) {
        return parse(appBag.getOrDefault(PeerData.RESTART_TURN, ""));
    }

    /** Parses {@code unit:fingerprint}; a value without a colon is a unit with an empty fingerprint. */
    public static Optional<RestartTurn> parse(String wire) {
        if (wire == null || wire.isEmpty()) {
            return Optional.empty();
        }
        int colon = wire.indexOf(':');
        return Optional.of(colon < 0 ? new RestartTurn(wire, "")
                : new RestartTurn(wire.substring(0, colon), wire.substring(colon + 1)));
    }

    /** The bag value of {@code turn}: empty for none. */
    public static String wire(Optional<RestartTurn> turn) {
        return turn.map(t -> t.unit() + ":" + t.fingerprint()).orElse("");
    }

    /** Whether {@code unit} holds this turn. */
    public boolean heldBy(String other) {
        return unit.equals(other);
    }
}
