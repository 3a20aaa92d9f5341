/*
 * frame-peer: the grader's client for length-prefixed frames (a 4-byte
 * length in network byte order, then the payload) and for SOCK_SEQPACKET
 * messages, answered with the payload reversed. Shared by every lab that
 * speaks frames.
 *
 *   frame-peer frames EP [-s|-c] SIZE...  one frame per SIZE, each answered
 *       before the next is sent; -s: one byte per write with 1 ms pauses
 *       (frames over 512 bytes go in pieces of 1021 bytes after the first
 *       and before the last 32); -c: every frame in one write, then every
 *       reply
 *   frame-peer oversize EP LENGTH     a header claiming LENGTH, then up to
 *       4096 payload bytes: the server must close without replying
 *   frame-peer cut EP BYTES           the first BYTES bytes of a frame with
 *       a 100-byte payload, then EOF (SHUT_WR): expects no reply, and the
 *       connection closed
 *   frame-peer leave EP SIZE          a frame of SIZE, then close unread
 *   frame-peer hostorder EP           exit 0 if the server reads or writes
 *       lengths in host byte order (says which, then "order: read", "write"
 *       or "both" on a line of its own), 1 if not
 *   frame-peer -H read|write|both MODE ...  any mode above, with the
 *       lengths the server reads, writes or both in host (x86: little-endian)
 *       byte order: a server with that one bug is judged on the rest
 *   frame-peer seqpacket PATH [-c] SIZE...  SOCK_SEQPACKET messages, one
 *       reply each; -c: all sent before the first reply is read
 *
 * EP is a Unix socket path (it contains a '/': SOCK_STREAM) or HOST:PORT
 * for TCP (HOST may be [v6]). Every wait is bounded (10 s). Exit status:
 * 0 as expected, 1 not as expected (a line on stdout says what was seen),
 * 2 usage error.
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>

#define MAX_SIZE (16u * 1024 * 1024)

static int timeout_s = 10;
/* -H: the server reads (host_read) or writes (host_write) lengths in host
 * byte order, and the peer follows it. */
static int host_read, host_write;

__attribute__((noreturn)) static void usage(void)
{
    fprintf(stderr, "usage: frame-peer [-H read|write|both] frames EP [-s|-c] SIZE... |"
                    " oversize EP LENGTH | cut EP BYTES | leave EP SIZE | hostorder EP |"
                    " seqpacket PATH [-c] SIZE...\n");
    exit(2);
}

/* connect_to: a socket of TYPE connected to EP, with the peer's time-outs.
 * Over TCP each small write goes out as a segment of its own (TCP_NODELAY):
 * real splits on the wire. */
static int connect_to(const char *ep, int type)
{
    int fd = connect_endpoint(ep, type, NULL);
    if (fd == -1 && errno == EPROTOTYPE)
        outcome("connect %s: %s (the server's socket is not of the type the contract names)",
                ep, strerror(errno));
    if (fd == -1)
        outcome("connect %s: %s", ep, strerror(errno));
    int one = 1;
    if (!is_unix_endpoint(ep) && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == -1)
        die("setsockopt TCP_NODELAY");
    set_timeouts(fd, timeout_s);
    return fd;
}

static size_t parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v > 0xffffffffULL)
        usage();
    return (size_t)v;
}

/* Byte i of payload number f: every value 0-255 appears, NULs included. */
static unsigned char payload_byte(size_t f, size_t i)
{
    return (unsigned char)(i * 131 + f * 17 + (i >> 8) + (i >> 16));
}

/* send_or_fail: all of p, or the check fails saying what was being sent. */
static void send_or_fail(int fd, const unsigned char *p, size_t n, const char *what)
{
    if (send_all(fd, p, n) == -1)
        outcome("sending %s: %s", what,
                errno == EAGAIN ? "the server read nothing for 10 s" : strerror(errno));
}

/* Read exactly n bytes; on EOF or error describe it as part of `what`. */
static void recv_all(int fd, unsigned char *p, size_t n, const char *what)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, p + got, n - got, 0);
        if (r == -1 && errno == EINTR)
            continue;
        if (r == 0)
            outcome("the server closed the connection after %zu of the %zu bytes of %s", got, n, what);
        if (r == -1)
            outcome("%s after %zu of the %zu bytes of %s",
                    errno == EAGAIN ? "no more data for 10 s" : strerror(errno), got, n, what);
        got += (size_t)r;
    }
}

/* A whole frame (header and payload) for payload number f of size n. */
static unsigned char *make_frame(size_t f, size_t n)
{
    unsigned char *frame = malloc(4 + n);
    if (!frame) {
        perror("frame-peer: malloc");
        exit(2);
    }
    uint32_t len = host_read ? (uint32_t)n : htonl((uint32_t)n);
    memcpy(frame, &len, 4);
    for (size_t i = 0; i < n; i++)
        frame[4 + i] = payload_byte(f, i);
    return frame;
}

/* Read the reply to payload f of size n and check it is that payload reversed. */
static void check_reply(int fd, size_t f, size_t n, size_t count)
{
    char what[96];
    unsigned char header[4];
    snprintf(what, sizeof what, "the reply to frame %zu of %zu (%zu-byte payload)", f + 1, count, n);
    recv_all(fd, header, 4, what);
    uint32_t len;
    memcpy(&len, header, 4);
    if (!host_write)
        len = ntohl(len);
    if (len != n) {
        if (!host_write && __builtin_bswap32(len) == n)
            outcome("%s: its length field %02x %02x %02x %02x is %zu in host byte order,"
                    " not in network byte order", what, header[0], header[1], header[2], header[3], n);
        outcome("%s: its length field says %u bytes", what, len);
    }
    unsigned char *payload = malloc(n + 1);
    if (!payload) {
        perror("frame-peer: malloc");
        exit(2);
    }
    recv_all(fd, payload, n, what);
    for (size_t i = 0; i < n; i++)
        if (payload[i] != payload_byte(f, n - 1 - i))
            outcome("%s: byte %zu differs from the payload reversed", what, i);
    free(payload);
}

/* One byte per write with pauses; a large frame's middle goes in pieces. */
static void send_split(int fd, const unsigned char *frame, size_t total)
{
    size_t i = 0;
    while (i < total) {
        size_t piece = 1;
        if (total > 512 && i >= 32 && i + 32 < total)
            piece = total - 32 - i < 1021 ? total - 32 - i : 1021;
        send_or_fail(fd, frame + i, piece, "a frame one byte at a time");
        i += piece;
        sleep_ms(1);
    }
}

static int frames(const char *ep, char mode, char **sizes, int count)
{
    int fd = connect_to(ep, SOCK_STREAM);
    if (mode == 'c') {
        size_t total = 0;
        for (int f = 0; f < count; f++)
            total += 4 + parse_size(sizes[f]);
        unsigned char *all = malloc(total), *p = all;
        if (!all) {
            perror("frame-peer: malloc");
            exit(2);
        }
        for (int f = 0; f < count; f++) {
            size_t n = parse_size(sizes[f]);
            unsigned char *frame = make_frame((size_t)f, n);
            memcpy(p, frame, 4 + n);
            p += 4 + n;
            free(frame);
        }
        send_or_fail(fd, all, total, "all the frames in one write");
        free(all);
    }
    for (int f = 0; f < count; f++) {
        size_t n = parse_size(sizes[f]);
        if (mode != 'c') {
            unsigned char *frame = make_frame((size_t)f, n);
            if (mode == 's')
                send_split(fd, frame, 4 + n);
            else
                send_or_fail(fd, frame, 4 + n, "a frame");
            free(frame);
        }
        check_reply(fd, (size_t)f, n, (size_t)count);
    }
    close(fd);
    printf("%d frame(s) answered, each with its payload reversed\n", count);
    return 0;
}

/* Wait for the server to end the connection: EOF or a reset, no data. */
static void expect_closed(int fd, const char *after)
{
    unsigned char buf[4096];
    ssize_t r;
    while ((r = recv(fd, buf, sizeof buf, 0)) == -1 && errno == EINTR)
        ;
    if (r > 0)
        outcome("the server replied (%zd bytes) %s", r, after);
    if (r == -1 && errno == EAGAIN)
        outcome("the connection was still open %d s %s", timeout_s, after);
}

static int oversize(const char *ep, size_t length)
{
    timeout_s = 5;
    int fd = connect_to(ep, SOCK_STREAM);
    uint32_t len = host_read ? (uint32_t)length : htonl((uint32_t)length);
    send_or_fail(fd, (unsigned char *)&len, 4, "a header");
    unsigned char some[4096];
    for (size_t i = 0; i < sizeof some; i++)
        some[i] = payload_byte(0, i);
    /* The server may close before reading these: that is fine. */
    (void)send(fd, some, sizeof some, MSG_NOSIGNAL | MSG_DONTWAIT);
    char after[96];
    snprintf(after, sizeof after, "after a header claiming %zu bytes", length);
    expect_closed(fd, after);
    close(fd);
    printf("the server closed the connection after a header claiming %zu bytes\n", length);
    return 0;
}

/* Send part of a frame, then EOF (shutdown, so the answer can still be
 * read): a server must send nothing back and close the connection. */
static int cut(const char *ep, size_t bytes)
{
    timeout_s = 10;
    int fd = connect_to(ep, SOCK_STREAM);
    unsigned char *frame = make_frame(0, 100);
    send_or_fail(fd, frame, bytes < 104 ? bytes : 104, "part of a frame");
    free(frame);
    if (shutdown(fd, SHUT_WR) == -1)
        outcome("shutdown: %s", strerror(errno));
    char after[96];
    snprintf(after, sizeof after, "after the client's EOF %zu bytes into a frame", bytes);
    expect_closed(fd, after);
    close(fd);
    printf("the server closed the connection, with no reply, %s\n", after);
    return 0;
}

static int leave(const char *ep, size_t n)
{
    int fd = connect_to(ep, SOCK_STREAM);
    unsigned char *frame = make_frame(0, n);
    send_or_fail(fd, frame, 4 + n, "a frame");
    free(frame);
    close(fd); /* the reply, when it comes, goes to a closed socket */
    return 0;
}

/* probe: one frame "hello" with its length 5 in network (big-endian) or
 * little-endian order; true, with the reply's length field in header, if
 * the server answered "olleh". */
static int probe(const char *ep, int little, unsigned char header[4])
{
    int fd = connect_to(ep, SOCK_STREAM);
    unsigned char frame[9] = { 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o' };
    if (little)
        memcpy(frame, "\5\0\0\0", 4); /* 83886080 in network order */
    send_or_fail(fd, frame, sizeof frame, "a frame");
    unsigned char reply[9];
    ssize_t r = recv(fd, reply, sizeof reply, MSG_WAITALL);
    close(fd);
    if (r != (ssize_t)sizeof reply || memcmp(reply + 4, "olleh", 5) != 0)
        return 0;
    memcpy(header, reply, 4);
    return 1;
}

/* Try length fields in both byte orders: which does this server speak? */
static int hostorder(const char *ep)
{
    timeout_s = 3;
    unsigned char header[4];
    int reads_host = 0;
    if (!probe(ep, 0, header)) {
        if (!probe(ep, 1, header)) {
            printf("the server answers a 5-byte frame in neither byte order\n");
            return 1;
        }
        reads_host = 1;
    }
    int writes_host = memcmp(header, "\5\0\0\0", 4) == 0;
    if (!writes_host && memcmp(header, "\0\0\0\5", 4) != 0) {
        printf("the reply to a 5-byte frame has the length field %02x %02x %02x %02x\n",
               header[0], header[1], header[2], header[3]);
        return 1;
    }
    if (reads_host && writes_host)
        printf("the server reads and writes lengths in host byte order (ntohl and htonl missing?)\n"
               "order: both\n");
    else if (reads_host)
        printf("the server reads the length in host byte order (ntohl missing?)\norder: read\n");
    else if (writes_host)
        printf("the server writes the reply's length in host byte order (htonl missing?)\n"
               "order: write\n");
    else
        printf("the server uses network byte order\n");
    return reads_host || writes_host ? 0 : 1;
}

static void seq_send(int fd, int m, size_t n)
{
    static unsigned char buf[65536];
    for (size_t i = 0; i < n; i++)
        buf[i] = payload_byte((size_t)m, i);
    if (send(fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
        outcome("sending message %d (%zu bytes): %s", m + 1, n, strerror(errno));
}

/* One recv must return exactly one message: reply m, n bytes, reversed. */
static void seq_check(int fd, int m, size_t n)
{
    static unsigned char buf[2 * 65536 + 1];
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r == -1)
        outcome("no reply to message %d (%zu bytes): %s", m + 1, n,
                errno == EAGAIN ? "nothing for 10 s" : strerror(errno));
    if (r == 0)
        outcome("the server closed the connection instead of answering message %d (%zu bytes)", m + 1, n);
    if ((size_t)r != n)
        outcome("the reply to message %d (%zu bytes) is one message of %zd bytes", m + 1, n, r);
    for (size_t i = 0; i < n; i++)
        if (buf[i] != payload_byte((size_t)m, n - 1 - i))
            outcome("the reply to message %d (%zu bytes) differs from it reversed at byte %zu", m + 1, n, i);
}

static int seqpacket(const char *path, int together, char **sizes, int count)
{
    int fd = connect_to(path, SOCK_SEQPACKET);
    for (int m = 0; m < count; m++) {
        size_t n = parse_size(sizes[m]);
        if (n > 65536)
            usage();
        seq_send(fd, m, n);
        if (!together)
            seq_check(fd, m, n);
    }
    for (int m = 0; together && m < count; m++)
        seq_check(fd, m, parse_size(sizes[m]));
    close(fd);
    printf("%d message(s) answered, each with one message reversed\n", count);
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc > 2 && strcmp(argv[1], "-H") == 0) {
        host_read = strcmp(argv[2], "read") == 0 || strcmp(argv[2], "both") == 0;
        host_write = strcmp(argv[2], "write") == 0 || strcmp(argv[2], "both") == 0;
        if (!host_read && !host_write)
            usage();
        argv += 2;
        argc -= 2;
    }
    if (argc < 3)
        usage();
    const char *cmd = argv[1], *ep = argv[2];
    if (strcmp(cmd, "frames") == 0 || strcmp(cmd, "seqpacket") == 0) {
        int first = 3;
        char mode = 0;
        if (argc > 3 && (strcmp(argv[3], "-s") == 0 || strcmp(argv[3], "-c") == 0)) {
            mode = argv[3][1];
            first = 4;
        }
        if (first >= argc || (cmd[0] == 's' && mode == 's'))
            usage();
        if (cmd[0] == 's')
            return seqpacket(ep, mode == 'c', argv + first, argc - first);
        return frames(ep, mode, argv + first, argc - first);
    }
    if (argc == 4 && strcmp(cmd, "oversize") == 0)
        return oversize(ep, parse_size(argv[3]));
    if (argc == 4 && strcmp(cmd, "cut") == 0)
        return cut(ep, parse_size(argv[3]));
    if (argc == 4 && strcmp(cmd, "leave") == 0)
        return leave(ep, parse_size(argv[3]));
    if (argc == 3 && strcmp(cmd, "hostorder") == 0)
        return hostorder(ep);
    usage();
}
