package dev.charms.etcd.steps;

import dev.charms.etcd.PeerData;
import dev.charms.etcd.certs.CaMove;
import dev.charms.etcd.certs.ClientRequests;
import dev.charms.ops.Relation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CA the cluster uses ({@link CaMove}, docs/certificates.md). Every unit, first round: sends its CSR
 * on the {@code certificates} relation when there is one. Leader, first round and again once the pass has
 * settled (after members restarted in it): moves the cluster one step towards the CA it should serve,
 * and notes in status a move under way or why a provider's answer is not used. Once the pass has settled,
 * every unit whose etcd runs with the TLS files written in this hook reports them.
 */
public final class CertificateAuthorities implements Step {
    private final boolean closing;

    CertificateAuthorities(boolean closing) {
        this.closing = closing;
    }

    @Override
    public boolean appliesTo(HookScope scope) {
        return closing || scope.firstRound();
    }

    @Override
    public void run(HookScope scope) {
        if (closing) {
            reportRunning(scope);
        } else {
            // the member's CSR and this unit's client requests (ExternalClients), kept only with a provider;
            // the original protocol's request beside them: each kind of provider reads only its own keys
            Optional<Relation> rel = ExternalCa.relation(scope);
            ClientRequests requests = ExternalClients.prune(scope, rel.isPresent() && !ProviderV0.spokenBy(rel.get()));
            rel.ifPresent(r -> {
                requests.publish(r, scope.peer().localUnitData().getOrDefault(PeerData.CSR, ""));
                ProviderV0.request(scope, r);
            });
        }
        if (scope.leader()) {
            lead(scope);
        }
    }

    private static boolean allReport(Map<String, String> reports, String report) {
        return !reports.isEmpty() && reports.values().stream().allMatch(report::equals);
    }

    private static void reportRunning(HookScope scope) {
        Optional<CaMove> applied = scope.appliedTls();
        if (applied.isEmpty() || !scope.host().isRunning()
                || !new MemberProcess(scope).fingerprint().equals(scope.state().runningFingerprint())) {
            return;
        }
        scope.peer().updateLocalUnitData(Map.of(PeerData.TLS_RUNNING,
                CaMove.report(applied.get().trust(), applied.get().serving())));
    }

    private static void lead(HookScope scope) {
        Optional<String> builtin = ExternalCa.builtin(scope);
        if (builtin.isEmpty()) {
            return;
        }
        Map<String, String> app = scope.peer().localAppData();
        CaMove now = ExternalCa.current(app, builtin.get());
        List<String> problems = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        String desired = ExternalCa.desired(scope, builtin.get(), now, problems, waiting);
        Map<String, String> reports = new HashMap<>();
        for (String unit : scope.roster().entries().keySet()) {
            Map<String, String> data = unit.equals(scope.unit()) ? scope.peer().localUnitData() : scope.peer().unitData(unit);
            String r = data.get(PeerData.TLS_RUNNING);
            // A member that never reported runs what it was given before any move: the cluster CA alone.
            reports.put(unit, r == null || r.isBlank() ? CaMove.report(builtin.get(), builtin.get()) : r);
        }
        CaMove next = now.next(desired, scope.roster().entries().keySet(), reports);
        String nextCa = app.getOrDefault(PeerData.CA_NEXT_CERT, "");
        if (!nextCa.isBlank() && !next.moving(desired) && next.equals(now)
                && allReport(reports, CaMove.report(next.trust(), next.serving()))) {
            // rotate-ca: every member trusts and serves only the next CA; it becomes the cluster CA, and
            // members restart once more without the old one in their trust.
            java.util.List<String> units = new ArrayList<>(scope.peer().units());
            units.add(scope.unit());
            new dev.charms.etcd.ClusterCa(scope.model(), scope.peer()).finishRotation(units);
            return;
        }
        if (!next.equals(now)) {
            ExternalCa.publish(scope, next, builtin.get());
            String step = next.describe(desired);
            scope.model().log("INFO", "TLS: " + (step.isEmpty() ? "CA move 3/3 done: members trust and serve one CA" : step));
        }
        problems.forEach(scope::tlsNote);
        if (problems.isEmpty() && !waiting.isEmpty()) {
            ExternalCa.relation(scope).ifPresent(rel -> scope.tlsNote(ExternalCa.name(rel)
                    + ": waiting for certificates for " + String.join(", ", waiting)));
        }
        scope.tlsNote(next.describe(desired));
    }
}
