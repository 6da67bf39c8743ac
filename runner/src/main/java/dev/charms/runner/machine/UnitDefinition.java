package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service unit as systemd loads it from a machine: the fragment from the first of /etc/systemd/system,
 * /run/systemd/system, /lib/systemd/system, /usr/lib/systemd/system that has it (following alias links;
 * a link to /dev/null or an empty file means masked), plus {@code <name>.d/*.conf} drop-ins (a drop-in in
 * /etc overrides one of the same name in /lib), with specifiers (%n %N %p %i %H %t %%) replaced.
 */
final class UnitDefinition {
    static final List<String> SEARCH_PATH = List.of("/etc/systemd/system", "/run/systemd/system",
            "/lib/systemd/system", "/usr/lib/systemd/system");
    private static final Pattern DURATION_PART = Pattern.compile(
            "(\\d+(?:\\.\\d+)?)\\s*(usec|us|msec|ms|sec|s|min|m|hr|h|d)?");

    private final String id;
    private final String fragmentPath;
    private final boolean masked;
    private final String fingerprint;
    private final Map<String, Map<String, List<String>>> sections;

    private UnitDefinition(String id, String fragmentPath, boolean masked, String fingerprint,
                           Map<String, Map<String, List<String>>> sections) {
        this.id = id;
        this.fragmentPath = fragmentPath;
        this.masked = masked;
        this.fingerprint = fingerprint;
        this.sections = sections;
    }

    /** {@code etcd} and {@code etcd.service} both become {@code etcd.service}. */
    static String canonicalName(String name) {
        return name.contains(".") ? name : name + ".service";
    }

    /** Loads {@code name} (canonical) from the machine; empty when no unit file exists. */
    static Optional<UnitDefinition> load(MachineFiles files, String name, String hostname) throws IOException {
        String id = name;
        String fragment = null;
        boolean masked = false;
        for (String dir : SEARCH_PATH) {
            String candidate = dir + "/" + name;
            if (files.find(candidate).isEmpty()) {
                continue;
            }
            String resolved = resolveLinks(files, candidate);
            if (resolved == null || "/dev/null".equals(resolved)) {
                masked = "/dev/null".equals(resolved);
                fragment = candidate;
                break;
            }
            Optional<Path> host = files.find(resolved);
            if (host.isEmpty()) {
                continue;
            }
            if (Files.size(host.get()) == 0) {
                masked = true;
                fragment = resolved;
                break;
            }
            fragment = resolved;
            id = Path.of(resolved).getFileName().toString();
            break;
        }
        if (fragment == null) {
            return Optional.empty();
        }
        StringBuilder all = new StringBuilder();
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        if (!masked) {
            String text = read(files, fragment);
            all.append(fragment).append('\n').append(text);
            parse(text, sections, specifiers(id, hostname));
            for (Map.Entry<String, String> dropIn : dropIns(files, id).entrySet()) {
                String drop = read(files, dropIn.getValue());
                all.append(dropIn.getValue()).append('\n').append(drop);
                parse(drop, sections, specifiers(id, hostname));
            }
        }
        return Optional.of(new UnitDefinition(id, fragment, masked, digest(all.toString()), sections));
    }

    /** Follows symlinks in the machine's view; returns the final path, /dev/null, or null for a dangling link. */
    private static String resolveLinks(MachineFiles files, String path) {
        String current = path;
        for (int hops = 0; hops < 16; hops++) {
            Optional<String> target = files.readLink(current);
            if (target.isEmpty()) {
                return files.find(current).isPresent() ? current : null;
            }
            String t = target.get();
            current = t.startsWith("/") ? t : Path.of(current).resolveSibling(t).normalize().toString();
            if ("/dev/null".equals(current)) {
                return current;
            }
        }
        return null;
    }

    private static Map<String, String> dropIns(MachineFiles files, String id) {
        Map<String, String> byName = new TreeMap<>();
        for (int i = SEARCH_PATH.size() - 1; i >= 0; i--) {
            String dir = SEARCH_PATH.get(i) + "/" + id + ".d";
            for (String name : files.list(dir)) {
                if (name.endsWith(".conf")) {
                    byName.put(name, dir + "/" + name);
                }
            }
        }
        return byName;
    }

    private static String read(MachineFiles files, String path) throws IOException {
        String resolved = resolveLinks(files, path);
        Optional<Path> host = resolved == null ? Optional.empty() : files.find(resolved);
        if (host.isEmpty()) {
            throw new IOException("cannot read unit file " + path);
        }
        return Files.readString(host.get(), StandardCharsets.UTF_8);
    }

    private static Map<Character, String> specifiers(String id, String hostname) {
        String base = id.substring(0, id.lastIndexOf('.'));
        int at = base.indexOf('@');
        Map<Character, String> map = new LinkedHashMap<>();
        map.put('n', id);
        map.put('N', base);
        map.put('p', at >= 0 ? base.substring(0, at) : base);
        map.put('i', at >= 0 ? base.substring(at + 1) : "");
        map.put('H', hostname);
        map.put('t', "/run");
        map.put('%', "%");
        return map;
    }

    private static void parse(String text, Map<String, Map<String, List<String>>> sections, Map<Character, String> spec) {
        String section = "";
        String pending = "";
        for (String raw : text.split("\n", -1)) {
            String line = pending + raw.strip();
            pending = "";
            if (line.endsWith("\\")) {
                pending = line.substring(0, line.length() - 1) + " ";
                continue;
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = replaceSpecifiers(line.substring(eq + 1).strip(), spec);
            List<String> values = sections.computeIfAbsent(section, s -> new LinkedHashMap<>())
                    .computeIfAbsent(key, k -> new ArrayList<>());
            if (value.isEmpty()) {
                values.clear();
            } else {
                values.add(value);
            }
        }
    }

    private static String replaceSpecifiers(String value, Map<Character, String> spec) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 1 < value.length() && spec.containsKey(value.charAt(i + 1))) {
                out.append(spec.get(value.charAt(++i)));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a systemd time span ("100ms", "10s", "1min 30s", "5"); {@code infinity} is empty. */
    static Optional<Duration> duration(String text) {
        String value = text.strip();
        if (value.equals("infinity")) {
            return Optional.empty();
        }
        Matcher m = DURATION_PART.matcher(value);
        long micros = 0;
        int end = 0;
        while (m.find()) {
            if (!value.substring(end, m.start()).isBlank()) {
                throw new IllegalArgumentException("invalid time span \"" + text + "\"");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            micros += (long) (n * switch (unit) {
                case "us", "usec" -> 1;
                case "ms", "msec" -> 1_000;
                case "m", "min" -> 60_000_000;
                case "h", "hr" -> 3_600_000_000L;
                case "d" -> 86_400_000_000L;
                default -> 1_000_000;
            });
            end = m.end();
        }
        if (end == 0 || !value.substring(end).isBlank()) {
            throw new IllegalArgumentException("invalid time span \"" + text + "\"");
        }
        return Optional.of(Duration.ofNanos(micros * 1000));
    }

    String id() {
        return id;
    }

    String fragmentPath() {
        return fragmentPath;
    }

    boolean masked() {
        return masked;
    }

    String fingerprint() {
        return fingerprint;
    }

    /** The last value of {@code key} in {@code section}, or {@code fallback}. */
    String get(String section, String key, String fallback) {
        List<String> values = all(section, key);
        return values.isEmpty() ? fallback : values.get(values.size() - 1);
    }

    /** Every value of {@code key} in {@code section}, in order (an empty assignment cleared earlier ones). */
    List<String> all(String section, String key) {
        return sections.getOrDefault(section, Map.of()).getOrDefault(key, List.of());
    }

    boolean hasInstallSection() {
        return sections.containsKey("Install") && !sections.get("Install").isEmpty();
    }
}
