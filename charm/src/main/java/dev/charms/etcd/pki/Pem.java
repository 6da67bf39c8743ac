package dev.charms.etcd.pki;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal PEM (RFC 7468) encoding and strict decoding, using only JDK classes. */
final class Pem {
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final int LINE_LENGTH = 64;

    /** One decoded PEM block. */
    record Block(String label, boolean encrypted, byte[] der) {
    }

    private Pem() {
    }

    /** Encodes {@code der} as a PEM block with the given label, lines of 64 characters, ending in a newline. */
    static String encode(String label, byte[] der) {
        String base64 = Base64.getEncoder().encodeToString(der);
        StringBuilder out = new StringBuilder(base64.length() + 80);
        out.append("-----BEGIN ").append(label).append("-----\n");
        for (int i = 0; i < base64.length(); i += LINE_LENGTH) {
            out.append(base64, i, Math.min(base64.length(), i + LINE_LENGTH)).append('\n');
        }
        return out.append("-----END ").append(label).append("-----\n").toString();
    }

    /**
     * Decodes the single PEM block in {@code text}, which must carry one of {@code labels}.
     *
     * @param what names the input in error messages, e.g. "CA certificate"
     * @throws PkiException if there is no block, more than one, or it is malformed; the message never
     *                      contains the input
     */
    static Block decodeOne(String text, String what, String... labels) {
        List<Block> blocks = decodeAll(text, what);
        if (blocks.isEmpty()) {
            throw new PkiException(what + " is not PEM: no '-----BEGIN " + String.join("/", labels) + "-----' block");
        }
        if (blocks.size() > 1) {
            throw new PkiException(what + " must contain exactly one PEM block, found " + blocks.size());
        }
        Block block = blocks.get(0);
        for (String label : labels) {
            if (label.equals(block.label())) {
                return block;
            }
        }
        throw new PkiException(what + " has a '" + block.label() + "' PEM block, expected "
                + String.join(" or ", labels));
    }

    /** Decodes every PEM block in {@code text}, ignoring text between blocks. */
    static List<Block> decodeAll(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new PkiException(what + " is empty");
        }
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher begin = BEGIN.matcher(lines[i].strip());
            if (!begin.matches()) {
                continue;
            }
            String label = begin.group(1);
            String end = "-----END " + label + "-----";
            StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals(end); j++) {
                String line = lines[j].strip();
                if (line.contains(":")) {
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                } else {
                    base64.append(line);
                }
            }
            if (j == lines.length) {
                throw new PkiException(what + " is truncated: '" + end + "' not found");
            }
            blocks.add(new Block(label, encrypted, decodeBase64(base64.toString(), what)));
            i = j;
        }
        return blocks;
    }

    private static byte[] decodeBase64(String base64, String what) {
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            if (der.length == 0) {
                throw new PkiException(what + " has an empty PEM block");
            }
            return der;
        } catch (IllegalArgumentException e) {
            throw new PkiException(what + " has invalid base64 inside its PEM block");
        }
    }
}
