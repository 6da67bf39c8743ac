package dev.charms.etcd.workload;

import java.net.URI;
import java.util.List;

/**
 * One etcd cluster member as {@code member list} shows it.
 *
 * @param id member ID
 * @param name member name; empty while an added member has not started yet
 * @param peerUrls peer URLs
 * @param clientUrls advertised client URLs (empty until started)
 * @param learner whether it is a non-voting learner
 */
public record Member(long id, String name, List<URI> peerUrls, List<URI> clientUrls, boolean learner) {
    /** Copies the lists. */
    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    /** Whether the member has started (an unstarted member has no name and no client URLs). */
    public boolean started() {
        return !name.isEmpty();
    }

    /** The ID in etcdctl's hex form. */
    public String idHex() {
        return Long.toHexString(id);
    }
}
