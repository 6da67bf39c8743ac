package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.EtcdCharm;
import dev.charms.etcd.EtcdSettings;
import dev.charms.etcd.Node;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.Roster;
import dev.charms.etcd.UnitTls;
import dev.charms.etcd.state.UnitProgress;
import dev.charms.etcd.state.UnitState;
import dev.charms.etcd.workload.EtcdPaths;
import dev.charms.ops.Status;
import dev.charms.ops.testing.Context;
import dev.charms.ops.testing.JujuEvent;
import dev.charms.ops.testing.Output;
import dev.charms.ops.testing.PeerRelation;
import dev.charms.ops.testing.State;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's rounds: the converging steps run once, or again while a step leaves the pass
 * unsettled (bounded), then the closing steps; a halting step ends the pass. And which of the charm's
 * steps apply in which round, on the leader and on other units.
 */
class ReconcilerTest {
    private static final Roster TWO = Roster.empty()
            .with("etcd/0", MembershipPlanTest.voter("a", "etcd-0", "https://10.0.0.1:2380"))
            .with("etcd/1", MembershipPlanTest.voter("b", "etcd-1", "https://10.0.0.2:2380"));

    private final List<String> log = new ArrayList<>();
    private Consumer<HookScope> body = scope -> { };

    private final Context ctx = Context.fromCharmDir(EtcdCharm.SPEC, fw -> {
        var peer = fw.model().relation(PeerData.PEER).orElseThrow();
        EtcdSettings settings = EtcdSettings.parse(fw.model().config()).settings();
        UnitState state = new UnitState(fw.stored());
        HookScope scope = new HookScope(fw, null, state, settings, null, peer, Node.of(fw.model(), settings, fw.stored()),
                new UnitTls(EtcdPaths.under(Path.of("/nonexistent")), null, state),
                Roster.parse(peer.localAppData().get(PeerData.MEMBERS)));
        body.accept(scope);
        return null;
    }, Path.of("."));

    /** Runs {@link #body} in a hook on etcd/0 with {@code roster} and the restart turn {@code turn} published. */
    private Output hook(boolean leader, Roster roster, String turn, Map<String, String> peer1) {
        PeerRelation p = PeerRelation.of("cluster", 0)
                .withLocalAppData(Map.of(PeerData.MEMBERS, roster.toJson(), PeerData.RESTART_TURN, turn))
                .withPeer("etcd/1", peer1);
        Output out = ctx.run(JujuEvent.updateStatus(), State.builder().unitName("etcd/0").leader(leader).relation(p).build());
        assertEquals(0, out.exitCode(), out.stderr());
        return out;
    }

    private Output hook(boolean leader, Roster roster, String turn) {
        return hook(leader, roster, turn, Map.of());
    }

    /** A step that logs each run with its round's reason, and applies and acts as told. */
    private Step probe(String name, Predicate<HookScope> applies, Consumer<HookScope> action) {
        return new Step() {
            @Override
            public boolean appliesTo(HookScope scope) {
                return applies.test(scope);
            }

            @Override
            public void run(HookScope scope) {
                log.add(name + ":" + scope.rerun().map(Enum::name).orElse("first"));
                action.accept(scope);
            }
        };
    }

    private Step probe(String name) {
        return probe(name, s -> true, s -> { });
    }

    private List<String> rounds(List<Step> converging, List<Step> closing, List<Optional<Status>> halted) {
        body = scope -> halted.add(Reconciler.runRounds(scope, converging, closing));
        hook(true, TWO, "");
        return List.copyOf(log);
    }

    @Test
    void aSettledPassRunsEachStepOnceThenTheClosingSteps() {
        List<Optional<Status>> halted = new ArrayList<>();
        assertEquals(List.of("a:first", "b:first", "c:first"),
                rounds(List.of(probe("a"), probe("b"), probe("skipped", s -> false, s -> { })), List.of(probe("c")), halted));
        assertEquals(List.of(Optional.empty()), halted);
    }

    @Test
    void anUnsettledRoundRunsTheStepsAgainWithItsReasonAndTheClosingStepsOnce() {
        Step admits = probe("a", s -> true, s -> {
            if (s.firstRound()) {
                s.unsettled(Unsettled.LEADER_ADMITTED_ITSELF);
            }
        });
        assertEquals(List.of("a:first", "b:first", "a:LEADER_ADMITTED_ITSELF", "b:LEADER_ADMITTED_ITSELF",
                        "c:LEADER_ADMITTED_ITSELF"),
                rounds(List.of(admits, probe("b")), List.of(probe("c")), new ArrayList<>()));
    }

    @Test
    void theEarliestReasonDecidesTheNextRound() {
        Step turn = probe("turn", HookScope::firstRound, s -> s.unsettled(Unsettled.OWN_RESTART_TURN));
        Step admits = probe("admits", HookScope::firstRound, s -> s.unsettled(Unsettled.LEADER_ADMITTED_ITSELF));
        assertEquals(List.of("turn:first", "admits:first", "b:first", "b:LEADER_ADMITTED_ITSELF", "c:LEADER_ADMITTED_ITSELF"),
                rounds(List.of(turn, admits, probe("b")), List.of(probe("c")), new ArrayList<>()));
    }

    @Test
    void roundsAreBounded() {
        Step never = probe("a", s -> true, s -> s.unsettled(Unsettled.OWN_RESTART_TURN));
        List<String> runs = rounds(List.of(never), List.of(probe("c")), new ArrayList<>());
        assertEquals(Reconciler.MAX_ROUNDS, runs.stream().filter(r -> r.startsWith("a:")).count());
        assertEquals(List.of("c:OWN_RESTART_TURN"), runs.stream().filter(r -> r.startsWith("c:")).toList());
    }

    @Test
    void aHaltingStepEndsThePass() {
        List<Optional<Status>> halted = new ArrayList<>();
        Step halts = probe("a", s -> true, s -> s.halt(Status.waiting("waiting for something")));
        assertEquals(List.of("a:first"), rounds(List.of(halts, probe("b")), List.of(probe("c")), halted));
        assertEquals(List.of(Optional.of(Status.waiting("waiting for something"))), halted);
    }

    /** The names of the charm's steps that apply after {@code setUp} in a hook on etcd/0. */
    private List<String> applying(boolean leader, Roster roster, String turn, Consumer<HookScope> setUp) {
        List<String> out = new ArrayList<>();
        body = scope -> {
            setUp.accept(scope);
            for (Step step : concat(Reconciler.CONVERGING, Reconciler.CLOSING)) {
                if (step.appliesTo(scope)) {
                    out.add(step.getClass().getSimpleName());
                }
            }
        };
        hook(leader, roster, turn);
        return out;
    }

    private static List<Step> concat(List<Step> a, List<Step> b) {
        List<Step> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void theFirstRoundRunsEveryStepThatFitsTheUnit() {
        assertEquals(List.of("ClusterCertificates", "CertificateAuthorities", "UnitCertificate", "Departures", "Membership", "RestartTurns",
                        "ThisMember", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, TWO, "", s -> s.beginRound(1, null)));
        assertEquals(List.of("ClusterCertificates", "CertificateAuthorities", "UnitCertificate", "Bootstrap", "RestartTurns", "ThisMember",
                        "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, Roster.empty(), "", s -> s.beginRound(1, null)), "no cluster yet: the leader bootstraps it");
        assertEquals(List.of("CertificateAuthorities", "UnitCertificate", "ThisMember", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(false, TWO, "", s -> s.beginRound(1, null)), "not the leader");
    }

    @Test
    void afterTheLeaderAdmittedItselfMembershipAndItsMemberRunAgain() {
        assertEquals(List.of("Departures", "Membership", "RestartTurns", "ThisMember", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, TWO, "", s -> s.beginRound(2, Unsettled.LEADER_ADMITTED_ITSELF)));
    }

    @Test
    void handingItsOwnTurnOnRestartsTheLeadersMemberOnlyWhileTheTurnIsItsOwn() {
        assertEquals(List.of("RestartTurns", "ThisMember", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, TWO, "etcd/0:f2", s -> s.beginRound(2, Unsettled.OWN_RESTART_TURN)));
        assertEquals(List.of("RestartTurns", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, TWO, "etcd/1:f1", s -> s.beginRound(2, Unsettled.OWN_RESTART_TURN)));
        assertEquals(List.of("RestartTurns", "ClientPort", "MetricsPort", "CertificateAuthorities", "DbRelation", "CosAgentRelation"),
                applying(true, TWO, "", s -> s.beginRound(2, Unsettled.OWN_RESTART_TURN)));
    }

    @Test
    void whatFollowsThisUnitsMemberDependsOnWhatItCameTo() {
        List<String> tail = List.of("RestartInTurn", "RestartTurnHandOver", "UnitStatus");
        Consumer<HookScope> wants = s -> {
            s.beginRound(1, null);
            s.member(HookScope.MemberOutcome.RESTART_WANTED, "f2");
        };
        assertEquals(tail, applying(true, TWO, "", wants).stream().filter(tail::contains).toList());
        Consumer<HookScope> runs = s -> {
            s.beginRound(1, null);
            s.member(HookScope.MemberOutcome.RUNNING, "f1");
        };
        assertEquals(List.of("RestartTurnHandOver", "UnitStatus"), applying(true, TWO, "", runs).stream().filter(tail::contains).toList());
        assertEquals(List.of("UnitStatus"), applying(false, TWO, "", runs).stream().filter(tail::contains).toList(),
                "only the leader hands turns on");
        Consumer<HookScope> parked = s -> {
            s.beginRound(1, null);
            s.member(HookScope.MemberOutcome.PARKED, "");
        };
        assertEquals(List.of("RestartTurnHandOver", "UnitStatus"), applying(true, TWO, "", parked).stream().filter(tail::contains).toList());
    }

    /** What {@link RestartTurnHandOver} leaves unsettled with the turn {@code turn} published. */
    private Optional<Unsettled> handOver(String turn) {
        List<Optional<Unsettled>> out = new ArrayList<>();
        body = scope -> {
            scope.beginRound(1, null);
            scope.member(HookScope.MemberOutcome.RUNNING, "f0");
            new RestartTurnHandOver().run(scope);
            out.add(scope.unsettledBy());
        };
        hook(true, TWO, turn);
        return out.get(0);
    }

    @Test
    void theLeadersOwnTurnLeavesThePassUnsettled() {
        assertEquals(Optional.of(Unsettled.OWN_RESTART_TURN), handOver("etcd/0:f0"));
        assertEquals(Optional.empty(), handOver("etcd/1:f1"), "another unit's turn waits for that unit");
        assertEquals(Optional.empty(), handOver(""));
    }

    @Test
    void aMemberWithoutItsTurnAsksForOneAndWaits() {
        body = scope -> {
            scope.beginRound(1, null);
            scope.member(HookScope.MemberOutcome.RESTART_WANTED, "f0");
            new RestartInTurn().run(scope);
        };
        Output out = hook(false, TWO, "etcd/1:f1");
        PeerRelation after = out.state().peerRelation("cluster").orElseThrow();
        assertEquals("f0", after.localUnitData().get(PeerData.RESTART_REQUEST));
        assertEquals(Status.waiting("configuration changed: waiting for this unit's rolling-restart turn"), out.state().unitStatus());
        assertEquals("etcd/1:f1", after.localAppData().get(PeerData.RESTART_TURN), "the turn is the leader's to give");
    }

    @Test
    void theLeaderGivesTheTurnToTheFirstUnitAskingAndKeepsItWithItsHolder() {
        body = scope -> {
            scope.beginRound(1, null);
            new RestartTurns().run(scope);
        };
        // etcd/1 is no voter of this one-member roster: the cluster can always spare it (no health probe).
        Roster one = Roster.empty().with("etcd/0", MembershipPlanTest.voter("a", "etcd-0", "https://10.0.0.1:2380"));
        Map<String, String> asks = Map.of(PeerData.RESTART_REQUEST, "f1");
        assertEquals("etcd/1:f1", hook(true, one, "", asks).state().peerRelation("cluster").orElseThrow()
                .localAppData().get(PeerData.RESTART_TURN));
        assertEquals(null, hook(true, one, "etcd/1:f1", Map.of(PeerData.RESTART_REQUEST, "f1", PeerData.RESTARTED, "f1"))
                .state().peerRelation("cluster").orElseThrow().localAppData().get(PeerData.RESTART_TURN), "done: nobody else asks");
    }

    @Test
    void aLeaderWithoutItsCertificateEndsThePassWaitingForIt() {
        List<Optional<Status>> halted = new ArrayList<>();
        body = scope -> halted.add(Reconciler.runRounds(scope, List.of(new UnitCertificate(), probe("later")),
                List.of(probe("closing"))));
        Output out = hook(true, TWO, "");
        assertEquals(List.of(Optional.of(Status.waiting("waiting for the leader to sign this unit's certificate"))), halted);
        assertEquals(List.of(), log, "nothing runs after a halt");
        assertEquals(UnitProgress.WAITING_CERTIFICATE.wire(),
                out.state().peerRelation("cluster").orElseThrow().localUnitData().get(PeerData.STATE));
    }
}
