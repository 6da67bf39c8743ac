package dev.charms.etcd.actions;

import dev.charms.etcd.certs.ClientRequests;
import dev.charms.etcd.certs.TlsCertificatesV1;
import dev.charms.etcd.certs.TrustBundle;
import dev.charms.ops.ActionFailedException;
import dev.charms.ops.Relation;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code generate-client-certificates} while a {@code certificates} provider is related
 * (docs/certificates.md, docs/actions.md): the certificate comes from the provider, which answers
 * asynchronously, so a first run requests it (a key made and kept on this unit, 0600; its CSR added to this
 * unit's request list) and says so; a later run with the same {@code common-name} hands out key,
 * certificate and CA bundle once the provider answered and the members serve its CA, and forgets the
 * request. Nothing falls back to the cluster CA.
 */
public final class ProviderClientCredentials {
    private ProviderClientCredentials() {
    }

    /**
     * The cluster's CA state as this run sees it.
     *
     * @param serving the CA whose certificates the members serve (canonical PEM)
     * @param trust the CAs the members trust (canonical bundle)
     */
    public record Cluster(String serving, String trust) {
    }

    /** The action on a unit: the relation, as it is, and this unit's member CSR (first in its request list). */
    public static Map<String, Object> run(ClientCredentials.Request request, ClientRequests requests, Relation rel,
            String memberCsr, Cluster cluster, List<URI> endpoints, Path dir, String unit) {
        return run(request, requests, TlsCertificatesV1.ENDPOINT + ":" + rel.id(),
                rel.remoteAppData().get(TlsCertificatesV1.CERTIFICATES), () -> requests.publish(rel, memberCsr),
                cluster, endpoints, dir, unit);
    }

    /**
     * Requests, waits or hands out (see the class comment); returns the action's results.
     * {@code certificates} is the provider's value of that key, {@code publish} writes this unit's request
     * list, {@code dir} is where the bundle goes.
     */
    static Map<String, Object> run(ClientCredentials.Request request, ClientRequests requests, String relation,
            String certificates, Runnable publish, Cluster cluster, List<URI> endpoints, Path dir, String unit) {
        String name = "action-" + request.commonName();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("common-name", request.commonName());
        out.put("relation", relation);
        out.put("access", request.access().describe());
        if (requests.csr(name).isEmpty()) {
            requests.ensure(name, request.commonName(), request.keyType());
            publish.run();
            out.put("status", "requested");
            out.put("message", "requested a client certificate for CN=" + request.commonName() + " from " + relation
                    + " (the provider's CA signs it, and sets its validity); run generate-client-certificates again with"
                    + " the same common-name once the provider has answered");
            return out;
        }
        List<TlsCertificatesV1.Provided> provided;
        try {
            provided = TlsCertificatesV1.parse(certificates);
        } catch (IllegalArgumentException e) {
            throw new ActionFailedException(relation + ": " + e.getMessage() + "; the request for CN=" + request.commonName()
                    + " stays, run again once the provider answers properly");
        }
        List<String> problems = new ArrayList<>();
        Optional<ClientRequests.Issued> issued = requests.answer(name, provided, problems);
        if (!problems.isEmpty()) {
            throw new ActionFailedException(relation + ": the answer for CN=" + request.commonName() + " is refused: "
                    + String.join("; ", problems) + "; the request stays, run again once the provider answers properly");
        }
        if (issued.isEmpty()) {
            out.put("status", "waiting");
            out.put("message", relation + " has not answered the request for CN=" + request.commonName()
                    + " yet; run generate-client-certificates again later");
            return out;
        }
        if (!TrustBundle.sameSet(cluster.serving(), issued.get().ca())) {
            out.put("status", "waiting");
            out.put("message", relation + " answered the request for CN=" + request.commonName() + ", but the members do"
                    + " not serve its CA yet (a CA move runs: see the leader's status); run again once it is done");
            return out;
        }
        String ca = TrustBundle.sortedUnion(cluster.trust(), issued.get().ca());
        ClientCredentials.Issued credentials = new ClientCredentials.Issued(issued.get().keyPem(), issued.get().certificate(),
                ca, issued.get().info());
        Path bundle = ClientCredentials.write(credentials, endpoints, dir);
        requests.drop(name);
        publish.run();
        out.putAll(ClientCredentials.results(credentials, request.access(), bundle, unit));
        out.put("status", "issued");
        out.put("issuer", issued.get().info().issuerCommonName() + " (the certificates provider, " + relation + ")");
        return out;
    }
}
