package dev.charms.etcd;

import java.util.Comparator;

/** Unit-name helpers: numeric ordering (etcd/2 before etcd/10) and etcd member names. */
public final class Units {
    /** Orders unit names by application, then by unit number. */
    public static final Comparator<String> ORDER = Comparator.comparing(Units::app).thenComparingLong(Units::number);

    private Units() {
    }

    public static String app(String unit) {
        int slash = unit.indexOf('/');
        return slash < 0 ? unit : unit.substring(0, slash);
    }

    public static long number(String unit) {
        try {
            return Long.parseLong(unit.substring(unit.indexOf('/') + 1));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** etcd member name for a unit: {@code etcd/3} becomes {@code etcd-3}, stable for the unit's life. */
    public static String memberName(String unit) {
        return unit.replace('/', '-');
    }

    /** Peer-bag key under which the leader publishes a unit's signed certificate. */
    public static String certKey(String unit) {
        return "cert-" + memberName(unit);
    }

    /** The peer application-bag key of a unit's certificate from the next cluster CA (rotate-ca). */
    public static String nextCertKey(String unit) {
        return "next-cert-" + memberName(unit);
    }
}
