package dev.charms.runner.tools;

import static dev.charms.runner.tools.ToolFixture.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.charms.runner.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretToolsTest {
    @TempDir
    Path tmp;
    ToolFixture f;

    @BeforeEach
    void setUp() {
        f = new ToolFixture(tmp);
    }

    /** Adds an app-owned secret as etcd/0 (the leader), commits, returns its URI. */
    private String addCommitted(String... args) {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        String uri = f.ok(ctx, "secret-add", args).trim();
        CommitResult r = ctx.commit();
        assertEquals(List.of(uri), r.secretsCreated());
        return uri;
    }

    @Test
    void addIsBufferedAndPrintsUri() {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        String out = f.ok(ctx, "secret-add", "--label", "ca", "password=s3cret");
        assertTrue(out.matches("secret:[0-9a-v]{20}\n"), out);
        String uri = out.trim();
        assertEquals("[\"" + uri.substring(7) + "\"]\n", f.ok(ctx, "secret-ids", "--format=json"));
        assertError(f.run(ctx, "secret-get", uri), 1, "secret \"" + uri.substring(7) + "\" not found");
        ctx.discard();
        assertTrue(f.model.secrets().isEmpty());
    }

    @Test
    void ownerReadsLatestInYamlByDefault() {
        String uri = addCommitted("--label", "ca", "password=s3cret", "user=root");
        HookContext ctx = f.hook(f.etcd1, "update-status");
        assertEquals("password: s3cret\nuser: root\n", f.ok(ctx, "secret-get", uri));
        assertEquals("s3cret\n", f.ok(ctx, "secret-get", uri, "password"));
        assertEquals("czNjcmV0\n", f.ok(ctx, "secret-get", uri, "password#base64"));
        assertEquals("{\"password\":\"s3cret\",\"user\":\"root\"}\n", f.ok(ctx, "secret-get", "--label", "ca", "--format=json"));
        assertError(f.run(ctx, "secret-get", uri, "nokey"), 1, "secret key value \"nokey\" not found");
        assertError(f.run(ctx, "secret-get"), 2, "require either a secret URI or label");
        assertError(f.run(ctx, "secret-get", uri, "--peek", "--refresh"), 2, "specify one of --peek or --refresh but not both");
        assertError(f.run(ctx, "secret-get", "--label", "nope"), 1, "secret with label \"nope\" not found");
    }

    @Test
    void appOwnedWritesNeedLeader() {
        HookContext follower = f.hook(f.etcd1, "config-changed");
        assertError(f.run(follower, "secret-add", "a-key=v"), 1, "this unit is not the leader");
        assertEquals(0, f.run(follower, "secret-add", "--owner", "unit", "a-key=v").code());
        String uri = addCommitted("key=v1");
        assertError(f.run(follower, "secret-set", uri, "key=v2"), 1, "this unit is not the leader");
        HookContext client = f.hook(f.client0, "config-changed");
        assertError(f.run(client, "secret-set", uri, "key=v2"), 1, "permission denied");
        assertError(f.run(client, "secret-get", uri), 1, "permission denied");
    }

    @Test
    void consumerIsPinnedUntilRefreshAndPeekDoesNotMove() {
        String uri = addCommitted("token=one");
        HookContext grant = f.hook(f.etcd0, "db-relation-joined");
        f.ok(grant, "secret-grant", uri, "-r", "db:1");
        grant.commit();

        HookContext c1 = f.hook(f.client0, "db-relation-changed");
        assertEquals("one\n", f.ok(c1, "secret-get", uri, "token", "--label", "etcd-token"));
        c1.commit();

        HookContext set = f.hook(f.etcd0, "config-changed");
        f.ok(set, "secret-set", uri, "token=two");
        CommitResult r = set.commit();
        assertEquals(List.of(uri), r.secretsNewRevision());
        Secret secret = f.model.secret(uri).orElseThrow();
        assertEquals(List.of("client/0"), secret.staleConsumers());

        HookContext c2 = f.hook(f.client0, "secret-changed");
        assertEquals("one\n", f.ok(c2, "secret-get", uri, "token"));
        assertEquals("two\n", f.ok(c2, "secret-get", uri, "token", "--peek"));
        assertEquals("token: one\n", f.ok(c2, "secret-get", "--label", "etcd-token"));
        assertError(f.run(c2, "secret-get", "--label", "etcd-token", "token"), 2, "secret URI \"token\" not valid");
        assertEquals("two\n", f.ok(c2, "secret-get", uri, "token", "--refresh"));
        assertEquals("two\n", f.ok(c2, "secret-get", uri, "token"));
        assertEquals(List.of(), secret.staleConsumers());
    }

    @Test
    void sameContentMakesNoNewRevision() {
        String uri = addCommitted("token=one");
        HookContext set = f.hook(f.etcd0, "config-changed");
        f.ok(set, "secret-set", uri, "token=one", "--description", "d");
        assertEquals(List.of(), set.commit().secretsNewRevision());
        assertEquals(1, f.model.secret(uri).orElseThrow().latestRevision());
        assertEquals("d", f.model.secret(uri).orElseThrow().description());
    }

    @Test
    void grantErrorsAndRevoke() {
        String uri = addCommitted("token=one");
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        assertError(f.run(ctx, "secret-grant", uri), 2, "no relation id specified");
        assertError(f.run(ctx, "secret-grant", uri, "-r", "1", "--unit", "etcd/1"), 2,
                "cannot specify unit \"etcd/1\" in relation to application \"client\"");
        f.ok(ctx, "secret-grant", uri, "-r", "1", "--unit", "client/0");
        ctx.commit();
        HookContext revoke = f.hook(f.etcd0, "config-changed");
        f.ok(revoke, "secret-revoke", uri, "-r", "1");
        assertError(f.run(revoke, "secret-revoke", uri, "-r", "1", "--app", "client"), 2, "do not specify both relation and app");
        assertError(f.run(revoke, "secret-revoke", uri, "--unit", "client/0", "--app", "client"), 2,
                "specify only one of application or unit");
        f.ok(revoke, "secret-revoke", uri, "--unit", "client/0");
        revoke.commit();
        HookContext client = f.hook(f.client0, "update-status");
        assertError(f.run(client, "secret-get", uri), 1, "permission denied");
        assertError(f.run(revoke(), "secret-revoke", uri), 2, "missing relation or application or unit");
    }

    private HookContext revoke() {
        return f.hook(f.etcd0, "config-changed");
    }

    @Test
    void contentForms() throws Exception {
        Path file = Files.writeString(tmp.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nabc\n");
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        assertError(f.run(ctx, "secret-add"), 2, "missing secret value or filename");
        assertError(f.run(ctx, "secret-add", "ab=c"), 2, "key \"ab\" not valid");
        assertError(f.run(ctx, "secret-add", "key#base64=!!"), 2, "base64 encoded value for key \"key\" not valid");
        assertError(f.run(ctx, "secret-add", "--rotate", "sometimes", "key=v"), 2, "rotate policy \"sometimes\" not valid");
        assertError(f.run(ctx, "secret-add", "--owner", "model", "key=v"), 2, "secret owner \"model\" not valid");
        assertError(f.run(ctx, "secret-add", "--expire", "soon", "key=v"), 2, "expire time or duration \"soon\" not valid");
        String uri = f.ok(ctx, "secret-add", "cert#file=" + file, "raw#base64=aGk=", "--expire", "24h",
                "--rotate", "daily", "--label", "tls", "--description", "the CA").trim();
        ctx.commit();
        HookContext read = f.hook(f.etcd0, "update-status");
        assertEquals("cert: |\n  -----BEGIN CERTIFICATE-----\n  abc\nraw: hi\n", f.ok(read, "secret-get", uri));
        String info = f.ok(read, "secret-info-get", "--label", "tls", "--format=json");
        String id = uri.substring(7);
        assertTrue(info.startsWith("{\"" + id + "\":{\"description\":\"the CA\",\"expiry\":\""), info);
        assertTrue(info.endsWith("\"label\":\"tls\",\"owner\":\"application\",\"revision\":1,\"rotation\":\"daily\"}}\n"), info);
        assertError(f.run(read, "secret-info-get"), 2, "require either a secret URI or label");
        HookContext dup = f.hook(f.etcd0, "update-status");
        assertError(f.run(dup, "secret-add", "--label", "tls", "key=v"), 1, "secret with label \"tls\" already exists");
    }

    @Test
    void removeRevisionAndWhole() {
        String uri = addCommitted("token=one");
        HookContext set = f.hook(f.etcd0, "config-changed");
        f.ok(set, "secret-set", uri, "token=two");
        set.commit();
        HookContext rm = f.hook(f.etcd0, "secret-remove");
        f.ok(rm, "secret-remove", uri, "--revision", "1");
        assertEquals(List.of(), rm.commit().secretsRemoved());
        assertEquals(List.of(2), f.model.secret(uri).orElseThrow().revisions());
        HookContext all = f.hook(f.etcd0, "config-changed");
        f.ok(all, "secret-remove", uri);
        assertEquals(List.of(uri), all.commit().secretsRemoved());
        assertTrue(f.model.secret(uri).isEmpty());
    }

    @Test
    void unitOwnedSecretIsPrivateToTheUnit() {
        HookContext ctx = f.hook(f.etcd1, "install");
        String uri = f.ok(ctx, "secret-add", "--owner", "unit", "key=mine").trim();
        ctx.commit();
        HookContext other = f.hook(f.etcd2, "install");
        assertError(f.run(other, "secret-get", uri), 1, "permission denied");
        HookContext owner = f.hook(f.etcd1, "update-status");
        assertEquals("mine\n", f.ok(owner, "secret-get", uri, "key"));
        assertEquals("[\"" + uri.substring(7) + "\"]\n", f.ok(owner, "secret-ids", "--format=json"));
        assertEquals("[]\n", f.ok(other, "secret-ids", "--format=json"));
        assertEquals("{\"" + uri.substring(7) + "\":{\"label\":\"\",\"owner\":\"unit\",\"revision\":1}}\n",
                f.ok(owner, "secret-info-get", uri, "--format=json"));
    }

    @Test
    void jujuArgumentRules() {
        HookContext ctx = f.hook(f.etcd0, "config-changed");
        assertError(f.run(ctx, "secret-add", "novalue"), 2, "key value \"novalue\" not valid");
        assertError(f.run(ctx, "secret-add", "--expire", "-1h", "key=v"), 2, "negative expire duration \"-1h\" not valid");
        assertEquals(0, f.run(ctx, "secret-add", "--expire", "2030-01-01T06:06:06", "key=v").code());
        assertEquals(0, f.run(ctx, "secret-add", "--expire", "2030-01-01T06:06:06+02:00", "key=v").code());
        assertEquals(0, f.run(ctx, "secret-add", "key#base64=aGk=").code());
        assertError(f.run(ctx, "secret-get", "secret:0123456789abcdefghij", "--format=smart"), 2,
                "invalid value \"smart\" for option --format: unknown format \"smart\"");
        assertError(f.run(ctx, "secret-set"), 2, "missing secret URI");
        assertError(f.run(ctx, "secret-set", "nope"), 2, "secret URI \"nope\" not valid");
        assertError(f.run(ctx, "secret-grant", "secret:0123456789abcdefghij", "-r", "1", "--unit", "client"), 2,
                "unit \"client\" not valid");
    }

    @Test
    void appOwnedMetadataIsForTheLeaderOnly() {
        String uri = addCommitted("--label", "shared", "key=v");
        HookContext follower = f.hook(f.etcd1, "update-status");
        assertEquals("[]\n", f.ok(follower, "secret-ids", "--format=json"));
        assertError(f.run(follower, "secret-info-get", uri), 1, "secret \"" + uri.substring(7) + "\" not found");
        assertEquals("v\n", f.ok(follower, "secret-get", uri, "key"));
        HookContext leader = f.hook(f.etcd0, "update-status");
        assertEquals(uri.substring(7) + ":\n  label: shared\n  owner: application\n  revision: 1\n",
                f.ok(leader, "secret-info-get", "--label", "shared"));
    }
}
