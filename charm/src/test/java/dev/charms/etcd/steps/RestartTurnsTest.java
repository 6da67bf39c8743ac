package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.state.RestartTurn;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who has the rolling-restart turn: one unit at a time, in unit order, until it has restarted. */
class RestartTurnsTest {
    private static Map<String, String> asks(String request, String restarted) {
        return Map.of(PeerData.RESTART_REQUEST, request, PeerData.RESTARTED, restarted);
    }

    /** The turn after {@code turn} (wire form, as in the application bag), in wire form. */
    private static String next(String turn, Map<String, Map<String, String>> units) {
        return RestartTurn.wire(RestartTurns.next(RestartTurn.parse(turn), units));
    }

    @Test
    void theRestartTurnGoesInUnitOrderAndStaysUntilItsHolderRestarted() {
        var units = new HashMap<String, Map<String, String>>();
        units.put("etcd/10", asks("f10", ""));
        units.put("etcd/2", asks("f2", ""));
        units.put("etcd/0", asks("f0", "f0"));
        assertEquals("etcd/2:f2", next("", units));
        assertEquals("etcd/2:f2", next("etcd/2:f2", units));
        units.put("etcd/2", asks("f2", "f2"));
        assertEquals("etcd/10:f10", next("etcd/2:f2", units));
        units.put("etcd/10", asks("f10", "f10"));
        assertEquals("", next("etcd/10:f10", units));
        // a holder that is gone (removed) passes the turn on
        units.put("etcd/3", asks("f3", ""));
        assertEquals("etcd/3:f3", next("etcd/7:f7", units));
    }

    @Test
    void aTurnWhoseRequestNoLongerStandsMovesOn() {
        var units = new HashMap<String, Map<String, String>>();
        units.put("etcd/0", asks("f0", "f0"));
        units.put("etcd/2", asks("f2", ""));
        // The configuration changed again before etcd/1 used its turn: it asks for the newer restart, and
        // gets a turn for that one (it is still first in order); waiting for "a" would wait for ever.
        units.put("etcd/1", asks("b", "old"));
        assertEquals("etcd/1:b", next("etcd/1:a", units));
        // Its etcd was started after a crash with the new configuration: the request is met, no restart comes.
        units.put("etcd/1", asks("a", "a"));
        assertEquals("etcd/2:f2", next("etcd/1:a", units));
        // A restore dropped its request.
        units.put("etcd/1", asks("", "old"));
        assertEquals("etcd/2:f2", next("etcd/1:a", units));
    }

    @Test
    void aUnitWithoutARequestOrWithItsRequestMetNeverGetsTheTurn() {
        var units = new HashMap<String, Map<String, String>>();
        units.put("etcd/0", Map.of());
        units.put("etcd/1", asks("f1", "f1"));
        assertEquals(Optional.empty(), RestartTurns.next(Optional.empty(), units));
        assertEquals(Optional.empty(), RestartTurns.next(Optional.of(new RestartTurn("etcd/1", "f1")), units),
                "a holder that reported its restart gives the turn up");
    }
}
