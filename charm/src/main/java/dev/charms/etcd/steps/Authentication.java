package dev.charms.etcd.steps;

import dev.charms.etcd.ClientAccess;
import dev.charms.etcd.Fingerprint;
import dev.charms.etcd.PeerData;
import dev.charms.etcd.RootIdentity;
import dev.charms.etcd.workload.EtcdAdminException;
import dev.charms.ops.Event;
import dev.charms.ops.Relation;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Leader only, once the pass has settled with this unit's member running, before {@link DbRelation}: keeps
 * etcd's users complete and its authentication on (docs/client-access.md). The user {@code root} (the
 * charm's own identity, {@link RootIdentity}) and a read-write-everywhere user for each application on the
 * {@code db} relation exist before authentication is turned on, so turning it on in an existing cluster
 * keeps every client the charm served (the first time, also a read-write-everywhere user for
 * {@code etcd-client}, the default CN of {@code generate-client-certificates}); the users of db relations
 * that are gone are removed. Authentication is first turned on only once every unit says it talks to etcd
 * as root (a unit still running an older charm does not). It talks to etcd only when the db applications
 * or the cluster changed since it last succeeded; a failure to reach etcd is logged and tried again in
 * the next hook.
 */
public final class Authentication implements Step {
    /** The default common-name of generate-client-certificates. */
    static final String LEGACY_ACTION_CN = "etcd-client";

    @Override
    public boolean appliesTo(HookScope scope) {
        return scope.leader() && !scope.roster().isEmpty() && scope.member()
                .filter(m -> m == HookScope.MemberOutcome.RUNNING || m == HookScope.MemberOutcome.RESTART_WANTED)
                .isPresent();
    }

    @Override
    public void run(HookScope scope) {
        Map<String, String> app = scope.peer().localAppData();
        boolean first = !"on".equals(app.get(PeerData.AUTH));
        if (first && !everyUnitIsRoot(scope)) {
            return;
        }
        TreeSet<String> dbApps = new TreeSet<>();
        // In its -broken hook a relation may still be listed: it is gone all the same.
        int broken = scope.framework().event() instanceof Event.RelationBroken b ? b.relation().id() : -1;
        for (Relation rel : scope.model().relations(PeerData.DB)) {
            if (rel.id() != broken && rel.remoteApp() != null && !rel.remoteApp().isBlank()) {
                dbApps.add(rel.remoteApp());
            }
        }
        // A restored or rebuilt cluster may come from a snapshot taken with authentication off.
        String basis = Fingerprint.of("auth-on", String.join(",", dbApps), scope.token(),
                String.valueOf(app.get(PeerData.RESTORE)), String.valueOf(first));
        if (scope.state().accessChecked().filter(basis::equals).isPresent()) {
            return;
        }
        try {
            ClientAccess access = new ClientAccess(scope.membershipCluster());
            access.ensureRoot();
            for (String db : dbApps) {
                access.ensureDbClient(db);
            }
            List<String> wanted = dbApps.stream().map(ClientAccess::dbCommonName).toList();
            for (ClientAccess.Client c : access.list()) {
                if (c.source() == ClientAccess.Source.DB && !wanted.contains(c.user())) {
                    access.removeDbClient(c.user().substring(ClientAccess.DB_CN_PREFIX.length()));
                    scope.model().log("INFO", "removed etcd user " + c.user() + ": its db relation is gone");
                }
            }
            if (first) {
                // Certificates generate-client-certificates issued before authentication were valid on
                // every key; the one CN the charm knows of is the action's default.
                access.ensureLegacyActionClient(LEGACY_ACTION_CN);
            }
            access.enable();
            if (first) {
                scope.peer().updateLocalAppData(Map.of(PeerData.AUTH, "on"));
                scope.model().log("INFO", "etcd authentication is on");
            }
            scope.state().accessChecked(basis);
        } catch (EtcdAdminException e) {
            scope.model().log("WARNING", "etcd users and authentication not brought up to date, tried again"
                    + " in the next hook: " + e.getMessage());
        } finally {
            scope.closeMembershipCluster();
        }
    }

    private static boolean everyUnitIsRoot(HookScope scope) {
        if (!RootIdentity.COMMON_NAME.equals(scope.peer().localUnitData().get(PeerData.IDENTITY))) {
            return false;
        }
        for (String unit : scope.peer().units()) {
            if (!RootIdentity.COMMON_NAME.equals(scope.peer().unitData(unit).get(PeerData.IDENTITY))) {
                return false;
            }
        }
        return true;
    }
}
