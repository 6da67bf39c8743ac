package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.Units;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.ops.Relation;
import dev.charms.ops.Status;
import java.util.Map;

/**
 * First round: writes the CA, this unit's certificate and its key for etcd when the certificate the
 * leader published fits this unit's key and names. While it does not, the pass ends here, waiting for
 * the leader; a unit that is not a member yet (and not the leader) then clears any stale data and says it
 * is ready, so that the leader can admit it in the same hook in which it signs its certificate.
 */
public final class UnitCertificate implements Step {
    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.firstRound();
    }

    @Override
    public void run(HookScope scope) {
        Relation peer = scope.peer();
        Map<String, String> app = peer.localAppData();
        String ca = app.get(PeerData.CA_CERT);
        String cert = app.get(Units.certKey(scope.unit()));
        String csr = peer.localUnitData().get(PeerData.CSR);
        if (scope.tls().fits(cert, ca, csr)) {
            scope.host().writeTls(ca, cert, scope.tls().keyPem());
            return;
        }
        if (!scope.roster().contains(scope.unit()) && !scope.leader()) {
            MemberProcess member = new MemberProcess(scope);
            member.forgetRestoredOverCluster();
            member.clearStaleData();
            peer.updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.READY.wire()));
        } else {
            peer.updateLocalUnitData(Map.of(PeerData.STATE, UnitProgress.WAITING_CERTIFICATE.wire()));
        }
        scope.halt(Status.waiting("waiting for the leader to sign this unit's certificate"));
    }
}
