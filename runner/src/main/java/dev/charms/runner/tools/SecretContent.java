package dev.charms.runner.tools;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses secret content and options as secret-add/secret-set take them: {@code k=v}, {@code k#base64=v},
 * {@code k#file=path}, a YAML {@code --file}, {@code --expire} and {@code --rotate}. Values are kept
 * base64-encoded, as Juju stores them.
 */
final class SecretContent {
    private static final Pattern KEY = Pattern.compile("^([a-z](?:-?[a-z0-9]){2,})$");
    private static final DateTimeFormatter NO_ZONE = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    static final Set<String> ROTATE_POLICIES = Set.of("never", "hourly", "daily", "weekly", "monthly", "quarterly",
            "yearly");

    private SecretContent() {
    }

    /** Content from {@code --file} (may be null) and arguments, values base64-encoded. */
    static Map<String, String> parse(ToolCall call, List<String> args, String file) throws ToolException {
        Map<String, String> out = new LinkedHashMap<>();
        if (file != null) {
            for (Map.Entry<String, String> e : call.readSettingsFile(file).entrySet()) {
                put(out, e.getKey(), e.getValue(), call);
            }
        }
        for (String arg : args) {
            int eq = stripPadding(arg).indexOf('=');
            if (eq < 1) {
                throw ToolException.usage("key value " + ToolCall.goQuote(arg) + " not valid");
            }
            put(out, arg.substring(0, eq), arg.substring(eq + 1), call);
        }
        return out;
    }

    private static void put(Map<String, String> out, String rawKey, String value, ToolCall call) throws ToolException {
        String key = rawKey;
        String encoded;
        if (rawKey.endsWith("#base64")) {
            key = rawKey.substring(0, rawKey.length() - "#base64".length());
            try {
                Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw ToolException.usage("base64 encoded value for key " + ToolCall.goQuote(key) + " not valid");
            }
            encoded = value;
        } else if (rawKey.endsWith("#file")) {
            key = rawKey.substring(0, rawKey.length() - "#file".length());
            encoded = Base64.getEncoder().encodeToString(call.readFileOrStdin(value));
        } else {
            encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        }
        if (!KEY.matcher(key).matches()) {
            throw ToolException.usage("key " + ToolCall.goQuote(key) + " not valid");
        }
        out.put(key, encoded);
    }

    /** Juju strips base64 padding before looking for the {@code =} that ends the key. */
    private static String stripPadding(String arg) {
        int end = arg.length();
        while (end > 0 && arg.charAt(end - 1) == '=') {
            end--;
        }
        return arg.substring(0, end);
    }

    /** Decodes a stored value to text. */
    static String decode(String encoded) {
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    /**
     * {@code --expire}: an RFC 3339 time, a time {@code 2006-01-02T15:04:05} in UTC, or a positive Go
     * duration ({@code 24h}, {@code 1h30m}) from now; null if absent.
     */
    static Instant expiry(String text) throws ToolException {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text, NO_ZONE).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return Instant.now().plus(duration(text));
            }
        }
    }

    private static Duration duration(String text) throws ToolException {
        String body = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
        boolean negative = text.startsWith("-");
        Matcher m = DURATION_PART.matcher(body);
        long nanos = 0;
        int end = 0;
        if (body.equals("0")) {
            throw ToolException.usage("negative expire duration " + ToolCall.goQuote(text) + " not valid");
        }
        while (m.find() && m.start() == end) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (n * unit);
            end = m.end();
        }
        if (end != body.length() || end == 0) {
            throw ToolException.usage("expire time or duration " + ToolCall.goQuote(text) + " not valid");
        }
        if (negative || nanos <= 0) {
            throw ToolException.usage("negative expire duration " + ToolCall.goQuote(text) + " not valid");
        }
        return Duration.ofNanos(nanos);
    }

    /** {@code --rotate}: null if absent. */
    static String rotation(String text) throws ToolException {
        if (text != null && !ROTATE_POLICIES.contains(text)) {
            throw ToolException.usage("rotate policy " + ToolCall.goQuote(text) + " not valid");
        }
        return text;
    }
}
