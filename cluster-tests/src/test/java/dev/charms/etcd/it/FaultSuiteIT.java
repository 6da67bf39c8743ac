package dev.charms.etcd.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fault suite ({@link FaultSuite}, {@link FaultScenarios}, {@link SecurityChecks}) on one deployment.
 * By default (CI) the reduced set: a 3-unit deployment, kill -9 of the raft leader's etcd, the Juju
 * leader cut off for eight update-status periods, bad config values, bad action arguments and the
 * security checks. With {@code -Dfaults=all} ({@code benchmarks/faults.sh}) every scenario: deploy -n 5,
 * shrink 5→3→1 and grow back, then the cuts of a follower and of the raft leader besides the reduced set.
 * Each scenario fails the test on a lost acknowledged write or a hook error.
 */
class FaultSuiteIT {
    private static final boolean ALL = "all".equals(System.getProperty("faults", "ci"));

    @Test
    void everyScenarioKeepsEveryAcknowledgedWriteWithoutAHookError() throws Exception {
        try (LocalCluster c = new LocalCluster("faults")) {
            List<FaultScenario> scenarios = new ArrayList<>();
            if (ALL) {
                scenarios.add(FaultScenarios.deployFive());
                scenarios.add(FaultScenarios.shrinkAndGrow());
            } else {
                c.deploy(3, Map.of());
                FaultSuite.awaitAllActive(c, Duration.ofMinutes(6));
                c.settle();
            }
            scenarios.add(FaultScenarios.killRaftLeader());
            if (ALL) {
                scenarios.add(FaultScenarios.cutFollower());
                scenarios.add(FaultScenarios.cutRaftLeader());
            }
            scenarios.add(FaultScenarios.longPartitionOfJujuLeader());
            scenarios.add(FaultScenarios.badConfigValues());
            scenarios.add(FaultScenarios.badActionArguments());
            scenarios.add(SecurityChecks.scenario());
            for (FaultScenario s : scenarios) {
                FaultSuite.run(c, s);
            }
        }
    }
}
