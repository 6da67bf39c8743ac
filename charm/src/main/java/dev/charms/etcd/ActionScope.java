package dev.charms.etcd;

import dev.charms.etcd.workload.Host;
import dev.charms.etcd.workload.EtcdCluster;
import dev.charms.etcd.actions.MemberEndpoints;
import dev.charms.etcd.workload.EtcdInstallation;
import dev.charms.etcd.workload.SnapshotTool;
import dev.charms.etcd.workload.CommandRunner;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an action needs from the unit, read without side effects: the peer relation, the roster, this
 * unit as a member (node), the client URLs of the members and an admin client over this unit's client
 * certificate. Each missing piece is an {@link ActionFailedException} saying what to wait for.
 */
final class ActionScope {
    private final Model model;
    private final Host host;
    private final Relation peer;
    private final Roster roster;
    private final Node node;

    ActionScope(Model model, Host host, dev.charms.ops.StoredState stored) {
        this.model = model;
        this.host = host;
        this.peer = model.relation(PeerData.PEER).orElseThrow(() -> new ActionFailedException(
                "the peer relation does not exist yet; wait until the unit has installed"));
        this.roster = Roster.parse(peer.localAppData().get(PeerData.MEMBERS));
        EtcdSettings.Parsed parsed = EtcdSettings.parse(model.config());
        if (!parsed.valid()) {
            throw new ActionFailedException("the charm configuration is invalid: " + EtcdSettings.summary(parsed.problems()));
        }
        this.node = Node.of(model, parsed.settings(), stored);
    }

    Relation peer() {
        return peer;
    }

    Roster roster() {
        return roster;
    }

    Node node() {
        return node;
    }

    /** Client URLs of every admitted member, this unit's loopback URL first. */
    List<URI> clientUrls() {
        List<URI> urls = MemberUrls.clientUrls(peer, roster, node);
        if (urls.isEmpty()) {
            throw new ActionFailedException("the cluster has no members yet: the leader bootstraps it once the units"
                    + " have their certificates (see juju status)");
        }
        return urls;
    }

    /** Where each admitted member answers: this unit over loopback, the others at their published URL. */
    MemberEndpoints endpoints() {
        Map<String, URI> known = new LinkedHashMap<>();
        for (Map.Entry<String, Roster.Entry> e : roster.entries().entrySet()) {
            String unit = e.getKey();
            String url = unit.equals(node.unit()) ? node.localClientUrl().toString()
                    : peer.unitData(unit).get(PeerData.CLIENT_URL);
            if (url != null && !url.isBlank()) {
                known.put(Units.memberName(unit), URI.create(url));
            }
        }
        return new MemberEndpoints(known);
    }

    /** An admin client over every member's URL, each call limited to {@code timeout}. */
    EtcdCluster admin(Duration timeout) {
        return adminOf(clientUrls(), timeout);
    }

    /** An admin client of only {@code endpoint} (one member), each call limited to {@code timeout}. */
    EtcdCluster adminAt(URI endpoint, Duration timeout) {
        return adminOf(List.of(endpoint), timeout);
    }

    private EtcdCluster adminOf(List<URI> endpoints, Duration timeout) {
        if (!Files.exists(host.paths().clientKey()) || !Files.exists(host.paths().clientCert())) {
            throw new ActionFailedException("this unit has no client certificate yet; wait until the leader has signed it");
        }
        return host.cluster(endpoints, timeout);
    }

    /** The snapshot tool of this unit's etcd. */
    SnapshotTool snapshotTool() {
        EtcdInstallation installation = host.installation()
                .orElseThrow(() -> new ActionFailedException("etcd is not installed on this unit yet"));
        return new SnapshotTool(installation, new CommandRunner());
    }
}
