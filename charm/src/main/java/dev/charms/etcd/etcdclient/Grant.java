package dev.charms.etcd.etcdclient;

import dev.charms.ops.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one application related on {@code etcd-client} has been given: the etcd user named by its
 * certificate's CN, read-write on the keys under its prefix, and that certificate in the client trust
 * (docs/client-access.md). The leader keeps the list in the peer application bag, so that a refused
 * change leaves the grant as it was and a new leader knows what to remove.
 *
 * @param relationId the relation's id
 * @param app the requirer application
 * @param user the etcd user (the certificate's CN)
 * @param prefix the key prefix (absolute, not empty)
 * @param certificate the client certificate (PEM)
 */
public record Grant(int relationId, String app, String user, String prefix, String certificate) {
    public Grant {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** The etcd role of {@code user}: read-write on its prefix only. */
    public static String roleOf(String user) {
        return EtcdClientV0.ROLE_PREFIX + user;
    }

    public String role() {
        return roleOf(user);
    }

    /** The grants as the peer bag keeps them: a JSON list, in relation order. */
    public static String write(List<Grant> grants) {
        List<Object> out = new ArrayList<>();
        for (Grant g : grants) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("relation-id", g.relationId);
            m.put("app", g.app);
            m.put("user", g.user);
            m.put("prefix", g.prefix);
            m.put("certificate", g.certificate);
            out.add(m);
        }
        return Json.write(out);
    }

    /** The grants from the peer bag's value (empty when unset). */
    public static List<Grant> read(String value) {
        List<Grant> out = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return out;
        }
        Object parsed = Json.parse(value);
        if (!(parsed instanceof List<?> list)) {
            throw new IllegalStateException("the peer bag's etcd-client grants are not a JSON list");
        }
        for (Object o : list) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(new Grant(((Number) m.get("relation-id")).intValue(), (String) m.get("app"), (String) m.get("user"),
                    (String) m.get("prefix"), (String) m.get("certificate")));
        }
        return out;
    }
}
