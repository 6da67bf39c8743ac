package dev.charms.etcd.steps;

import dev.charms.etcd.cos.CosAgentConfig;
import dev.charms.ops.JujuContext;
import dev.charms.ops.Model;
import dev.charms.ops.Relation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code cos-agent} relation (interface {@code cos_agent}): each unit publishes {@link CosAgentConfig}
 * under the key {@code config} of its unit bag, for the grafana-agent or opentelemetry-collector
 * subordinate on its machine (docs/observability.md). Without such a relation this step asks Juju for
 * nothing but the relation ids and reads no file; with one, it republishes only when what the
 * {@code config} is made of changed (a stored fingerprint per relation). A step of every pass, run once the
 * pass has settled.
 */
public final class CosAgentRelation implements Step {
    public static final String ENDPOINT = "cos-agent";

    @Override
    public boolean appliesTo(HookScope scope) {
        return true;
    }

    @Override
    public void run(HookScope scope) {
        Model model = scope.model();
        List<Relation> relations = model.relations(ENDPOINT);
        if (relations.isEmpty()) {
            return;
        }
        JujuContext context = model.context();
        Optional<java.net.URI> metricsUrl = scope.settings().metricsEnabled()
                ? Optional.of(scope.node().metricsUrl()) : Optional.empty();
        CosAgentConfig config = CosAgentConfig.read(Path.of(context.charmDir()),
                new CosAgentConfig.Topology(context.modelName(), context.modelUuid(), model.appName()), metricsUrl);
        String fingerprint = config.fingerprint();
        String json = null;
        for (Relation rel : relations) {
            if (fingerprint.equals(scope.state().cosAgentPublished(rel.id()))) {
                continue;
            }
            if (json == null) {
                json = config.json();
            }
            rel.updateLocalUnitData(Map.of(CosAgentConfig.KEY, json));
            scope.state().cosAgentPublished(rel.id(), fingerprint);
        }
    }
}
