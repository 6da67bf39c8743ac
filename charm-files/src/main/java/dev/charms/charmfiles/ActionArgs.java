package dev.charms.charmfiles;

import java.io.StringReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The {@code key[.key...]=value} arguments of {@code juju run} (Juju 3) and {@code juju run-action}
 * (Juju 2.9), turned into action parameters as those commands do (docs/juju-contract.md, section 7):
 * each value is parsed as YAML with the scalar typing of Go's {@code gopkg.in/yaml.v2} unless
 * {@code --string-args} is given, and dotted keys build nested maps. The typing is YAML 1.1's as that
 * library reads it: {@code 12345} and {@code 0x1F} are integers, {@code 1.5} and {@code 1e3} floats,
 * {@code true}, {@code yes}, {@code on}, {@code y} (and their negations) booleans, {@code ~} and
 * {@code null} null; dates ({@code 2024-01-01}), durations ({@code 90s}), times ({@code 10:30}), paths,
 * unit and member names stay strings; an empty value is the empty string.
 */
public final class ActionArgs {
    private static final Pattern KEY = Pattern.compile("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$");
    private static final Pattern GO_INT = Pattern.compile(
            "^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|0|[1-9][0-9]*)$");
    private static final Pattern GO_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** The tag the resolver below gives every untagged plain scalar, so it is typed here instead. */
    private static final Tag PLAIN = new Tag("tag:dev.charms,plain");

    private ActionArgs() {
    }

    /** A command-line argument Juju refuses, with Juju's message. */
    public static final class InvalidArgumentException extends IllegalArgumentException {
        InvalidArgumentException(String message) {
            super(message);
        }
    }

    /**
     * The parameters of {@code args} ({@code key=value} or {@code key.key=value}), later arguments
     * overriding earlier ones. Throws {@link InvalidArgumentException} for an argument without '=', a
     * key that is not lowercase letters, digits and hyphens, or a value that is not valid YAML.
     */
    public static Map<String, Object> parse(List<String> args, boolean stringArgs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw new InvalidArgumentException("argument \"" + arg + "\" must be of the form key.key.key...=value");
            }
            String[] keys = arg.substring(0, eq).split("\\.", -1);
            for (String key : keys) {
                if (!KEY.matcher(key).matches()) {
                    throw new InvalidArgumentException("key \"" + key + "\" must start and end with lowercase"
                            + " alphanumeric, and contain only lowercase alphanumeric and hyphens");
                }
            }
            String text = arg.substring(eq + 1);
            put(out, keys, stringArgs ? text : value(text));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> map, String[] keys, Object value) {
        Map<String, Object> at = map;
        for (int i = 0; i < keys.length - 1; i++) {
            Object next = at.get(keys[i]);
            if (!(next instanceof Map<?, ?>)) {
                next = new LinkedHashMap<String, Object>();
                at.put(keys[i], next);
            }
            at = (Map<String, Object>) next;
        }
        at.put(keys[keys.length - 1], value);
    }

    /**
     * One value parsed as {@code juju run} parses it: a YAML document typed as described on the class
     * ({@link Long}, {@link BigInteger} above the long range, {@link Double}, {@link Boolean}, null,
     * {@link String}, {@link List} or {@link Map}). A value with no YAML document in it (empty, or only
     * a comment) stays the text as given.
     */
    public static Object value(String text) {
        Node node;
        try {
            node = yaml().compose(new StringReader(text));
        } catch (YAMLException e) {
            throw new InvalidArgumentException("yaml: " + e.getMessage().lines().findFirst().orElse("invalid value"));
        }
        if (node == null) {
            return text;
        }
        Object v = convert(node);
        if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
            throw new InvalidArgumentException("json: unsupported value: " + (d.isNaN() ? "NaN" : d > 0 ? "+Inf" : "-Inf"));
        }
        return v;
    }

    private static Yaml yaml() {
        Resolver resolver = new Resolver() {
            @Override
            public Tag resolve(NodeId kind, String value, boolean implicit) {
                return kind == NodeId.scalar ? (implicit ? PLAIN : Tag.STR) : super.resolve(kind, value, implicit);
            }
        };
        LoaderOptions loader = new LoaderOptions();
        DumperOptions dumper = new DumperOptions();
        return new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader, resolver);
    }

    private static Object convert(Node node) {
        if (node instanceof ScalarNode s) {
            Tag tag = s.getTag();
            boolean typed = tag.equals(PLAIN) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)
                    || tag.equals(Tag.NULL);
            return typed ? plain(s.getValue()) : s.getValue();
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            seq.getValue().forEach(n -> out.add(convert(n)));
            return out;
        }
        if (node instanceof MappingNode map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                out.put(String.valueOf(convert(t.getKeyNode())), convert(t.getValueNode()));
            }
            return out;
        }
        throw new InvalidArgumentException("yaml: unsupported node " + node.getNodeId());
    }

    /** A plain scalar typed as yaml.v2 types it when decoding into an interface value. */
    static Object plain(String in) {
        switch (in) {
            case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" -> {
                return true;
            }
            case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" -> {
                return false;
            }
            case "", "~", "null", "Null", "NULL" -> {
                return null;
            }
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf", "-.INF" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        char first = in.charAt(0);
        if (first == '.') {
            return GO_FLOAT.matcher(in).matches() ? finiteOr(Double.parseDouble(in), in) : in;
        }
        if ("+-0123456789".indexOf(first) < 0) {
            return in;
        }
        String plain = in.replace("_", "");
        if (GO_INT.matcher(plain).matches()) {
            BigInteger n = goInteger(plain);
            if (n.bitLength() < 64) {
                return n.longValue();
            }
            if (n.signum() > 0 && n.compareTo(UINT64_MAX) <= 0) {
                return n;
            }
        }
        if (GO_FLOAT.matcher(plain).matches()) {
            return finiteOr(Double.parseDouble(plain), in);
        }
        return in;
    }

    private static Object finiteOr(double d, String text) {
        return Double.isInfinite(d) ? text : d;
    }

    private static BigInteger goInteger(String s) {
        boolean negative = s.startsWith("-");
        String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        int radix = 10;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            char p = Character.toLowerCase(digits.charAt(1));
            radix = p == 'x' ? 16 : p == 'b' ? 2 : 8;
            digits = p == 'x' || p == 'b' || p == 'o' ? digits.substring(2) : digits.substring(1);
        }
        BigInteger n = new BigInteger(digits, radix);
        return negative ? n.negate() : n;
    }
}
