/*
 * sockbench, written differently (a correct variant for the grader's own
 * tests): the child comes from clone(fn, stack, SIGCHLD) (a fork by
 * another name: no CLONE_THREAD, no shared memory); stream sockets are read
 * with recv(MSG_WAITALL), in a loop all the same; the Unix socket files are
 * relative paths in the working directory, removed once connected; UDP
 * throughput ends on the last datagram or after a second of silence, with
 * no end marker; p99 is interpolated at (n + 1) x 0.99.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const prog = "sockbench";

/* The contract's limits and defaults. */
#define MAX_COUNT 10000000L
#define MAX_LATENCY_SIZE 65507L   /* the largest UDP payload over IPv4 */
#define MAX_STREAM_SIZE 67108864L /* 64 MiB */
#define MAX_MESSAGE_SIZE 65536L   /* uds-dgram and uds-seqpacket throughput */
#define MIN_UDP_SIZE 8L           /* room for the sequence number */
#define LATENCY_SIZE 64L
#define LATENCY_COUNT 10000L
#define THROUGHPUT_SIZE 65536L
#define THROUGHPUT_COUNT 4096L

#define PATTERN_PERIOD 251 /* byte o of a run is o % 251 */
#define READ_CHUNK 65536   /* the least a throughput reader asks for */
#define WAIT_MS 1000       /* the parent's receive timeout */
#define SEQ_BYTES 8        /* a UDP datagram's sequence number */

/* What the I/O functions return besides a byte count. */
enum { OK = 0, FAILED = -1, TIMED_OUT = -2, PEER_GONE = -3 };

enum mode { LATENCY, THROUGHPUT };

enum transport_id { UDS_STREAM, UDS_SEQPACKET, UDS_DGRAM, TCP, UDP, SOCKETPAIR, PIPE };

struct transport {
    const char *name;
    bool stream;   /* bytes without boundaries: read until a message is whole */
    bool udp;      /* datagrams may be lost */
    long min_size; /* SIZE limits in throughput mode */
    long max_size;
};

static const struct transport transports[] = {
    [UDS_STREAM] = { "uds-stream", true, false, 1, MAX_STREAM_SIZE },
    [UDS_SEQPACKET] = { "uds-seqpacket", false, false, 1, MAX_MESSAGE_SIZE },
    [UDS_DGRAM] = { "uds-dgram", false, false, 1, MAX_MESSAGE_SIZE },
    [TCP] = { "tcp", true, false, 1, MAX_STREAM_SIZE },
    [UDP] = { "udp", false, true, MIN_UDP_SIZE, MAX_LATENCY_SIZE },
    [SOCKETPAIR] = { "socketpair", true, false, 1, MAX_STREAM_SIZE },
    [PIPE] = { "pipe", true, false, 1, MAX_STREAM_SIZE },
};

#define TRANSPORTS (sizeof transports / sizeof transports[0])

struct options {
    bool json;
    enum transport_id transport;
    enum mode mode;
    size_t size;
    long count;
};

/* One process's end of the transport: the same socket twice, or two pipes. */
struct end {
    int in;  /* read from here */
    int out; /* write here */
};

struct bench {
    struct options opt;
    const struct transport *t;
    struct end parent, child;
    bool is_parent;        /* false in the child */
    pid_t child_pid;
    pid_t parent_pid;
    int child_status;      /* from waitpid, once child_reaped */
    bool child_reaped;
    unsigned char *pattern; /* pattern[k] == k % PATTERN_PERIOD */
    unsigned char *buf;     /* what arrives */
    size_t buf_size;
};

/* What the parent measured. */
struct result {
    double median_us, p99_us;   /* latency */
    uint64_t bytes;             /* throughput */
    double seconds;
    long lost;                  /* udp throughput */
};

static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/*
 * SIGINT and SIGTERM set a flag. Without SA_RESTART a blocking read or
 * write returns EINTR, so the loops see the flag at once; if the signal
 * lands just before a blocking call, that call still returns soon, as the
 * other process keeps the traffic going (or the parent's 1 s receive
 * timeout ends it). SIGPIPE is ignored: a write to a vanished reader is an
 * error (EPIPE) we report, not a silent death.
 */
static int install_signals(void)
{
    struct sigaction sa = { .sa_handler = request_stop };
    sigemptyset(&sa.sa_mask);
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1 ||
        sigaction(SIGPIPE, &ignore, NULL) == -1) {
        fprintf(stderr, "%s: sigaction: %s\n", prog, strerror(errno));
        return -1;
    }
    return 0;
}

/* Print "sockbench: WHAT: strerror(errno)", unless a stop signal is the
 * cause (then we just wind down). Returns FAILED. */
static int report(const char *what)
{
    if (!stop_requested)
        fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
    return FAILED;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with a valid clock */
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s [--json] TRANSPORT MODE [SIZE] [COUNT]\n"
            "  TRANSPORT  uds-stream, uds-seqpacket, uds-dgram, tcp, udp, socketpair or pipe\n"
            "  MODE       latency (SIZE 1-65507, default 64; COUNT default 10000) or\n"
            "             throughput (SIZE 1-67108864 on streams, 1-65536 on uds-dgram and\n"
            "             uds-seqpacket, 8-65507 on udp; default 65536, 65507 on udp;\n"
            "             COUNT default 4096); COUNT 1-10000000\n",
            prog);
}

/* A number of decimal digits only, from 1 to max. */
static bool parse_number(const char *text, long max, long *value)
{
    long v = 0;
    if (*text == '\0' || strlen(text) > 9)
        return false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > max)
        return false;
    *value = v;
    return true;
}

/*
 * the arguments [05-lifecycle#errors-and-exit-statuses]:
 * [--json] TRANSPORT MODE [SIZE] [COUNT]. TRANSPORT is the name of one of
 * transports[] (its index goes in o->transport), MODE "latency" or
 * "throughput". Defaults: latency SIZE 64, COUNT 10000; throughput SIZE
 * 65536 (65507 on udp), COUNT 4096. SIZE is 1-65507 in latency mode, and
 * t->min_size to t->max_size in throughput mode; COUNT 1-10000000 (use
 * parse_number). Returns 0, or -1 for anything else (main prints the usage).
 */
/* Fill in o from the command line; -1 for a usage error. */
static int parse_options(int argc, char *argv[], struct options *o)
{
    int i = 1;
    o->json = i < argc && strcmp(argv[i], "--json") == 0;
    if (o->json)
        i++;
    int left = argc - i;
    if (left < 2 || left > 4)
        return -1;
    size_t t = 0;
    while (t < TRANSPORTS && strcmp(argv[i], transports[t].name) != 0)
        t++;
    if (t == TRANSPORTS)
        return -1;
    o->transport = (enum transport_id)t;
    if (strcmp(argv[i + 1], "latency") == 0)
        o->mode = LATENCY;
    else if (strcmp(argv[i + 1], "throughput") == 0)
        o->mode = THROUGHPUT;
    else
        return -1;

    long min = 1, max = MAX_LATENCY_SIZE, size = LATENCY_SIZE, count = LATENCY_COUNT;
    if (o->mode == THROUGHPUT) {
        min = transports[t].min_size;
        max = transports[t].max_size;
        size = transports[t].udp ? MAX_LATENCY_SIZE : THROUGHPUT_SIZE;
        count = THROUGHPUT_COUNT;
    }
    if (left >= 3 && (!parse_number(argv[i + 2], max, &size) || size < min))
        return -1;
    if (left == 4 && !parse_number(argv[i + 3], MAX_COUNT, &count))
        return -1;
    o->size = (size_t)size;
    o->count = count;
    return 0;
}

/* --- The pattern every byte is checked against ---------------------------- */

/* pattern[k] = k % PATTERN_PERIOD for k < len + PATTERN_PERIOD, so that
 * pattern_at(offset) gives len bytes of the run from any offset. */
static unsigned char *make_pattern(size_t len)
{
    size_t total = len + PATTERN_PERIOD;
    unsigned char *p = malloc(total);
    if (p == NULL)
        return NULL;
    for (size_t k = 0; k < PATTERN_PERIOD; k++)
        p[k] = (unsigned char)k;
    /* Copy what is there onto what follows: done stays a multiple of the
     * period, so the copy continues the pattern. */
    for (size_t done = PATTERN_PERIOD; done < total;) {
        size_t n = done < total - done ? done : total - done;
        memcpy(p + done, p, n);
        done += n;
    }
    return p;
}

/* The bytes the run carries from offset on (at most buf_size of them). */
static const unsigned char *pattern_at(const struct bench *b, uint64_t offset)
{
    return b->pattern + offset % PATTERN_PERIOD;
}

/* Compare len received bytes with the run's bytes at offset. */
static int check_bytes(const struct bench *b, const unsigned char *got, size_t len, uint64_t offset)
{
    const unsigned char *want = pattern_at(b, offset);
    if (memcmp(got, want, len) == 0)
        return OK;
    size_t k = 0;
    while (got[k] == want[k])
        k++;
    fprintf(stderr, "%s: data mismatch at byte %" PRIu64 " of the run: expected %u, got %u\n",
            prog, offset + k, want[k], got[k]);
    return FAILED;
}

/* --- The transports: both ends made in one process --------------------------- */

static void close_end(struct end *e)
{
    if (e->in != -1)
        close(e->in);
    if (e->out != -1 && e->out != e->in)
        close(e->out);
    e->in = e->out = -1;
}

/* Both ends are the two sockets a and b. */
static void set_ends(struct bench *b, int parent_fd, int child_fd)
{
    b->parent = (struct end){ parent_fd, parent_fd };
    b->child = (struct end){ child_fd, child_fd };
}

/* A socket of type bound to addr; -1 on error (reported). */
static int bound_socket(int domain, int type, const struct sockaddr *addr, socklen_t len)
{
    int fd = socket(domain, type | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        report("socket");
        return -1;
    }
    if (bind(fd, addr, len) == -1) {
        report("bind");
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Unix sockets at a private path
 * [02-domains#the-unix-domain 03-types#sequenced-packet-sockets 06-datagrams#unix-datagram-sockets].
 * Make both ends in this process, before the fork; make_private_dir,
 * unix_address and bound_socket are given. For SOCK_STREAM and
 * SOCK_SEQPACKET: bind a listening socket to DIR/p, connect a second
 * socket to it (the kernel queues the connection, so connect returns
 * before accept), accept: the parent gets the accepted socket, the child
 * the connected one (set_ends). For SOCK_DGRAM there is no accept: bind two
 * sockets (DIR/p and DIR/c) and connect each to the other. Then unlink the
 * files and remove DIR at once: connected sockets no longer need their
 * names, and a run that is killed leaves nothing behind. Errors: report
 * and return FAILED, closing what you opened and removing what you made.
 */
/* A listener at path, a socket connected to it, and the accepted one. */
static int connect_listening(struct bench *b, int type, const struct sockaddr_un *addr)
{
    int listener = bound_socket(AF_UNIX, type, (const struct sockaddr *)addr, sizeof *addr);
    if (listener == -1)
        return FAILED;
    int client = -1, server = -1;
    if (listen(listener, 1) == -1)
        report("listen");
    else if ((client = socket(AF_UNIX, type | SOCK_CLOEXEC, 0)) == -1)
        report("socket");
    else if (connect(client, (const struct sockaddr *)addr, sizeof *addr) == -1)
        report("connect");
    else if ((server = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) == -1)
        report("accept");
    close(listener);
    if (server == -1) {
        if (client != -1)
            close(client);
        return FAILED;
    }
    set_ends(b, server, client);
    return OK;
}

/* Two datagram sockets, bound to parent_addr and child_addr, connected
 * to each other: each then sends with write and hears only the other. */
static int connect_datagram(struct bench *b, const struct sockaddr_un *parent_addr,
                            const struct sockaddr_un *child_addr)
{
    socklen_t len = sizeof(struct sockaddr_un);
    int p = bound_socket(AF_UNIX, SOCK_DGRAM, (const struct sockaddr *)parent_addr, len);
    int c = p == -1 ? -1 : bound_socket(AF_UNIX, SOCK_DGRAM, (const struct sockaddr *)child_addr, len);
    if (c == -1 || connect(p, (const struct sockaddr *)child_addr, len) == -1 ||
        connect(c, (const struct sockaddr *)parent_addr, len) == -1) {
        if (c != -1)
            report("connect");
        if (p != -1)
            close(p);
        if (c != -1)
            close(c);
        return FAILED;
    }
    set_ends(b, p, c);
    return OK;
}

static int open_unix(struct bench *b, int type)
{
    struct sockaddr_un parent_addr = { .sun_family = AF_UNIX }, child_addr = { .sun_family = AF_UNIX };
    snprintf(parent_addr.sun_path, sizeof parent_addr.sun_path, "sockbench-%d-p.sock", (int)getpid());
    snprintf(child_addr.sun_path, sizeof child_addr.sun_path, "sockbench-%d-c.sock", (int)getpid());
    int status = type == SOCK_DGRAM ? connect_datagram(b, &parent_addr, &child_addr)
                                    : connect_listening(b, type, &parent_addr);
    unlink(parent_addr.sun_path);
    unlink(child_addr.sun_path);
    return status;
}

/*
 * TCP and UDP on 127.0.0.1
 * [04-addresses#ports-and-ephemeral-ports 05-lifecycle#nagle-and-delayed-acks 06-datagrams#connected-udp].
 * Both ends in this process, as in TODO 2. Bind to 127.0.0.1 port 0: the kernel
 * picks a free (ephemeral) port, and getsockname tells you which. TCP: a
 * listener, a socket connected to it, the accepted one; in latency mode
 * set TCP_NODELAY on both connected sockets, or Nagle's algorithm may hold
 * a small message back. UDP: two bound sockets, each connected to the
 * other. Errors: report, close what you opened, return FAILED.
 */
/* A socket of type bound to 127.0.0.1 and a port the kernel picks; its
 * address in addr. */
static int loopback_socket(int type, struct sockaddr_in *addr)
{
    *addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = bound_socket(AF_INET, type, (const struct sockaddr *)addr, sizeof *addr);
    socklen_t len = sizeof *addr;
    if (fd != -1 && getsockname(fd, (struct sockaddr *)addr, &len) == -1) {
        report("getsockname");
        close(fd);
        return -1;
    }
    return fd;
}

/* Nagle's algorithm holds a small segment back while an earlier one is
 * unacknowledged: in a ping-pong that can cost a delayed ACK per trip. */
static int set_nodelay(int fd)
{
    int on = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == -1)
        return report("setsockopt TCP_NODELAY");
    return OK;
}

static int open_tcp(struct bench *b)
{
    struct sockaddr_in addr;
    int listener = loopback_socket(SOCK_STREAM, &addr);
    if (listener == -1)
        return FAILED;
    int client = -1, server = -1;
    if (listen(listener, 1) == -1)
        report("listen");
    else if ((client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
        report("socket");
    else if (connect(client, (struct sockaddr *)&addr, sizeof addr) == -1)
        report("connect");
    else if ((server = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) == -1)
        report("accept");
    close(listener);
    if (server != -1 && b->opt.mode == LATENCY &&
        (set_nodelay(server) == FAILED || set_nodelay(client) == FAILED)) {
        close(server);
        server = -1;
    }
    if (server == -1) {
        if (client != -1)
            close(client);
        return FAILED;
    }
    set_ends(b, server, client);
    return OK;
}

static int open_udp(struct bench *b)
{
    struct sockaddr_in parent_addr, child_addr;
    int p = loopback_socket(SOCK_DGRAM, &parent_addr);
    int c = p == -1 ? -1 : loopback_socket(SOCK_DGRAM, &child_addr);
    if (c == -1 || connect(p, (struct sockaddr *)&child_addr, sizeof child_addr) == -1 ||
        connect(c, (struct sockaddr *)&parent_addr, sizeof parent_addr) == -1) {
        if (c != -1)
            report("connect");
        if (p != -1)
            close(p);
        if (c != -1)
            close(c);
        return FAILED;
    }
    set_ends(b, p, c);
    return OK;
}

/*
 * socketpair and pipes [08-unix-superpowers#socketpair]. A
 * socketpair(AF_UNIX, SOCK_STREAM) is two connected sockets in one call:
 * one for each process. A pipe carries bytes one way only, so the pipe
 * transport uses two: parent to child and child to parent (b->parent.out
 * is the first pipe's write end, b->child.in its read end, and so on).
 */
static int open_socketpair(struct bench *b)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
        return report("socketpair");
    set_ends(b, sv[0], sv[1]);
    return OK;
}

static int open_pipes(struct bench *b)
{
    int down[2], up[2]; /* parent to child, child to parent */
    if (pipe2(down, O_CLOEXEC) == -1)
        return report("pipe");
    if (pipe2(up, O_CLOEXEC) == -1) {
        close(down[0]);
        close(down[1]);
        return report("pipe");
    }
    b->parent = (struct end){ .in = up[0], .out = down[1] };
    b->child = (struct end){ .in = down[0], .out = up[1] };
    return OK;
}

static int open_transport(struct bench *b)
{
    switch (b->opt.transport) {
    case UDS_STREAM: return open_unix(b, SOCK_STREAM);
    case UDS_SEQPACKET: return open_unix(b, SOCK_SEQPACKET);
    case UDS_DGRAM: return open_unix(b, SOCK_DGRAM);
    case TCP: return open_tcp(b);
    case UDP: return open_udp(b);
    case SOCKETPAIR: return open_socketpair(b);
    case PIPE: return open_pipes(b);
    }
    return FAILED;
}

/* --- Reading and writing ------------------------------------------------------ */

/* The parent learns that the child has ended (without blocking). */
static bool child_exited(struct bench *b)
{
    if (!b->child_reaped && waitpid(b->child_pid, &b->child_status, WNOHANG) == b->child_pid)
        b->child_reaped = true;
    return b->child_reaped;
}

/*
 * One read of at most len bytes. EINTR is retried unless a stop signal
 * asked us to wind down. Returns the byte count (0 at end of file),
 * PEER_GONE when the other process has gone, TIMED_OUT when the parent's
 * UDP socket heard nothing for WAIT_MS (the caller decides what that
 * means), or FAILED. On the other transports the parent's timeout only
 * means "check that the child still lives".
 */
static ssize_t read_some(struct bench *b, int fd, void *buf, size_t len)
{
    for (;;) {
        bool stream_socket = b->t->stream && b->opt.transport != PIPE;
        ssize_t n = stream_socket ? recv(fd, buf, len, MSG_WAITALL) : read(fd, buf, len);
        if (n >= 0)
            return n;
        if (errno == EINTR && !stop_requested)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (b->t->udp)
                return TIMED_OUT;
            if (b->is_parent && child_exited(b))
                return PEER_GONE;
            continue;
        }
        if (errno == ECONNRESET || errno == ECONNREFUSED)
            return PEER_GONE;
        return report("read");
    }
}

/*
 * whole messages
 * [05-lifecycle#short-reads-and-short-writes 06-datagrams#message-size-and-truncation 05-lifecycle#vanished-peers-and-sigpipe].
 * write_all: write len bytes, however many calls that takes (EINTR: go on
 * unless stop_requested); EPIPE, ECONNRESET or ECONNREFUSED mean the other
 * process has gone: PEER_GONE. receive_message: one SIZE-byte message into
 * b->buf with read_some. On a stream a read may return any part of it:
 * read until it is whole (0 bytes: PEER_GONE). A datagram or a
 * SOCK_SEQPACKET message arrives whole in one read: ask for SIZE + 1 bytes,
 * so that a longer one shows, and call anything but SIZE bytes "sockbench:
 * data mismatch: ..." (FAILED); 0 bytes on a seqpacket socket is its end
 * of file (PEER_GONE). Pass TIMED_OUT and the others on.
 */
static int write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n == -1) {
            if (errno == EINTR && !stop_requested)
                continue;
            if (errno == EPIPE || errno == ECONNRESET || errno == ECONNREFUSED)
                return PEER_GONE;
            return report("write");
        }
        p += n;
        len -= (size_t)n;
    }
    return OK;
}

static int receive_message(struct bench *b, int fd)
{
    size_t size = b->opt.size;
    if (!b->t->stream) {
        ssize_t n = read_some(b, fd, b->buf, size + 1);
        if (n == 0 && b->opt.transport == UDS_SEQPACKET)
            return PEER_GONE; /* a seqpacket socket's end of file */
        if (n < 0)
            return (int)n;
        if ((size_t)n != size) {
            fprintf(stderr, "%s: data mismatch: a message of %zd bytes, expected %zu\n", prog, n, size);
            return FAILED;
        }
        return OK;
    }
    for (size_t got = 0; got < size;) {
        ssize_t n = read_some(b, fd, b->buf + got, size - got);
        if (n <= 0)
            return n == 0 ? PEER_GONE : (int)n;
        got += (size_t)n;
    }
    return OK;
}

/* --- Latency ------------------------------------------------------------------ */

/*
 * the ping-pong. The parent's trip i (warm-up trips first:
 * count / 10 of them, not timed, so that caches, page tables and the
 * scheduler settle before anything is measured): take now_ns()
 * (CLOCK_MONOTONIC: never set back, unlike the time of day), write SIZE
 * bytes of the run from offset i * SIZE (pattern_at), receive the echo,
 * check_bytes it at that same offset, take now_ns() again; the difference
 * goes in trips[i - warmup]. A TIMED_OUT on UDP is an error: print "no
 * answer within 1 s" and return FAILED. The child (echo): receive each
 * message, check it, write it back. Both stop at the first error (return
 * it) or when stop_requested is set.
 */
static long warmup_trips(const struct bench *b)
{
    return b->opt.count / 10;
}

/* The parent: warm-up, then count timed round trips, in ns, into trips. */
static int ping_pong(struct bench *b, int64_t *trips)
{
    long warmup = warmup_trips(b), total = warmup + b->opt.count;
    size_t size = b->opt.size;
    for (long i = 0; i < total; i++) {
        if (stop_requested)
            return FAILED;
        uint64_t offset = (uint64_t)i * size;
        int64_t start = now_ns();
        int r = write_all(b->parent.out, pattern_at(b, offset), size);
        if (r == OK)
            r = receive_message(b, b->parent.in);
        if (r == TIMED_OUT && child_exited(b))
            r = PEER_GONE; /* the child has ended, and said why */
        if (r == TIMED_OUT) {
            fprintf(stderr, "%s: no answer within 1 s (round trip %ld)\n", prog, i + 1);
            return FAILED;
        }
        if (r != OK || check_bytes(b, b->buf, size, offset) != OK)
            return r != OK ? r : FAILED;
        if (i >= warmup)
            trips[i - warmup] = now_ns() - start;
    }
    return OK;
}

/* The child: check each message and send it back. */
static int echo(struct bench *b)
{
    long total = warmup_trips(b) + b->opt.count;
    size_t size = b->opt.size;
    for (long i = 0; i < total && !stop_requested; i++) {
        int r = receive_message(b, b->child.in);
        if (r != OK)
            return r;
        if (check_bytes(b, b->buf, size, (uint64_t)i * size) != OK)
            return FAILED;
        r = write_all(b->child.out, b->buf, size);
        if (r != OK)
            return r;
    }
    return stop_requested ? FAILED : OK;
}

/*
 * median and p99. Sort the n trip times (qsort), then the
 * median is the middle one (for an even n, say, the mean of the two middle
 * ones) and the 99th percentile the one at rank ceil(0.99 n) (nearest
 * rank; interpolating is fine too). Both in microseconds. Not the mean:
 * one trip that waited for the scheduler would move it far from what a
 * typical trip costs.
 */
static int compare_times(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void summarize(int64_t *trips, long n, struct result *r)
{
    qsort(trips, (size_t)n, sizeof *trips, compare_times);
    double median = n % 2 == 1 ? (double)trips[n / 2] : (trips[n / 2 - 1] + trips[n / 2]) / 2.0;
    /* position (n + 1) x 0.99, counted from 1, between two ranks. */
    double h = 0.99 * (double)(n + 1);
    long k = (long)h;
    double p99 = k < 1 ? (double)trips[0] : k >= n ? (double)trips[n - 1]
                 : (double)trips[k - 1] + (h - (double)k) * (double)(trips[k] - trips[k - 1]);
    r->median_us = median / 1e3;
    r->p99_us = p99 / 1e3;
}

/* --- Throughput --------------------------------------------------------------- */

/*
 * throughput over the reliable transports. The child
 * (pour): COUNT writes of SIZE bytes, message i being the run's bytes from
 * offset i * SIZE. The parent (drink): on a stream, read whatever arrives
 * (ask for up to b->buf_size bytes, never past the end of the run), check
 * it at its offset, until COUNT * SIZE bytes are in (0 bytes before that:
 * PEER_GONE); on uds-dgram and uds-seqpacket, receive_message COUNT times,
 * each checked at offset i * SIZE. Count the bytes in r->bytes and set
 * *end to now_ns() when the last one is in.
 */
static int pour(struct bench *b)
{
    size_t size = b->opt.size;
    for (long i = 0; i < b->opt.count && !stop_requested; i++) {
        int r = write_all(b->child.out, pattern_at(b, (uint64_t)i * size), size);
        if (r != OK)
            return r;
    }
    return stop_requested ? FAILED : OK;
}

static int drink_stream(struct bench *b, struct result *r, int64_t *end)
{
    uint64_t total = (uint64_t)b->opt.count * b->opt.size;
    while (r->bytes < total) {
        if (stop_requested)
            return FAILED;
        uint64_t left = total - r->bytes;
        size_t want = left < b->buf_size ? (size_t)left : b->buf_size;
        ssize_t n = read_some(b, b->parent.in, b->buf, want);
        if (n <= 0)
            return n == 0 ? PEER_GONE : (int)n;
        if (check_bytes(b, b->buf, (size_t)n, r->bytes) != OK)
            return FAILED;
        r->bytes += (uint64_t)n;
    }
    *end = now_ns();
    return OK;
}

static int drink_messages(struct bench *b, struct result *r, int64_t *end)
{
    size_t size = b->opt.size;
    for (long i = 0; i < b->opt.count; i++) {
        if (stop_requested)
            return FAILED;
        int status = receive_message(b, b->parent.in);
        if (status != OK)
            return status;
        if (check_bytes(b, b->buf, size, (uint64_t)i * size) != OK)
            return FAILED;
        r->bytes += size;
    }
    *end = now_ns();
    return OK;
}

/*
 * UDP throughput
 * [06-datagrams#loss-timeouts-and-retries 06-datagrams#zero-length-datagrams].
 * Datagrams may be lost (on loopback
 * when the receiver's buffer is full), so each carries its number i
 * (htobe64) in its first 8 bytes; bytes 8 to SIZE are the run's bytes from
 * offset i * SIZE + 8. The child (pour_datagrams) sends the COUNT
 * datagrams, then says "that was all" with an empty datagram, repeated
 * every 10 ms until an empty answer comes (at most 1 s): the empty one may
 * be lost too. ECONNREFUSED means the parent has gone: stop quietly. The
 * parent (drink_datagrams) reads until the empty datagram (answer it), or
 * until TIMED_OUT (1 s of silence): every datagram must be SIZE bytes, its
 * number above the last one's and below COUNT, its bytes right (else "data
 * mismatch", FAILED). r->lost = COUNT - received; *end = the arrival of
 * the last one. Loss is no error.
 */
/* Send datagram number i: its number, then the run's bytes after it. */
static int send_numbered(struct bench *b, uint64_t i)
{
    uint64_t seq = htobe64(i);
    size_t size = b->opt.size;
    struct iovec iov[2] = {
        { .iov_base = &seq, .iov_len = SEQ_BYTES },
        { .iov_base = (void *)pattern_at(b, i * size + SEQ_BYTES), .iov_len = size - SEQ_BYTES },
    };
    struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
    while (sendmsg(b->child.out, &msg, 0) == -1) {
        if (errno == EINTR && !stop_requested)
            continue;
        return errno == ECONNREFUSED ? PEER_GONE : report("sendmsg");
    }
    return OK;
}

static int pour_datagrams(struct bench *b)
{
    for (long i = 0; i < b->opt.count && !stop_requested; i++) {
        int r = send_numbered(b, (uint64_t)i);
        if (r == PEER_GONE)
            return OK; /* the parent stopped listening: its choice */
        if (r != OK)
            return r;
    }
    return stop_requested ? FAILED : OK;
}

/* One datagram received as the next of the run: its number is above the
 * last one's (gaps are losses) and its bytes are right. */
static int check_numbered(struct bench *b, size_t n, uint64_t next, uint64_t *seq)
{
    size_t size = b->opt.size;
    uint64_t be;
    memcpy(&be, b->buf, SEQ_BYTES);
    *seq = be64toh(be);
    if (n != size) {
        fprintf(stderr, "%s: data mismatch: a datagram of %zu bytes, expected %zu\n", prog, n, size);
        return FAILED;
    }
    if (*seq < next || *seq >= (uint64_t)b->opt.count) {
        fprintf(stderr, "%s: data mismatch: datagram number %" PRIu64 " after %" PRIu64 "\n",
                prog, *seq, next);
        return FAILED;
    }
    return check_bytes(b, b->buf + SEQ_BYTES, size - SEQ_BYTES, *seq * size + SEQ_BYTES);
}

static int drink_datagrams(struct bench *b, struct result *r, int64_t *end)
{
    uint64_t next = 0;
    long received = 0;
    while (!stop_requested) {
        ssize_t n = read_some(b, b->parent.in, b->buf, b->opt.size + 1);
        if (n == TIMED_OUT)
            break; /* a second of silence: the rest was lost */
        if (n < 0)
            return (int)n;
        if (n == 0) {
            fprintf(stderr, "%s: data mismatch: an empty datagram\n", prog);
            return FAILED;
        }
        uint64_t seq;
        if (check_numbered(b, (size_t)n, next, &seq) != OK)
            return FAILED;
        next = seq + 1;
        received++;
        *end = now_ns();
        if (seq + 1 == (uint64_t)b->opt.count)
            break; /* the last one: no need to wait for more */
    }
    r->bytes = (uint64_t)received * b->opt.size;
    r->lost = b->opt.count - received;
    return stop_requested ? FAILED : OK;
}

/* --- The two processes -------------------------------------------------------- */

/* The parent's side of the run; fills r. */
static int measure(struct bench *b, struct result *r)
{
    if (b->opt.mode == LATENCY) {
        int64_t *trips = malloc((size_t)b->opt.count * sizeof *trips);
        if (trips == NULL) {
            fprintf(stderr, "%s: out of memory\n", prog);
            return FAILED;
        }
        int status = ping_pong(b, trips);
        if (status == OK)
            summarize(trips, b->opt.count, r);
        free(trips);
        return status;
    }
    int64_t start = now_ns(), end = start;
    int status = b->t->udp ? drink_datagrams(b, r, &end)
               : b->t->stream ? drink_stream(b, r, &end)
                              : drink_messages(b, r, &end);
    r->seconds = (double)(end - start) / 1e9;
    return status;
}

/* The receive timeout of the parent's socket (pipes have none: their end
 * of file is enough). */
static int set_receive_timeout(int fd)
{
    struct stat st;
    if (fstat(fd, &st) == -1)
        return report("fstat");
    if (!S_ISSOCK(st.st_mode))
        return OK;
    struct timeval tv = { .tv_sec = WAIT_MS / 1000, .tv_usec = WAIT_MS % 1000 * 1000 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1)
        return report("setsockopt SO_RCVTIMEO");
    return OK;
}

/*
 * two processes
 * [09-many-clients#one-process-per-client 05-lifecycle#clean-shutdown-on-signals 05-lifecycle#closing-every-descriptor].
 * child_side runs in the child after fork: SIGINT and SIGTERM back to
 * their default (the parent ends the child with SIGTERM when it must),
 * prctl(PR_SET_PDEATHSIG, SIGTERM) so that a child whose parent was killed
 * does not wait forever for a datagram (check getppid() afterwards: the
 * parent may be gone already), close the parent's end, echo or pour
 * (pour_datagrams on udp), close its own end; returns the exit status, 0
 * or 1. reap_child runs in the parent: waitpid for the child, after
 * kill(SIGTERM) if end_it (an error or a stop signal: the child may be
 * waiting for us forever; a stop signal during waitpid counts too).
 * Returns OK if the child exited with status 0 (or died of our SIGTERM);
 * if a signal of someone else's killed it, say which.
 */
static int child_side(struct bench *b)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    sigemptyset(&dfl.sa_mask);
    if (sigaction(SIGINT, &dfl, NULL) == -1 || sigaction(SIGTERM, &dfl, NULL) == -1 ||
        prctl(PR_SET_PDEATHSIG, SIGTERM) == -1) {
        report("child set-up");
        return 1;
    }
    int status = FAILED;
    close_end(&b->parent);
    if (getppid() == b->parent_pid) /* else the parent died before prctl */
        status = b->opt.mode == LATENCY ? echo(b) : b->t->udp ? pour_datagrams(b) : pour(b);
    close_end(&b->child);
    return status == OK ? 0 : 1;
}

static int reap_child(struct bench *b, bool end_it)
{
    if (end_it && !b->child_reaped)
        kill(b->child_pid, SIGTERM);
    while (!b->child_reaped) {
        if (waitpid(b->child_pid, &b->child_status, 0) == b->child_pid)
            b->child_reaped = true;
        else if (errno != EINTR)
            return report("waitpid");
        else if (!end_it) {
            end_it = true; /* a stop signal while we waited */
            kill(b->child_pid, SIGTERM);
        }
    }
    int st = b->child_status;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return OK;
    if (WIFSIGNALED(st) && !(end_it && WTERMSIG(st) == SIGTERM) && !stop_requested)
        fprintf(stderr, "%s: the child process was killed by signal %d (%s)\n", prog, WTERMSIG(st),
                strsignal(WTERMSIG(st)));
    return WIFSIGNALED(st) && end_it && WTERMSIG(st) == SIGTERM ? OK : FAILED;
}

static void print_result(const struct options *o, const struct result *r)
{
    const char *name = transports[o->transport].name;
    if (o->mode == LATENCY) {
        if (o->json)
            printf("{\"transport\":\"%s\",\"mode\":\"latency\",\"size\":%zu,\"count\":%ld,"
                   "\"median_us\":%.3f,\"p99_us\":%.3f}\n",
                   name, o->size, o->count, r->median_us, r->p99_us);
        else
            printf("%s latency size=%zu count=%ld median_us=%.3f p99_us=%.3f\n", name, o->size,
                   o->count, r->median_us, r->p99_us);
        return;
    }
    double rate = r->seconds > 0 ? (double)r->bytes / r->seconds : 0;
    bool udp = transports[o->transport].udp;
    if (o->json) {
        printf("{\"transport\":\"%s\",\"mode\":\"throughput\",\"size\":%zu,\"count\":%ld,"
               "\"bytes\":%" PRIu64 ",\"seconds\":%.9f,\"bytes_per_s\":%.1f",
               name, o->size, o->count, r->bytes, r->seconds, rate);
        if (udp)
            printf(",\"lost\":%ld", r->lost);
        printf("}\n");
    } else {
        printf("%s throughput size=%zu count=%ld bytes=%" PRIu64 " seconds=%.9f bytes_per_s=%.1f",
               name, o->size, o->count, r->bytes, r->seconds, rate);
        if (udp)
            printf(" lost=%ld", r->lost);
        printf("\n");
    }
}

/* The child's entry point for clone: its own copy of everything, as after
 * fork, and its exit status is what child_side returns. */
static int child_entry(void *arg)
{
    struct bench *b = arg;
    int status = child_side(b);
    free(b->pattern);
    free(b->buf);
    return status;
}

/* Clone a child process; the parent measures while the child does its
 * part. Returns the exit status. */
static int run(struct bench *b)
{
    b->parent_pid = getpid();
    fflush(stdout); /* nothing buffered may be written twice */
    size_t stack_size = 1 << 20;
    char *stack = malloc(stack_size);
    pid_t pid = stack == NULL ? -1 : clone(child_entry, stack + stack_size, SIGCHLD, b);
    free(stack); /* the child has its own copy */
    if (pid == -1) {
        report("clone");
        close_end(&b->parent);
        close_end(&b->child);
        return 1;
    }
    b->is_parent = true;
    b->child_pid = pid;
    close_end(&b->child);
    struct result r = { 0 };
    int status = set_receive_timeout(b->parent.in);
    if (status == OK)
        status = measure(b, &r);
    /* Close first: a child still writing then learns at once that we are
     * done, instead of filling a buffer nobody reads. */
    close_end(&b->parent);
    /* PEER_GONE: the child closed its end, so it is exiting by itself. */
    int child = reap_child(b, status != OK && status != PEER_GONE);
    if (status == PEER_GONE && child == OK && !stop_requested)
        fprintf(stderr, "%s: the child process stopped before the end of the run\n", prog);
    if (status != OK || child != OK)
        return 1;
    print_result(&b->opt, &r);
    if (fflush(stdout) == EOF) {
        report("stdout");
        return 1;
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct bench b = { .parent = { -1, -1 }, .child = { -1, -1 } };
    if (parse_options(argc, argv, &b.opt) == -1) {
        usage();
        return 2;
    }
    b.t = &transports[b.opt.transport];
    if (install_signals() == -1)
        return 1;
    /* One byte more than a message, so that a longer datagram shows; at
     * least READ_CHUNK, so that a stream is read in large pieces. */
    b.buf_size = b.opt.size + 1 > READ_CHUNK ? b.opt.size + 1 : READ_CHUNK;
    b.pattern = make_pattern(b.buf_size);
    b.buf = malloc(b.buf_size);
    int status = 1;
    if (b.pattern == NULL || b.buf == NULL)
        fprintf(stderr, "%s: out of memory\n", prog);
    else if (open_transport(&b) == OK)
        status = run(&b);
    free(b.pattern);
    free(b.buf);
    return status;
}
