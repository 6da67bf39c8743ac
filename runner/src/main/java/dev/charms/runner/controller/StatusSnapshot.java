package dev.charms.runner.controller;

import java.util.List;

/**
 * A point-in-time copy of a model's status, shaped for {@code juju status}: applications, units and
 * relations. Plain records so the daemon can send it as JSON.
 *
 * @param model        the model name
 * @param time         when the snapshot was taken (ISO-8601, UTC)
 * @param applications applications by name
 * @param units        units in application and number order
 * @param relations    relations in id order
 */
public record StatusSnapshot(String model, String time, List<App> applications, List<UnitRow> units,
                             List<RelationRow> relations) {

    /** One application row. */
    public record App(String name, String charm, int revision, String version, String status, String message,
                      int scale, boolean exposed) {
    }

    /**
     * One unit row.
     *
     * @param queued hooks waiting in the unit's queue (including one waiting for its retry)
     */
    public record UnitRow(String name, boolean leader, String workload, String workloadMessage, String agent,
                          String agentMessage, String machine, String address, String hostname,
                          List<String> ports, List<String> queued) {
    }

    /** One relation row: {@code provider} and {@code requirer} as {@code app:endpoint}; peers have both equal. */
    public record RelationRow(int id, String provider, String requirer, String interfaceName, String type) {
    }
}
