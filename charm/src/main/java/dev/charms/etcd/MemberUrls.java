package dev.charms.etcd;

import dev.charms.ops.Relation;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where the roster's members answer clients: this unit's own member over loopback, the others at their published client URL. */
public final class MemberUrls {
    private MemberUrls() {
    }

    /** Client URLs of every member in the roster (from their unit data), this unit's local URL first. */
    public static List<URI> clientUrls(Relation peer, Roster roster, Node self) {
        return new ArrayList<>(clientUrlsByUnit(peer, roster, self).values());
    }

    /**
     * As {@link #clientUrls}, by unit: this unit's own member first (at its local URL), then the others
     * that published a client URL, in roster order.
     */
    public static Map<String, URI> clientUrlsByUnit(Relation peer, Roster roster, Node self) {
        Map<String, URI> urls = new LinkedHashMap<>();
        if (roster.contains(self.unit())) {
            urls.put(self.unit(), self.localClientUrl());
        }
        for (String unit : roster.entries().keySet()) {
            if (unit.equals(self.unit())) {
                continue;
            }
            String url = peer.unitData(unit).get(PeerData.CLIENT_URL);
            if (url != null && !url.isBlank()) {
                urls.put(unit, URI.create(url));
            }
        }
        return urls;
    }
}
