package dev.charms.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A running action's parameters, results, progress log and failure. Results may be nested maps; they
 * are sent as dotted keys ({@code members.etcd-0.status=...}), which is how Juju builds nested results.
 */
public final class ActionContext {
    private static final Pattern KEY = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");
    private final HookTools tools;
    private final String name;
    private Map<String, Object> params;
    private boolean failed;

    public ActionContext(HookTools tools, String name) {
        this.tools = tools;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The parameters, with schema defaults already inserted by Juju. */
    public Map<String, Object> params() {
        if (params == null) {
            params = tools.actionGet();
        }
        return params;
    }

    public String stringParam(String key, String fallback) {
        Object v = params().get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new ActionFailedException("parameter '" + key + "' must be a string, got " + v);
    }

    public long longParam(String key, long fallback) {
        Object v = params().get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return d.longValue();
        }
        throw new ActionFailedException("parameter '" + key + "' must be a whole number, got " + v);
    }

    public boolean booleanParam(String key, boolean fallback) {
        Object v = params().get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ActionFailedException("parameter '" + key + "' must be true or false, got " + v);
    }

    /** Sets results; nested maps become dotted keys. Values are sent as strings. */
    public void setResults(Map<String, ?> results) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", results, flat);
        tools.actionSet(flat);
    }

    public void log(String message) {
        tools.actionLog(message);
    }

    /** Marks the action failed with a reason; the hook still ends normally. */
    public void fail(String message) {
        failed = true;
        tools.actionFail(message);
    }

    public boolean failed() {
        return failed;
    }

    private static void flatten(String prefix, Map<String, ?> map, Map<String, String> out) {
        for (Map.Entry<String, ?> e : map.entrySet()) {
            String key = e.getKey();
            if (!KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("action result key '" + key + "' must be lowercase letters,"
                        + " digits and hyphens, starting and ending with a letter or digit");
            }
            String full = prefix.isEmpty() ? key : prefix + "." + key;
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> m = (Map<String, ?>) nested;
                flatten(full, m, out);
            } else if (v != null) {
                out.put(full, String.valueOf(v));
            }
        }
    }
}
