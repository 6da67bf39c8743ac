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

    /**
     * The id etcd gives a member of a new cluster ({@code --initial-cluster-state new}): the first eight
     * bytes, big-endian, of the SHA-1 of its peer URLs (sorted, concatenated) followed by the cluster
     * token -- etcd's {@code computeMemberID}, the same in 3.4, 3.5 and 3.6. A member added later gets
     * a time-salted id, which {@code member add} returns.
     */
    public static long initialId(List<String> peerUrls, String clusterToken) {
        List<String> sorted = new java.util.ArrayList<>(peerUrls);
        java.util.Collections.sort(sorted);
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-1")
                    .digest((String.join("", sorted) + clusterToken).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(hash, 0, 8).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** The ID in etcdctl's hex form. */
    public String idHex() {
        return Long.toHexString(id);
    }
}
