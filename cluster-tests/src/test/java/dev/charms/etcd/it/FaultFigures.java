package dev.charms.etcd.it;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What one fault scenario came to under a continuous writer: writes etcd acknowledged, acknowledged
 * writes lost (must be 0), writes that failed, the time from the fault until every unit was active and
 * idle again, hook errors the charm caused (must be 0), hooks the fault cut short (Juju shows them in
 * error until their retry succeeds: the agent died with the machine), and what the status watch saw.
 */
public record FaultFigures(String scenario, int acknowledged, int lost, int failed, Duration timeToAllActive,
                           List<String> hookErrors, Set<String> interruptedHooks, Set<String> statusesSeen,
                           List<String> untruthfulStatus) {
    /** One line for a test's output or a report. */
    public String line() {
        return String.format("%s: %d writes acknowledged, %d lost, %d failed; every unit active %.1f s after the"
                        + " fault; %d hook errors, %d hooks cut short; statuses seen: %s", scenario, acknowledged, lost,
                failed, timeToAllActive.toMillis() / 1000.0, hookErrors.size(), interruptedHooks.size(), statusesSeen);
    }
}
