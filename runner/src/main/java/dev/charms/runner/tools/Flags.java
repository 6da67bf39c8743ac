package dev.charms.runner.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags one hook tool accepts, parsed like Juju's gnuflag with interspersed arguments:
 * {@code --name=value}, {@code --name value}, {@code -r 3}, {@code -r=3}, {@code -r3}, boolean
 * {@code --app} / {@code --app=false}, {@code --} ends the flags, a lone {@code -} is an argument.
 */
final class Flags {
    /** One flag: its canonical name, all its names, and whether it takes a value. */
    private record Flag(String canonical, List<String> names, boolean takesValue) {
    }

    private final Map<String, Flag> byName = new LinkedHashMap<>();

    /** Adds a boolean flag; the first name is the canonical one. */
    Flags bool(String... names) {
        return add(false, names);
    }

    /** Adds a flag with a value; the first name is the canonical one. */
    Flags value(String... names) {
        return add(true, names);
    }

    private Flags add(boolean takesValue, String... names) {
        Flag f = new Flag(names[0], List.of(names), takesValue);
        for (String n : names) {
            byName.put(n, f);
        }
        return this;
    }

    boolean defines(String name) {
        return byName.containsKey(name);
    }

    /** A one-line usage text listing the flags. */
    String usage(String tool) {
        StringBuilder sb = new StringBuilder("Usage: ").append(tool).append(" [options]");
        new LinkedHashMap<>(byName).values().stream().distinct().forEach(f -> {
            sb.append(" [");
            sb.append(String.join("|", f.names().stream().map(Flags::dashed).toList()));
            sb.append(f.takesValue() ? " <value>]" : "]");
        });
        return sb.append('\n').toString();
    }

    private static String dashed(String name) {
        return (name.length() == 1 ? "-" : "--") + name;
    }

    Parsed parse(List<String> args) throws ToolException {
        Map<String, String> values = new HashMap<>();
        Map<String, String> written = new HashMap<>();
        Set<String> set = new HashSet<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (a.startsWith("--") && a.length() > 2) {
                String body = a.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                Flag f = lookup(name, a);
                if (f.takesValue()) {
                    String v;
                    if (eq >= 0) {
                        v = body.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        v = args.get(++i);
                    } else {
                        throw ToolException.usage("option needs an argument: " + a);
                    }
                    values.put(f.canonical(), v);
                    written.put(f.canonical(), "--" + name);
                    set.add(f.canonical());
                } else {
                    setBool(f, eq < 0 ? "true" : body.substring(eq + 1), a, values, set);
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                i = parseShort(args, i, values, written, set);
            } else {
                positional.add(a);
            }
        }
        return new Parsed(values, written, set, positional);
    }

    private int parseShort(List<String> args, int i, Map<String, String> values, Map<String, String> written,
                           Set<String> set)
            throws ToolException {
        String a = args.get(i);
        for (int c = 1; c < a.length(); c++) {
            String name = String.valueOf(a.charAt(c));
            Flag f = lookup(name, "-" + name);
            if (!f.takesValue()) {
                if (c + 1 < a.length() && a.charAt(c + 1) == '=') {
                    setBool(f, a.substring(c + 2), "-" + name, values, set);
                    return i;
                }
                setBool(f, "true", "-" + name, values, set);
                continue;
            }
            String rest = a.substring(c + 1);
            String v;
            if (!rest.isEmpty()) {
                v = rest.startsWith("=") ? rest.substring(1) : rest;
            } else if (i + 1 < args.size()) {
                v = args.get(++i);
            } else {
                throw ToolException.usage("option needs an argument: -" + name);
            }
            values.put(f.canonical(), v);
            written.put(f.canonical(), "-" + name);
            set.add(f.canonical());
            return i;
        }
        return i;
    }

    private Flag lookup(String name, String asWritten) throws ToolException {
        Flag f = byName.get(name);
        if (f == null) {
            String shown = asWritten.contains("=") ? asWritten.substring(0, asWritten.indexOf('=')) : asWritten;
            throw ToolException.usage("option provided but not defined: " + shown);
        }
        return f;
    }

    private static void setBool(Flag f, String text, String asWritten, Map<String, String> values, Set<String> set)
            throws ToolException {
        boolean v = switch (text) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw ToolException.usage("invalid value \"" + text + "\" for option " + asWritten
                    + ": strconv.ParseBool: parsing \"" + text + "\": invalid syntax");
        };
        if (v) {
            set.add(f.canonical());
        } else {
            set.remove(f.canonical());
        }
        values.remove(f.canonical());
    }

    /** The result of parsing: flag values, set booleans and positional arguments in order. */
    record Parsed(Map<String, String> values, Map<String, String> written, Set<String> set, List<String> positional) {
        /** How the user wrote a value flag ({@code -r} or {@code --relation}). */
        String writtenAs(String canonical) {
            return written.getOrDefault(canonical, (canonical.length() == 1 ? "-" : "--") + canonical);
        }

        boolean has(String canonical) {
            return set.contains(canonical);
        }

        String value(String canonical) {
            return values.get(canonical);
        }
    }
}
