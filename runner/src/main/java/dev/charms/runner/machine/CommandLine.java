package dev.charms.runner.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * systemd's command-line and assignment syntax: splitting into words with '...' / "..." quoting and
 * C-style backslash escapes, Exec*= lines with their {@code -@:+!} prefixes and $VAR / ${VAR}
 * expansion, Environment= assignments and EnvironmentFile= contents.
 */
final class CommandLine {
    private CommandLine() {
    }

    /** One parsed Exec*= line. */
    record Exec(List<String> argv, boolean ignoreFailure, boolean fullPrivileges) {
    }

    /** A word and whether it came out of the line unquoted and unescaped (needed for $VAR splitting). */
    private record Word(String text, boolean plain) {
    }

    /** Splits {@code line} into words. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        for (Word word : words(line)) {
            words.add(word.text());
        }
        return words;
    }

    private static List<Word> words(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder current = null;
        boolean plain = true;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
                if (current != null) {
                    words.add(new Word(current.toString(), plain));
                    current = null;
                }
                i++;
                continue;
            }
            if (current == null) {
                current = new StringBuilder();
                plain = true;
            }
            if (c == '\'' || c == '"') {
                plain = false;
                int end = i + 1;
                while (end < line.length() && line.charAt(end) != c) {
                    if (line.charAt(end) == '\\' && end + 1 < line.length()) {
                        end += 2;
                        continue;
                    }
                    end++;
                }
                if (end >= line.length()) {
                    throw new IllegalArgumentException("unbalanced quotes in: " + line);
                }
                current.append(unescape(line.substring(i + 1, end)));
                i = end + 1;
            } else if (c == '\\' && i + 1 < line.length()) {
                plain = false;
                current.append(unescape(line.substring(i, i + 2)));
                i += 2;
            } else {
                current.append(c);
                i++;
            }
        }
        if (current != null) {
            words.add(new Word(current.toString(), plain));
        }
        return words;
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                out.append(c);
                continue;
            }
            char n = text.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                default -> out.append(n);
            }
        }
        return out.toString();
    }

    /**
     * Parses an Exec*= value, expanding variables from {@code env} unless the line starts with ':';
     * '+' and '!' mean the command runs with full privileges (not as User=).
     */
    static Exec exec(String value, Map<String, String> env) {
        String line = value.strip();
        boolean ignoreFailure = false;
        boolean expand = true;
        boolean ownArgv0 = false;
        boolean fullPrivileges = false;
        while (!line.isEmpty() && "-@:+!".indexOf(line.charAt(0)) >= 0) {
            switch (line.charAt(0)) {
                case '-' -> ignoreFailure = true;
                case ':' -> expand = false;
                case '@' -> ownArgv0 = true;
                default -> fullPrivileges = true;
            }
            line = line.substring(1);
        }
        List<String> argv = new ArrayList<>();
        for (Word word : words(line)) {
            if (expand && word.plain() && word.text().matches("\\$[A-Za-z_][A-Za-z0-9_]*")) {
                String v = env.getOrDefault(word.text().substring(1), "");
                for (String part : v.strip().split("\\s+")) {
                    if (!part.isEmpty()) {
                        argv.add(part);
                    }
                }
            } else {
                argv.add(expand ? expandBraces(word.text(), env) : word.text());
            }
        }
        if (ownArgv0 && argv.size() >= 2) {
            argv.remove(1);
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
        return new Exec(List.copyOf(argv), ignoreFailure, fullPrivileges);
    }

    private static String expandBraces(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$$", i)) {
                out.append('$');
                i += 2;
            } else if (text.startsWith("${", i) && text.indexOf('}', i) > 0) {
                int end = text.indexOf('}', i);
                out.append(env.getOrDefault(text.substring(i + 2, end), ""));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    /** Parses an Environment= value ({@code A=1 "B=two words"}) into {@code into}. */
    static void environment(String value, Map<String, String> into) {
        for (String word : split(value)) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                into.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
    }

    /** Parses an EnvironmentFile= file's content. */
    static Map<String, String> environmentFile(String content) {
        Map<String, String> env = new LinkedHashMap<>();
        String joined = content.replace("\\\n", "");
        for (String raw : joined.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = line.substring(0, eq).strip();
            String val = line.substring(eq + 1).strip();
            if (val.length() >= 2 && (val.charAt(0) == '"' || val.charAt(0) == '\'')
                    && val.charAt(val.length() - 1) == val.charAt(0)) {
                val = val.charAt(0) == '"' ? unescape(val.substring(1, val.length() - 1))
                        : val.substring(1, val.length() - 1);
            }
            env.put(key, val);
        }
        return env;
    }
}
