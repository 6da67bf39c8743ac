package dev.charms.runner.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real namespaces, overlays, veths and etcd processes (needs root). */
class NamespaceMachineIT {
    private MachineFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new MachineFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private static Process etcd(NamespaceMachine m) throws Exception {
        MachineFixture.run(m, "mkdir", "-p", "/var/lib/etcd-it");
        return m.exec(List.of("/usr/bin/etcd", "--name", m.hostname(), "--data-dir", "/var/lib/etcd-it/data",
                "--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls", "http://" + m.address() + ":2379",
                "--listen-peer-urls", "http://0.0.0.0:2380", "--initial-advertise-peer-urls",
                "http://" + m.address() + ":2380", "--initial-cluster", m.hostname() + "=http://" + m.address() + ":2380"),
                Map.of("PATH", Service.DEFAULT_PATH), "/");
    }

    private static boolean healthy(String address) {
        String body = MachineFixture.httpGet("http://" + address + ":2379/health", Duration.ofSeconds(1));
        return body != null && body.contains("\"health\":\"true\"");
    }

    @Test
    void machinesHaveTheirOwnFilesHostnamesAndPorts() throws Exception {
        NamespaceMachine a = fixture.machine("etcd/0");
        NamespaceMachine b = fixture.machine("etcd/1");
        assertNotEquals(a.address(), b.address());
        assertTrue(a.address().matches("10\\.213\\.\\d+\\.11"), a.address());
        assertEquals("juju-" + fixture.model + "-0", a.hostname());
        assertEquals(a.hostname() + "\n", MachineFixture.run(a, "hostname").out());
        assertEquals(b.hostname() + "\n", MachineFixture.run(b, "cat", "/etc/hostname").out());
        assertTrue(MachineFixture.run(a, "getent", "hosts", a.hostname()).out().startsWith(a.address()));

        assertEquals(0, MachineFixture.run(a, "sh", "-c", "echo zero > /etc/jlr-it && echo tmp > /tmp/jlr-it").code());
        assertEquals("zero\n", MachineFixture.run(a, "cat", "/etc/jlr-it").out());
        assertNotEquals(0, MachineFixture.run(b, "cat", "/etc/jlr-it").code());
        assertNotEquals(0, MachineFixture.run(b, "cat", "/tmp/jlr-it").code());
        assertFalse(Files.exists(Path.of("/etc/jlr-it")));
        assertEquals("zero\n", Files.readString(a.hostPathOf("/etc/jlr-it")));
        assertEquals(Path.of("/etc/passwd"), a.hostPathOf("/etc/passwd"));
        assertEquals(a.agentDir().resolve("charm/x"), a.hostPathOf(a.agentDirInMachine() + "/charm/x"));

        Process etcdA = etcd(a);
        Process etcdB = etcd(b);
        try {
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> healthy(a.address())), "etcd on a");
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> healthy(b.address())), "etcd on b");
            assertTrue(etcdA.isAlive() && etcdB.isAlive(), "both bound :2379/:2380");
        } finally {
            etcdA.destroyForcibly().waitFor();
            etcdB.destroyForcibly().waitFor();
        }
    }

    @Test
    void execGetsExactlyTheGivenEnvironmentAndDirectory() throws Exception {
        NamespaceMachine m = fixture.machine("app/3");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1 2");
        env.put("PATH", "/usr/bin:/bin");
        MachineFixture.Run run = MachineFixture.run(m, env, "/", "/usr/bin/env");
        assertEquals(java.util.Set.of("A=1 2", "PATH=/usr/bin:/bin"), java.util.Set.copyOf(run.out().lines().toList()));
        Files.createDirectories(m.agentDir().resolve("charm"));
        assertEquals(m.agentDirInMachine() + "/charm\n",
                MachineFixture.run(m, env, m.agentDirInMachine() + "/charm", "pwd").out());
    }

    @Test
    void aUnitReachesOnlyItsBridgeSubnet() throws Exception {
        NamespaceMachine m = fixture.machine("etcd/0");
        String gateway = m.address().substring(0, m.address().lastIndexOf('.')) + ".1";
        MachineFixture.Run outside = MachineFixture.run(m, "ip", "route", "get", "192.0.2.1");
        assertNotEquals(0, outside.code());
        assertTrue(outside.err().contains("unreachable"), outside.err());
        assertEquals(0, MachineFixture.run(m, "ip", "route", "get", gateway).code());
        String routes = MachineFixture.run(m, "ip", "-4", "route").out().strip();
        assertEquals(1, routes.lines().count(), routes);
        assertTrue(routes.startsWith(gateway.substring(0, gateway.length() - 1) + "0/24"), routes);
    }

    @Test
    void cuttingTheNetworkStopsTrafficBothWaysAndHealingRestoresIt() throws Exception {
        NamespaceMachine a = fixture.machine("etcd/0");
        NamespaceMachine b = fixture.machine("etcd/1");
        Process etcdA = etcd(a);
        Process etcdB = etcd(b);
        try {
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> healthy(a.address())));
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(20), () -> healthy(b.address())));
            String urlA = "http://" + a.address() + ":2379/health";
            String urlB = "http://" + b.address() + ":2379/health";
            assertEquals(0, MachineFixture.run(b, "curl", "-sf", "--max-time", "3", urlA).code());
            assertEquals(0, MachineFixture.run(a, "curl", "-sf", "--max-time", "3", urlB).code());

            a.cutNetwork();
            assertNull(MachineFixture.httpGet(urlA, Duration.ofSeconds(2)), "host -> a");
            assertNotEquals(0, MachineFixture.run(b, "curl", "-sf", "--max-time", "2", urlA).code(), "b -> a");
            assertNotEquals(0, MachineFixture.run(a, "curl", "-sf", "--max-time", "2", urlB).code(), "a -> b");
            assertTrue(healthy(b.address()), "b itself is still reachable");

            a.healNetwork();
            assertTrue(MachineFixture.eventually(Duration.ofSeconds(10), () -> healthy(a.address())));
            assertEquals(0, MachineFixture.run(b, "curl", "-sf", "--max-time", "3", urlA).code());
            assertEquals(0, MachineFixture.run(a, "curl", "-sf", "--max-time", "3", urlB).code());
        } finally {
            etcdA.destroyForcibly().waitFor();
            etcdB.destroyForcibly().waitFor();
        }
    }

    @Test
    void toolsInTheMachineReachTheAgentSocket() throws Exception {
        AtomicReference<ToolRequest> seen = new AtomicReference<>();
        NamespaceMachine m = fixture.machine("etcd/2", request -> {
            seen.set(request);
            return ToolResponse.ok("hello from the runner\n");
        });
        Map<String, String> env = Map.of("PATH", m.toolsDirInMachine() + ":" + Service.DEFAULT_PATH,
                "JUJU_AGENT_SOCKET_ADDRESS", m.agentSocketInMachine(), "JUJU_CONTEXT_ID", "etcd/2-install-1");
        MachineFixture.Run run = MachineFixture.run(m, env, "/", "is-leader", "--format=json");
        assertEquals("hello from the runner\n", run.out(), run.err());
        assertEquals("etcd/2", seen.get().unit());
        assertEquals("is-leader", seen.get().tool());
        assertEquals("etcd/2-install-1", seen.get().env().get("JUJU_CONTEXT_ID"));

        MachineFixture.Run systemctl = MachineFixture.run(m, "systemctl", "is-active", "nothing-here");
        assertEquals(3, systemctl.code(), systemctl.err());
        assertEquals("inactive\n", systemctl.out());
        assertEquals("is-leader", seen.get().tool(), "systemctl went to systemd, not to the hook tools");
    }

    @Test
    void cleanupLeavesNothingBehindEvenWithoutClose() throws Exception {
        NamespaceMachine a = fixture.machine("etcd/0");
        NamespaceMachine b = fixture.machine("etcd/1");
        Process sleeper = a.exec(List.of("sleep", "600"), Map.of("PATH", Service.DEFAULT_PATH), "/");
        Process other = b.exec(List.of("sleep", "600"), Map.of("PATH", Service.DEFAULT_PATH), "/");
        ModelNetwork network = new ModelNetwork(fixture.model);
        Path modelDir = UnitLayout.modelDir(fixture.stateDir, fixture.model);

        a.close();
        assertTrue(sleeper.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "process in the machine killed");
        assertFalse(Files.exists(modelDir.resolve("etcd-0")));
        assertFalse(MachineTeardown.linkExists(network.hostVeth(a.machineId())));
        assertTrue(other.isAlive(), "the other machine is untouched");

        MachineFactory.cleanupModel(fixture.stateDir, fixture.model);
        assertTrue(other.waitFor(5, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(Files.exists(modelDir));
        assertFalse(MachineTeardown.linkExists(network.bridge()));
        assertFalse(MachineTeardown.linkExists(network.hostVeth(b.machineId())));
        String netns = HostCommand.run("ip", "netns", "list");
        assertFalse(netns.contains(network.netns(0)) || netns.contains(network.netns(1)), netns);
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(fixture.stateDir.toString()), mounts);
        assertNotNull(HostCommand.run("ip", "link"));
        assertFalse(HostCommand.run("ip", "link").contains(network.bridge()));
    }
}
