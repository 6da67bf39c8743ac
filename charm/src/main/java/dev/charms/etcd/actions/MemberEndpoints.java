package dev.charms.etcd.actions;

import dev.charms.etcd.workload.Member;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where to reach each etcd member: a known URL by member name (the local member over loopback, other
 * units from their published client URL) wins over the client URL the member advertises in etcd.
 */
public final class MemberEndpoints {
    private final Map<String, URI> known;

    /** Endpoints with {@code known} (member name to client URL) taking precedence. */
    public MemberEndpoints(Map<String, URI> known) {
        this.known = new LinkedHashMap<>(known);
    }

    /** Only the URLs members advertise. */
    public static MemberEndpoints advertised() {
        return new MemberEndpoints(Map.of());
    }

    /** The URL to ask {@code member} on, if there is one (an unstarted member advertises none). */
    public Optional<URI> of(Member member) {
        URI url = known.get(member.name());
        if (url != null) {
            return Optional.of(url);
        }
        return member.clientUrls().isEmpty() ? Optional.empty() : Optional.of(member.clientUrls().get(0));
    }

    /** The result key of {@code member}: its name, or {@code member-<hex id>} while it has none. */
    public static String key(Member member) {
        return ResultKeys.of(member.name(), "member-" + member.idHex());
    }
}
