package dev.charms.etcd.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.ops.StoredState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stored-state schema: typed values and values an earlier charm revision wrote. */
class UnitStateTest {
    @Test
    void theAdmittedLearnerIsReadInTheCurrentAndThePreviousEncoding() {
        StoredState stored = StoredState.inMemory(Map.of(UnitState.ADMITTED, "etcd/3@1234"));
        UnitState state = new UnitState(stored);
        assertEquals(Optional.of(new AdmittedLearner("etcd/3", 1234)), state.admitted(), "written by the previous revision");
        state.admitted(new AdmittedLearner("etcd/4", 5678));
        assertEquals(Map.of("unit", "etcd/4", "at", 5678L), stored.get(UnitState.ADMITTED));
        assertEquals(Optional.of(new AdmittedLearner("etcd/4", 5678)), state.admitted());
        assertEquals(Optional.empty(), new UnitState(StoredState.inMemory(Map.of(UnitState.ADMITTED, "etcd/3@garbage"))).admitted());
        assertEquals(Optional.empty(), new UnitState(StoredState.inMemory(Map.of())).admitted());
    }

    @Test
    void checksAreReadInTheCurrentAndThePreviousEncodingAndHoldUntilTheirTime() {
        StoredState stored = StoredState.inMemory(Map.of("signed-etcd-1", "abc@2000", "db-credentials-7", "def@3000"));
        UnitState state = new UnitState(stored);
        CheckedUntil signed = state.signed("etcd-1").orElseThrow();
        assertEquals(new CheckedUntil("abc", 2000), signed);
        assertEquals(true, signed.holds("abc", 1999));
        assertEquals(false, signed.holds("abc", 2000), "expired");
        assertEquals(false, signed.holds("abd", 1000), "another basis");
        assertEquals(Optional.of(new CheckedUntil("def", 3000)), state.dbCredentials(7));
        state.dbCredentials(7, new CheckedUntil("ghi", 4000));
        assertEquals(Map.of("basis", "ghi", "until", 4000L), stored.get("db-credentials-7"));
        assertEquals(Optional.of(new CheckedUntil("ghi", 4000)), state.dbCredentials(7));
        assertEquals(Optional.empty(), state.signed("etcd-2"));
    }

    @Test
    void theServingPortFallsBackToTheConfiguredOne() {
        UnitState state = new UnitState(StoredState.inMemory(Map.of()));
        assertEquals(2379, state.servingClientPortOr(2379));
        state.servingClientPort(4001);
        assertEquals(4001, state.servingClientPortOr(2379));
        assertEquals(2379, new UnitState(StoredState.inMemory(Map.of(UnitState.SERVING_CLIENT_PORT, 70000L))).servingClientPortOr(2379));
    }

    @Test
    void peerBagValuesKeepTheirWireForm() {
        assertEquals(Optional.of(new RestartTurn("etcd/1", "abc-3.5.17")), RestartTurn.parse("etcd/1:abc-3.5.17"));
        assertEquals("etcd/1:abc-3.5.17", RestartTurn.wire(RestartTurn.parse("etcd/1:abc-3.5.17")));
        assertEquals("", RestartTurn.wire(RestartTurn.parse("")));
        assertEquals(true, UnitProgress.WAITING_CERTIFICATE.in(Map.of("state", "waiting-certificate")));
        assertEquals(false, UnitProgress.READY.in(Map.of("state", "dancing")));
        assertEquals("left", UnitProgress.LEFT.wire());
        assertEquals(MemberRole.LEARNER, MemberRole.parse("learner"));
        assertEquals(MemberRole.VOTER, MemberRole.parse("voter"));
    }
}
