package dev.charms.runner.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary framing spoken on a unit's agent socket between the C client ({@code runner/src/main/c/jujuc.c})
 * and {@link AgentSocketServer}.
 *
 * <p>All integers are unsigned 32-bit big-endian; {@code str} and {@code bytes} are a u32 length
 * followed by that many raw bytes (strings are UTF-8, but any byte sequence is carried unchanged):
 * <pre>
 *   request  = "JLR1" str(tool) u32(argc) str(arg)*argc u32(envc) (str(name) str(value))*envc str(cwd)
 *              u8(hasStdin) [bytes(stdin) if hasStdin == 1]
 *   response = "JLR1" u32(code, two's complement) bytes(stdout) bytes(stderr)
 * </pre>
 * A connection carries one request, or two when the first answer has code
 * {@link ToolResponse#NEEDS_STDIN_CODE}: the client then sends the same request again with its
 * standard input attached. Every field is limited to {@link #MAX_FIELD} bytes and counts to
 * {@link #MAX_COUNT}, so a corrupt peer cannot make the server allocate without bound.
 */
public final class AgentWireFormat {
    static final byte[] MAGIC = "JLR1".getBytes(StandardCharsets.US_ASCII);
    /** Largest single field (argument, stdin, stdout, ...), matching the C client. */
    public static final int MAX_FIELD = 256 * 1024 * 1024;
    /** Largest argument or environment count. */
    public static final int MAX_COUNT = 1 << 20;

    private AgentWireFormat() {
    }

    /** Reads one request; returns {@code null} on a clean end of stream before the first byte. */
    public static ToolRequest readRequest(InputStream in, String unit) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int first = data.read();
        if (first < 0) {
            return null;
        }
        byte[] magic = new byte[MAGIC.length];
        magic[0] = (byte) first;
        data.readFully(magic, 1, magic.length - 1);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an agent-socket request (bad magic)");
        }
        String tool = readString(data);
        int argc = readCount(data, "argument");
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) {
            args.add(readString(data));
        }
        int envc = readCount(data, "environment");
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < envc; i++) {
            String name = readString(data);
            env.put(name, readString(data));
        }
        String cwd = readString(data);
        int hasStdin = data.readUnsignedByte();
        byte[] stdin = switch (hasStdin) {
            case 0 -> null;
            case 1 -> readBytes(data);
            default -> throw new IOException("bad stdin flag " + hasStdin);
        };
        return new ToolRequest(unit, tool, args, env, cwd, stdin);
    }

    /** Writes one request (used by tests and by Java callers of the socket). */
    public static void writeRequest(OutputStream out, ToolRequest request) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(buffer);
        data.write(MAGIC);
        writeBytes(data, request.tool().getBytes(StandardCharsets.UTF_8));
        data.writeInt(request.args().size());
        for (String arg : request.args()) {
            writeBytes(data, arg.getBytes(StandardCharsets.UTF_8));
        }
        data.writeInt(request.env().size());
        for (Map.Entry<String, String> e : request.env().entrySet()) {
            writeBytes(data, e.getKey().getBytes(StandardCharsets.UTF_8));
            writeBytes(data, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        writeBytes(data, request.cwd().getBytes(StandardCharsets.UTF_8));
        if (request.stdin() == null) {
            data.writeByte(0);
        } else {
            data.writeByte(1);
            writeBytes(data, request.stdin());
        }
        out.write(buffer.toByteArray());
        out.flush();
    }

    /** Writes one response. */
    public static void writeResponse(OutputStream out, ToolResponse response) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(
                16 + response.stdout().length + response.stderr().length);
        DataOutputStream data = new DataOutputStream(buffer);
        data.write(MAGIC);
        data.writeInt(response.code());
        writeBytes(data, response.stdout());
        writeBytes(data, response.stderr());
        out.write(buffer.toByteArray());
        out.flush();
    }

    /** Reads one response. */
    public static ToolResponse readResponse(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        data.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an agent-socket response (bad magic)");
        }
        int code = data.readInt();
        return new ToolResponse(code, readBytes(data), readBytes(data));
    }

    private static int readCount(DataInputStream data, String what) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > MAX_COUNT) {
            throw new IOException("bad " + what + " count " + Integer.toUnsignedString(n));
        }
        return n;
    }

    private static String readString(DataInputStream data) throws IOException {
        return new String(readBytes(data), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(DataInputStream data) throws IOException {
        int n = data.readInt();
        if (n < 0 || n > MAX_FIELD) {
            throw new IOException("bad field length " + Integer.toUnsignedString(n));
        }
        byte[] bytes = new byte[n];
        try {
            data.readFully(bytes);
        } catch (EOFException e) {
            throw new EOFException("connection closed inside a " + n + "-byte field");
        }
        return bytes;
    }

    private static void writeBytes(DataOutputStream data, byte[] bytes) throws IOException {
        data.writeInt(bytes.length);
        data.write(bytes);
    }
}
