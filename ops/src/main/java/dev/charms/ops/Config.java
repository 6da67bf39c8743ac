package dev.charms.ops;

import java.util.Map;

/** The charm's configuration as {@code config-get} returns it, with typed accessors. */
public final class Config {
    private final Map<String, Object> values;

    public Config(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String getString(String key) {
        Object v = require(key);
        if (v instanceof String s) {
            return s;
        }
        throw wrongType(key, "a string", v);
    }

    public long getLong(String key) {
        Object v = require(key);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d)) {
            return d.longValue();
        }
        throw wrongType(key, "a whole number", v);
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("config option '" + key + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    public boolean getBoolean(String key) {
        Object v = require(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "true or false", v);
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("config option '" + key + "' has no value");
        }
        return v;
    }

    private static IllegalArgumentException wrongType(String key, String expected, Object got) {
        return new IllegalArgumentException("config option '" + key + "' should be " + expected + ", got " + got);
    }
}
