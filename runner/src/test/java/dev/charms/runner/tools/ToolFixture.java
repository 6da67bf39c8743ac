package dev.charms.runner.tools;

import dev.charms.runner.agent.ToolRequest;
import dev.charms.runner.agent.ToolResponse;
import dev.charms.runner.model.Charm;
import dev.charms.runner.model.Model;
import dev.charms.runner.model.Relation;
import dev.charms.runner.model.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A model with application {@code etcd} (3 units, etcd/0 leader, all in the peer relation {@code cluster:0})
 * and application {@code client} (1 unit) related to etcd's {@code db} endpoint as relation 1, served by a
 * {@link HookToolServer} whose juju-log lines are captured.
 */
final class ToolFixture {
    static final String ETCD_META = """
            name: etcd
            summary: s
            description: d
            peers:
              cluster:
                interface: etcd-peer
            provides:
              db:
                interface: etcd
            extra-bindings:
              admin:
            resources:
              etcd:
                type: file
                filename: etcd.tar.gz
              snapshot:
                type: file
                filename: snapshot.db
            storage:
              data:
                type: filesystem
                location: /var/lib/etcd
                multiple:
                  range: 0-1
            """;
    static final String ETCD_CONFIG = """
            options:
              port:
                type: int
                default: 2379
              ratio:
                type: float
                default: 0.5
              tls:
                type: boolean
                default: true
              name:
                type: string
                default: "etcd"
              token:
                type: string
            """;
    static final String ETCD_ACTIONS = """
            health:
              description: check
            snapshot:
              params:
                target:
                  type: string
                  default: /tmp
            """;
    static final String CLIENT_META = """
            name: client
            summary: s
            description: d
            requires:
              db:
                interface: etcd
            """;

    /** A tool's exit code and output. */
    record Result(int code, String out, String err) {
    }

    final Path dir;
    final Model model = new Model("test", "0e8d4b4c-1111-4c3a-9a0e-2d6c5f0a7b3e");
    final List<String> logs = new ArrayList<>();
    final HookToolServer server;
    final Unit etcd0;
    final Unit etcd1;
    final Unit etcd2;
    final Unit client0;
    final Relation peers;
    final Relation db;

    ToolFixture(Path dir) {
        this.dir = dir;
        try {
            Path etcd = Files.createDirectories(dir.resolve("etcd"));
            Files.writeString(etcd.resolve("metadata.yaml"), ETCD_META);
            Files.writeString(etcd.resolve("config.yaml"), ETCD_CONFIG);
            Files.writeString(etcd.resolve("actions.yaml"), ETCD_ACTIONS);
            Path client = Files.createDirectories(dir.resolve("client"));
            Files.writeString(client.resolve("metadata.yaml"), CLIENT_META);
            model.deploy("etcd", Charm.load(etcd));
            model.deploy("client", Charm.load(client));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        etcd0 = model.addUnit("etcd");
        etcd1 = model.addUnit("etcd");
        etcd2 = model.addUnit("etcd");
        client0 = model.addUnit("client");
        int n = 10;
        for (Unit u : List.of(etcd0, etcd1, etcd2, client0)) {
            u.setAddress("10.90.0." + n++);
        }
        etcd0.application().setLeader("etcd/0");
        client0.application().setLeader("client/0");
        peers = model.relation(0).orElseThrow();
        db = model.integrate("etcd", "client");
        for (Unit u : List.of(etcd0, etcd1, etcd2)) {
            peers.enterScope(u);
            db.enterScope(u);
        }
        db.enterScope(client0);
        server = new HookToolServer(model, (unit, level, logger, message) ->
                logs.add(unit + " " + level + " " + logger + " " + message),
                unit -> request -> ToolResponse.ok("systemd " + unit + " " + request.tool()), UnitPaths.IDENTITY);
    }

    /** A registered context for {@code hook} on {@code unit}. */
    HookContext hook(Unit unit, String hook) {
        return register(HookContext.hook(model, unit, hook).build());
    }

    /** A registered relation-hook context. */
    HookContext relationHook(Unit unit, String hook, Relation rel, String remoteUnit) {
        return register(HookContext.hook(model, unit, hook).relation(rel, remoteUnit, null).build());
    }

    HookContext register(HookContext ctx) {
        server.register(ctx);
        return ctx;
    }

    Result run(HookContext ctx, String tool, String... args) {
        return send(ctx, tool, null, args);
    }

    /** Runs a tool, answering a stdin request with {@code stdin} as the real client does. */
    Result runWithStdin(HookContext ctx, String stdin, String tool, String... args) {
        return send(ctx, tool, stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    private Result send(HookContext ctx, String tool, byte[] stdin, String... args) {
        ToolRequest req = new ToolRequest(ctx.unit().name(), tool, Arrays.asList(args),
                Map.of("JUJU_CONTEXT_ID", ctx.id()), dir.toString(), null);
        ToolResponse resp = server.handle(req);
        if (resp.needsStdin()) {
            if (stdin == null) {
                throw new AssertionError(tool + " asked for stdin");
            }
            resp = server.handle(req.withStdin(stdin));
        }
        return new Result(resp.code(), new String(resp.stdout(), StandardCharsets.UTF_8),
                new String(resp.stderr(), StandardCharsets.UTF_8));
    }

    /** Asserts Juju's error shape: exit {@code code}, stderr exactly {@code ERROR <message>}. */
    static void assertError(Result r, int code, String message) {
        org.junit.jupiter.api.Assertions.assertEquals(new Result(code, "", "ERROR " + message + "\n"), r);
    }

    /** Output of a tool that must succeed. */
    String ok(HookContext ctx, String tool, String... args) {
        Result r = run(ctx, tool, args);
        if (r.code() != 0) {
            throw new AssertionError(tool + " " + List.of(args) + " failed: " + r);
        }
        return r.out();
    }
}
