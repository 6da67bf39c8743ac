package dev.charms.runner.machine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of one model's network: the bridge {@code jlr-<tag>} with address 10.213.X.1/24, and
 * the names of each machine's veth pair and network namespace. {@code tag} is 6 hex digits of the
 * model id's SHA-256 (interface names are limited to 15 characters); the bridge's alias holds the model
 * id for people reading {@code ip link}. X starts at a value derived from the model id and moves on
 * when another bridge already uses that subnet, under a host-wide lock so concurrent runners agree.
 */
final class ModelNetwork {
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    private static final Path LOCK_FILE = Path.of("/run/lock/jlr-network.lock");
    private static final Pattern BRIDGE_ADDRESS = Pattern.compile("inet 10\\.213\\.(\\d+)\\.1/24");

    private final String model;
    private final String tag;

    ModelNetwork(String model) {
        this.model = checkModelId(model);
        this.tag = tagOf(model);
    }

    /** Rejects model ids that cannot be used in host names and file names. */
    static String checkModelId(String model) {
        if (model == null || !MODEL_ID.matcher(model).matches()) {
            throw new IllegalArgumentException("invalid model id \"" + model
                    + "\": use 1-40 lowercase letters, digits and inner dashes");
        }
        return model;
    }

    private static String tagOf(String model) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(model.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    String model() {
        return model;
    }

    String bridge() {
        return "jlr-" + tag;
    }

    String hostVeth(int machine) {
        return "jlr" + tag + "h" + machine;
    }

    String peerVeth(int machine) {
        return "jlr" + tag + "p" + machine;
    }

    String netns(int machine) {
        return "jlr-" + tag + "-" + machine;
    }

    static String address(int subnet, int machine) {
        return "10.213." + subnet + "." + (11 + machine);
    }

    /** Highest machine number that still gets an address in the /24. */
    static int maxMachine() {
        return 254 - 11;
    }

    /** The bridge's subnet octet X, if the bridge exists. */
    Optional<Integer> existingSubnet() throws IOException {
        HostCommand.Result result = HostCommand.quietly("ip", "-4", "-o", "addr", "show", "dev", bridge());
        if (!result.ok()) {
            return Optional.empty();
        }
        Matcher m = BRIDGE_ADDRESS.matcher(result.stdout());
        if (!m.find()) {
            throw new IOException("bridge " + bridge() + " of model " + model + " exists without a 10.213.X.1/24 address");
        }
        return Optional.of(Integer.parseInt(m.group(1)));
    }

    /** Creates the bridge if needed (with a subnet no other bridge uses) and returns its subnet octet. */
    int ensureBridge() throws IOException {
        Files.createDirectories(LOCK_FILE.getParent());
        try (FileChannel channel = FileChannel.open(LOCK_FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Optional<Integer> existing = existingSubnet();
            if (existing.isPresent()) {
                HostCommand.run("ip", "link", "set", bridge(), "up");
                return existing.get();
            }
            int subnet = freeSubnet();
            HostCommand.run("ip", "link", "add", bridge(), "type", "bridge");
            try {
                HostCommand.run("ip", "link", "set", "dev", bridge(), "alias", "jlr model " + model);
                // A bridge whose address was never set takes the lowest of its ports' addresses, so a machine
                // added later could change it under the units' ARP caches and cut them off from the host's
                // address (10.213.X.1) until those entries expire. A set address stays.
                HostCommand.run("ip", "link", "set", "dev", bridge(), "address", String.format("02:6a:6c:72:00:%02x", subnet));
                HostCommand.run("ip", "addr", "add", "10.213." + subnet + ".1/24", "dev", bridge());
                HostCommand.run("ip", "link", "set", bridge(), "up");
            } catch (IOException e) {
                HostCommand.quietly("ip", "link", "del", bridge());
                throw e;
            }
            return subnet;
        }
    }

    private int freeSubnet() throws IOException {
        String used = HostCommand.run("ip", "-4", "-o", "addr", "show");
        int start = Byte.toUnsignedInt(HexFormat.of().parseHex(tag)[0]) % 254 + 1;
        for (int i = 0; i < 254; i++) {
            int candidate = (start - 1 + i) % 254 + 1;
            if (!used.contains(" 10.213." + candidate + ".")) {
                return candidate;
            }
        }
        throw new IOException("no free 10.213.X.0/24 subnet left for model " + model + " (254 models running?)");
    }

    /** Deletes the bridge (no-op when absent). */
    void deleteBridge() {
        HostCommand.quietly("ip", "link", "del", bridge());
    }
}
