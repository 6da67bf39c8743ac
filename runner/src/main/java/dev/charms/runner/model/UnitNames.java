package dev.charms.runner.model;

import java.util.Comparator;
import java.util.regex.Pattern;

/** Unit name helpers: {@code <app>/<n>} syntax, the application part, and numeric ordering. */
public final class UnitNames {
    private static final Pattern UNIT = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*/\\d+");

    /** Orders {@code etcd/2} before {@code etcd/10}. */
    public static final Comparator<String> ORDER = Comparator.comparing(UnitNames::application)
            .thenComparingInt(UnitNames::index);

    private UnitNames() {
    }

    public static boolean isUnitName(String s) {
        return UNIT.matcher(s).matches();
    }

    /** {@code etcd} for {@code etcd/3}. */
    public static String application(String unitName) {
        int slash = unitName.indexOf('/');
        return slash < 0 ? unitName : unitName.substring(0, slash);
    }

    /** {@code 3} for {@code etcd/3}. */
    public static int index(String unitName) {
        int slash = unitName.indexOf('/');
        return slash < 0 ? -1 : Integer.parseInt(unitName.substring(slash + 1));
    }

    /** {@code unit-etcd-3} for {@code etcd/3}. */
    public static String tag(String unitName) {
        return "unit-" + unitName.replace('/', '-');
    }
}
