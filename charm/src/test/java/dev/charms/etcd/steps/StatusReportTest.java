package dev.charms.etcd.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.charms.etcd.workload.Health;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The unit status's account of what the health probes found: unreachable and unhealthy members apart. */
class StatusReportTest {
    private static Health ok(int i) {
        return new Health(URI.create("https://10.0.0." + i + ":2379"), true, "", Duration.ZERO);
    }

    private static Health unreachable(int i) {
        return new Health(URI.create("https://10.0.0." + i + ":2379"), false, "unreachable: connect timed out", Duration.ZERO);
    }

    private static Health unhealthy(int i) {
        return new Health(URI.create("https://10.0.0." + i + ":2379"), false, "unhealthy (HTTP 503)", Duration.ZERO);
    }

    @Test
    void unreachableAndUnhealthyMembersAreCountedApart() {
        assertEquals("1 of 3 members unreachable", StatusReport.problems(List.of(ok(1), ok(2), unreachable(3)), 3));
        assertEquals("1 of 3 members unhealthy", StatusReport.problems(List.of(ok(1), unhealthy(2), ok(3)), 3));
        assertEquals("2 of 3 members unreachable, 1 unhealthy",
                StatusReport.problems(List.of(unhealthy(1), unreachable(2), unreachable(3)), 3));
    }

    @Test
    void aMemberWithoutAKnownClientUrlCountsAsUnreachable() {
        assertEquals("1 of 3 members unreachable", StatusReport.problems(List.of(ok(1), ok(2)), 3));
        assertEquals("1 of 3 members unreachable, 1 unhealthy", StatusReport.problems(List.of(ok(1), unhealthy(2)), 3));
    }
}
