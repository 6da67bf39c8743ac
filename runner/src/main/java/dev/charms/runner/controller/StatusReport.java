package dev.charms.runner.controller;

import dev.charms.runner.model.Application;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.RelationEndpoint;
import dev.charms.runner.model.Status;
import dev.charms.runner.model.Unit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What {@code juju status} shows of the model, and waiting until the model has settled. */
final class StatusReport {
    private final ControllerState state;
    private final CharmStore charms;

    StatusReport(ControllerState state, CharmStore charms) {
        this.state = state;
        this.charms = charms;
    }

    /** A snapshot of applications, units (with queued hooks) and relations. */
    StatusSnapshot status() {
        synchronized (state) {
            List<StatusSnapshot.App> apps = new ArrayList<>();
            List<StatusSnapshot.UnitRow> units = new ArrayList<>();
            for (Application app : state.model().applications()) {
                String version = app.units().stream().map(Unit::workloadVersion).filter(v -> !v.isEmpty())
                    .findFirst().orElse("");
                Status appStatus = applicationStatus(app);
                apps.add(new StatusSnapshot.App(app.name(), app.meta().name(), charms.revision(app.name()),
                    version, appStatus.status(), appStatus.message(), app.units().size(), app.isExposed()));
                for (Unit u : app.units()) {
                    UnitAgent a = state.agents().get(u.name());
                    List<String> ports = u.openedPorts().keySet().stream().map(Object::toString).toList();
                    Status workload = u.workloadStatus();
                    Status agent = u.agentStatus();
                    if (a != null && a.isDown()) {
                        // What Juju shows while a unit's agent is not communicating (its machine is off).
                        workload = Status.of("unknown", "agent lost, see 'juju show-status-log " + u.name() + "'");
                        agent = Status.of("lost", "agent is not communicating with the server");
                    }
                    units.add(new StatusSnapshot.UnitRow(u.name(), u.isLeader(), workload.status(),
                        workload.message(), agent.status(), agent.message(),
                        u.machineId(), u.address(), u.hostname(), ports, a == null ? List.of() : a.queued()));
                }
            }
            List<StatusSnapshot.RelationRow> rels = new ArrayList<>();
            for (Relation r : state.model().relations()) {
                List<RelationEndpoint> eps = r.endpoints();
                if (r.isPeer()) {
                    String ep = eps.get(0).toString();
                    rels.add(new StatusSnapshot.RelationRow(r.id(), ep, ep, r.interfaceName(), "peer"));
                } else {
                    RelationEndpoint provider = eps.stream().filter(e -> e.spec().role().name().equals("PROVIDER"))
                        .findFirst().orElse(eps.get(0));
                    RelationEndpoint requirer = eps.stream().filter(e -> e != provider).findFirst().orElse(eps.get(1));
                    rels.add(new StatusSnapshot.RelationRow(r.id(), provider.toString(), requirer.toString(),
                        r.interfaceName(), "regular"));
                }
            }
            return new StatusSnapshot(state.model().name(), Instant.now().toString(), apps, units, rels);
        }
    }

    /** The application status the leader set, else the most severe unit status (as Juju derives it). */
    private static Status applicationStatus(Application app) {
        if (!app.status().status().equals("unknown")) {
            return app.status();
        }
        List<String> severity = List.of("error", "blocked", "maintenance", "waiting", "active", "unknown");
        return app.units().stream().map(u -> u.agentStatus().status().equals("error")
                ? Status.of("error", u.agentStatus().message()) : u.workloadStatus())
            .min(Comparator.comparingInt(s -> severity.indexOf(s.status()) < 0 ? 99 : severity.indexOf(s.status())))
            .orElse(app.status());
    }

    /**
     * Waits until every unit is active (workload) and idle (agent), with nothing queued or running.
     *
     * @throws WaitTimeoutException listing what is not settled when {@code timeout} passes
     */
    void waitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        int stable = 0;
        while (true) {
            List<String> unsettled = unsettled();
            stable = unsettled.isEmpty() ? stable + 1 : 0;
            if (stable >= 2) {
                return;
            }
            if (System.currentTimeMillis() >= deadline) {
                throw new WaitTimeoutException("timed out after " + Durations.format(timeout)
                    + " waiting for the model to settle: " + String.join("; ", unsettled), unsettled);
            }
            Thread.sleep(100);
        }
    }

    private List<String> unsettled() {
        List<String> out = new ArrayList<>();
        synchronized (state) {
            for (UnitAgent a : state.agents().values()) {
                Unit u = a.unit();
                Status w = u.workloadStatus();
                Status ag = u.agentStatus();
                boolean ok = a.settled() && w.status().equals("active") && ag.status().equals("idle");
                if (!ok) {
                    String line = u.name() + ": workload " + w.status() + (w.message().isEmpty() ? "" : " (" + w.message()
                        + ")") + ", agent " + ag.status() + (ag.message().isEmpty() ? "" : " (" + ag.message() + ")");
                    List<String> q = a.queued();
                    out.add(q.isEmpty() ? line : line + ", queued " + q);
                }
            }
        }
        return out;
    }
}
