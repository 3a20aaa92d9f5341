/*
 * stream-peer: the grader's peer for stream servers (labs 01, 02 and 06),
 * for what socat and nc cannot do.
 *
 *   stream-peer stale PATH           leave a stale socket file at PATH
 *   stream-peer send-close ENDPOINT BYTES
 *                                    connect, send BYTES, close without reading
 *   stream-peer vanish ENDPOINT BYTES
 *                                    send up to BYTES, read a little, close mid-echo
 *   stream-peer slow-reader ENDPOINT BYTES [RCVBUF]
 *                                    send BYTES while reading the
 *                                    echo slowly, then check it byte for byte;
 *                                    RCVBUF: the receive buffer to ask for
 *                                    before connecting (a small one keeps
 *                                    TCP's window small, so the server's
 *                                    send buffer fills even over loopback)
 *
 * ENDPOINT is a Unix socket path (it contains a '/'), or HOST:PORT for TCP
 * (HOST may be [v6]). Exit status: 0 as expected, 1 not as expected (with a
 * line on stdout saying what was seen), 2 usage or set-up error.
 */
#include "common.h"

#include <pthread.h>

/* SO_RCVBUF to set before connecting (0: the system's default). */
static int rcvbuf;

static void set_rcvbuf(int fd)
{
    if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) == -1)
        die("setsockopt SO_RCVBUF");
}

static int connect_to(const char *endpoint)
{
    int fd = connect_endpoint(endpoint, SOCK_STREAM, set_rcvbuf);
    if (fd == -1)
        die(endpoint);
    return fd;
}

static size_t parse_size(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '\0' || *end != '\0') {
        fprintf(stderr, "stream-peer: not a number: %s\n", s);
        exit(2);
    }
    return (size_t)v;
}

/* Byte i of the test stream: printable, and never periodic at 2^k. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)('A' + (i * 7 + i / 251) % 58);
}

static void fill(char *buf, size_t offset, size_t n)
{
    for (size_t k = 0; k < n; k++)
        buf[k] = (char)pattern(offset + k);
}

struct sender {
    int fd;
    size_t bytes;
};

static void *send_stream(void *arg)
{
    struct sender *s = arg;
    char buf[32 * 1024];
    size_t sent = 0;
    while (sent < s->bytes) {
        size_t n = s->bytes - sent < sizeof buf ? s->bytes - sent : sizeof buf;
        fill(buf, sent, n);
        if (send_all(s->fd, buf, n) == -1)
            return NULL; /* the reader reports what arrived */
        sent += n;
    }
    shutdown(s->fd, SHUT_WR);
    return NULL;
}

/* Read the echo slowly: pause first, then every 256 KiB, so the server's
 * buffers fill up and its writes come back short or would block. */
static int slow_reader(const char *endpoint, size_t bytes)
{
    int fd = connect_to(endpoint);
    struct sender s = { fd, bytes };
    pthread_t tid;
    if ((errno = pthread_create(&tid, NULL, send_stream, &s)) != 0)
        die("pthread_create");
    sleep_ms(150);
    char buf[16 * 1024];
    size_t got = 0, since_pause = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r == 0)
            break;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            printf("recv failed after %zu bytes: %s\n", got, strerror(errno));
            return 1;
        }
        for (ssize_t k = 0; k < r; k++) {
            if (got + (size_t)k >= bytes || (unsigned char)buf[k] != pattern(got + (size_t)k)) {
                printf("echo differs from what was sent at byte %zu (of %zu)\n",
                       got + (size_t)k, bytes);
                return 1;
            }
        }
        got += (size_t)r;
        since_pause += (size_t)r;
        if (since_pause >= 256 * 1024) {
            since_pause = 0;
            sleep_ms(5);
        }
    }
    pthread_join(tid, NULL);
    close(fd);
    if (got != bytes) {
        printf("echo ended after %zu of %zu bytes\n", got, bytes);
        return 1;
    }
    printf("all %zu bytes echoed\n", bytes);
    return 0;
}

static int leave_stale(const char *path)
{
    struct sockaddr_un addr;
    socklen_t len = unix_address(path, &addr);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1)
        die("socket");
    if (bind(fd, (struct sockaddr *)&addr, len) == -1 || listen(fd, 1) == -1)
        die(path);
    return 0; /* exit without unlink: the file stays, nobody listens */
}

/* send_pattern: up to BYTES of the test stream, until a send fails (with
 * MSG_DONTWAIT in flags: until the buffers are full). */
static void send_pattern(int fd, size_t bytes, int flags)
{
    char buf[32 * 1024];
    for (size_t sent = 0; sent < bytes;) {
        size_t n = bytes - sent < sizeof buf ? bytes - sent : sizeof buf;
        fill(buf, sent, n);
        ssize_t w = send(fd, buf, n, MSG_NOSIGNAL | flags);
        if (w == -1)
            return;
        sent += (size_t)w;
    }
}

static int send_close(const char *endpoint, size_t bytes)
{
    int fd = connect_to(endpoint);
    send_pattern(fd, bytes, 0);
    close(fd);
    return 0;
}

static int vanish(const char *endpoint, size_t bytes)
{
    int fd = connect_to(endpoint);
    /* Stop sending once the buffers are full, as a crashing client would. */
    send_pattern(fd, bytes, MSG_DONTWAIT);
    char buf[1024];
    set_timeouts(fd, 1);
    if (recv(fd, buf, sizeof buf, 0) == -1 && errno != EAGAIN)
        printf("recv: %s\n", strerror(errno));
    close(fd); /* with unread echo still queued */
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc == 3 && strcmp(argv[1], "stale") == 0)
        return leave_stale(argv[2]);
    if (argc == 4 && strcmp(argv[1], "send-close") == 0)
        return send_close(argv[2], parse_size(argv[3]));
    if (argc == 4 && strcmp(argv[1], "vanish") == 0)
        return vanish(argv[2], parse_size(argv[3]));
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "slow-reader") == 0) {
        if (argc == 5)
            rcvbuf = (int)parse_size(argv[4]);
        return slow_reader(argv[2], parse_size(argv[3]));
    }
    fprintf(stderr, "usage: stream-peer stale PATH | send-close EP BYTES |"
                    " vanish EP BYTES | slow-reader EP BYTES [RCVBUF]\n");
    return 2;
}
