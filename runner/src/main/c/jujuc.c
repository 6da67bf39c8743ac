/*
 * jujuc: the local runner's hook-tool client. One binary, symlinked under every hook tool name
 * (relation-get, status-set, ..., systemctl, journalctl). It forwards the call to the unit's agent
 * socket and replays the answer: stdout, stderr and the exit code.
 *
 * Socket: $JUJU_AGENT_SOCKET_ADDRESS, or when unset the ".agent.socket" link in the directory that
 * holds the tool symlink (argv[0]'s directory, or the first PATH entry holding argv[0]).
 *
 * Framing (all integers unsigned 32-bit big-endian; str/bytes = u32 length + raw bytes):
 *   request  = "JLR1" str(tool) u32(argc) str(arg)* u32(envc) (str(name) str(value))* str(cwd)
 *              u8(has_stdin) [bytes(stdin)]
 *   response = "JLR1" u32(code, two's complement) bytes(stdout) bytes(stderr)
 * A response code of -100 means "send the request again with stdin" (on the same connection).
 * The Java side is dev.charms.runner.agent.AgentSocketServer / AgentWireFormat.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NEEDS_STDIN_CODE (-100)
#define MAX_FIELD (256u * 1024u * 1024u)

extern char **environ;

static const char *tool_name = "jujuc";

struct buf {
    unsigned char *data;
    size_t len;
    size_t cap;
};

static void fail(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "ERROR %s: ", tool_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void buf_reserve(struct buf *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p) fail("out of memory");
    b->data = p;
    b->cap = cap;
}

static void buf_put(struct buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_u32(struct buf *b, uint32_t v) {
    unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                           (unsigned char)v};
    buf_put(b, be, 4);
}

static void buf_bytes(struct buf *b, const void *p, size_t n) {
    if (n > MAX_FIELD) fail("argument or input too large (%zu bytes)", n);
    buf_u32(b, (uint32_t)n);
    buf_put(b, p, n);
}

static void buf_str(struct buf *b, const char *s) { buf_bytes(b, s, strlen(s)); }

static int write_all(int fd, const void *p, size_t n) {
    const unsigned char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads exactly n bytes; -1 on error or early end of stream. */
static int read_all(int fd, void *p, size_t n) {
    unsigned char *c = p;
    while (n > 0) {
        ssize_t r = read(fd, c, n);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) {
            errno = EPIPE;
            return -1;
        }
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

static void read_stdin(struct buf *b) {
    for (;;) {
        buf_reserve(b, 65536);
        ssize_t r = read(0, b->data + b->len, b->cap - b->len);
        if (r < 0) {
            if (errno == EINTR) continue;
            fail("cannot read standard input: %s", strerror(errno));
        }
        if (r == 0) return;
        b->len += (size_t)r;
        if (b->len > MAX_FIELD) fail("standard input too large");
    }
}

static int wanted_env(const char *entry) {
    if (strncmp(entry, "JUJU_", 5) == 0) return 1;
    static const char *const names[] = {"CHARM_DIR=", "PATH=", "HOME="};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strncmp(entry, names[i], strlen(names[i])) == 0) return 1;
    }
    return 0;
}

/* Directory holding the tool symlink we were started through (not resolved). */
static char *tool_dir(const char *argv0) {
    const char *slash = strrchr(argv0, '/');
    if (slash) {
        size_t n = slash == argv0 ? 1 : (size_t)(slash - argv0);
        return strndup(argv0, n);
    }
    const char *path = getenv("PATH");
    if (!path) return NULL;
    char *copy = strdup(path);
    if (!copy) fail("out of memory");
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char candidate[PATH_MAX];
        if (snprintf(candidate, sizeof candidate, "%s/%s", dir, argv0) >= (int)sizeof candidate) continue;
        if (access(candidate, X_OK) == 0) {
            char *found = strdup(dir);
            free(copy);
            return found;
        }
    }
    free(copy);
    return NULL;
}

static char *socket_path(const char *argv0) {
    const char *env = getenv("JUJU_AGENT_SOCKET_ADDRESS");
    if (env && *env) return strdup(env);
    char *dir = tool_dir(argv0);
    if (!dir) fail("JUJU_AGENT_SOCKET_ADDRESS is not set and the tool directory of %s is unknown", argv0);
    char *link;
    if (asprintf(&link, "%s/.agent.socket", dir) < 0) fail("out of memory");
    free(dir);
    return link;
}

static int connect_to(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) fail("agent socket path too long: %s", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("cannot create socket: %s", strerror(errno));
    while (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        if (errno == EINTR) continue;
        fail("cannot connect to agent socket %s: %s", path, strerror(errno));
    }
    return fd;
}

static void build_request(struct buf *b, int argc, char **argv, const char *cwd, const struct buf *in) {
    b->len = 0;
    buf_put(b, "JLR1", 4);
    buf_str(b, tool_name);
    buf_u32(b, (uint32_t)(argc - 1));
    for (int i = 1; i < argc; i++) buf_str(b, argv[i]);
    uint32_t envc = 0;
    for (char **e = environ; *e; e++) {
        if (wanted_env(*e) && strchr(*e, '=')) envc++;
    }
    buf_u32(b, envc);
    for (char **e = environ; *e; e++) {
        if (!wanted_env(*e)) continue;
        char *eq = strchr(*e, '=');
        if (!eq) continue;
        buf_bytes(b, *e, (size_t)(eq - *e));
        buf_str(b, eq + 1);
    }
    buf_str(b, cwd);
    if (in) {
        unsigned char one = 1;
        buf_put(b, &one, 1);
        buf_bytes(b, in->data, in->len);
    } else {
        unsigned char zero = 0;
        buf_put(b, &zero, 1);
    }
}

static uint32_t read_u32(int fd, const char *path) {
    unsigned char be[4];
    if (read_all(fd, be, 4) < 0) fail("agent socket %s closed the connection: %s", path, strerror(errno));
    return ((uint32_t)be[0] << 24) | ((uint32_t)be[1] << 16) | ((uint32_t)be[2] << 8) | be[3];
}

static void read_field(int fd, const char *path, struct buf *out) {
    uint32_t n = read_u32(fd, path);
    if (n > MAX_FIELD) fail("bad answer from agent socket %s (field of %u bytes)", path, n);
    out->len = 0;
    buf_reserve(out, n);
    if (read_all(fd, out->data, n) < 0) fail("agent socket %s closed the connection: %s", path, strerror(errno));
    out->len = n;
}

static int32_t call(int fd, const char *path, const struct buf *req, struct buf *out, struct buf *err) {
    if (write_all(fd, req->data, req->len) < 0) fail("cannot write to agent socket %s: %s", path, strerror(errno));
    unsigned char magic[4];
    if (read_all(fd, magic, 4) < 0) fail("agent socket %s closed the connection: %s", path, strerror(errno));
    if (memcmp(magic, "JLR1", 4) != 0) fail("bad answer from agent socket %s", path);
    int32_t code = (int32_t)read_u32(fd, path);
    read_field(fd, path, out);
    read_field(fd, path, err);
    return code;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    const char *argv0 = argc > 0 && argv[0] ? argv[0] : "jujuc";
    const char *slash = strrchr(argv0, '/');
    tool_name = slash ? slash + 1 : argv0;

    char *path = socket_path(argv0);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) cwd[0] = '\0';

    struct buf req = {0}, out = {0}, err = {0};
    build_request(&req, argc, argv, cwd, NULL);
    int fd = connect_to(path);
    int32_t code = call(fd, path, &req, &out, &err);
    if (code == NEEDS_STDIN_CODE) {
        struct buf in = {0};
        read_stdin(&in);
        build_request(&req, argc, argv, cwd, &in);
        code = call(fd, path, &req, &out, &err);
        if (code == NEEDS_STDIN_CODE) fail("agent socket %s asked for standard input twice", path);
    }
    close(fd);
    if (write_all(1, out.data, out.len) < 0 && errno != EPIPE) code = code ? code : 1;
    write_all(2, err.data, err.len);
    return code & 0xff;
}
