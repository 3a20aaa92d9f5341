/*
 * dgram-peer: the grader's own datagram peers for lab 03 (UDP and AF_UNIX
 * SOCK_DGRAM), for what socat and nc cannot check byte for byte.
 *
 *   dgram-peer probe ENDPOINT text|bytes SIZE...
 *       one datagram of each SIZE, one at a time; each reply must be the
 *       same bytes with only a-z upper-cased. "text" fills the datagrams
 *       with letters, digits and spaces; "bytes" with every value 0-255.
 *   dgram-peer senders ENDPOINT N
 *       N sockets each send a datagram of their own (then "sent N
 *       datagrams" is printed); each must get its own reply back.
 *   dgram-peer flood ENDPOINT N
 *       a request answered; then another socket sends N requests and never
 *       reads the replies; then the first socket must still get answers.
 *   dgram-peer oversize ENDPOINT SIZE
 *       one datagram of SIZE bytes (over the contract's 65507), then a
 *       normal request must still be answered.
 *   dgram-peer server ENDPOINT DROP
 *       a server: prints "t=SECONDS len=BYTES at=EPOCH" for every datagram
 *       received (seconds since the first; the wall clock), ignores the
 *       first DROP of them and
 *       answers the others upper-cased. Runs until killed.
 *
 * ENDPOINT: a path containing '/' (AF_UNIX, the peer autobinds), or
 * HOST:PORT with a numeric HOST (127.0.0.1, [::1]). Exit status: 0 as
 * expected, 1 not as expected (a line on stdout says what was seen),
 * 2 usage or set-up error.
 */
#include "common.h"

#include <poll.h>

enum { MAX = 65507, BIG = 1 << 20 };

/* The address of ENDPOINT in *addr; returns its family. */
static int endpoint(const char *text, struct sockaddr_storage *addr, socklen_t *len)
{
    memset(addr, 0, sizeof *addr);
    if (is_unix_endpoint(text)) {
        *len = unix_address(text, (struct sockaddr_un *)addr);
        return AF_UNIX;
    }
    char host[128];
    const char *port = split_endpoint(text, host, sizeof host);
    struct addrinfo *res = resolve(host, port, SOCK_DGRAM, AI_NUMERICHOST | AI_NUMERICSERV);
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    int family = res->ai_family;
    freeaddrinfo(res);
    return family;
}

/*
 * A socket for ENDPOINT, connected to it unless `loose`; a Unix one gets an
 * autobind address first, so that the server can answer it.
 */
static int open_socket(const char *text, int loose)
{
    struct sockaddr_storage addr;
    socklen_t len;
    int family = endpoint(text, &addr, &len);
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd == -1)
        die("socket");
    if (family == AF_UNIX) {
        struct sockaddr_un self = { .sun_family = AF_UNIX };
        if (bind(fd, (struct sockaddr *)&self, sizeof(sa_family_t)) == -1)
            die("bind (autobind)");
        int size = BIG;
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == -1)
            die("setsockopt SO_SNDBUF");
    }
    /* A stuck Unix-domain server's queue fills up: never wait for it long. */
    struct timeval wait = { .tv_sec = 3 };
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        die("setsockopt SO_SNDTIMEO");
    if (!loose && connect(fd, (struct sockaddr *)&addr, len) == -1)
        die("connect");
    return fd;
}

static int connected(const char *text)
{
    return open_socket(text, 0);
}

static void upper_ascii(char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 'a' + 'A');
}

/* One datagram within ms milliseconds: its length, or -1 (nothing came). */
static ssize_t receive(int fd, char *buf, size_t size, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int n = poll(&pfd, 1, ms);
    if (n <= 0)
        return -1;
    ssize_t got = recv(fd, buf, size, MSG_TRUNC | MSG_DONTWAIT);
    if (got == -1)
        printf("recv: %s\n", strerror(errno));
    return got;
}

/*
 * Send msg and compare the reply with its upper-cased copy; 0 if right.
 * A `tolerant` ask skips other replies (answers to someone else's
 * requests) until its own comes or the time is up.
 */
static int ask_as(int fd, const char *msg, size_t n, const char *what, int ms, int tolerant)
{
    static char expected[BIG], reply[BIG];
    memcpy(expected, msg, n);
    upper_ascii(expected, n);
    if (send(fd, msg, n, 0) == -1) {
        printf("%s: send: %s%s\n", what, strerror(errno),
               errno == EAGAIN ? " (the server's queue stayed full for 3 s)" : "");
        return 1;
    }
    ssize_t got = receive(fd, reply, sizeof reply, ms);
    while (tolerant && got != -1 && ((size_t)got != n || memcmp(reply, expected, n) != 0))
        got = receive(fd, reply, sizeof reply, ms);
    if (got == -1) {
        printf("%s: no reply within %d ms\n", what, ms);
        return 1;
    }
    if ((size_t)got != n) {
        printf("%s: a reply of %zd bytes instead of %zu\n", what, got, n);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (reply[i] != expected[i]) {
            printf("%s: the reply differs at byte %zu: sent 0x%02x, expected 0x%02x, got 0x%02x\n",
                   what, i, (unsigned char)msg[i], (unsigned char)expected[i], (unsigned char)reply[i]);
            return 1;
        }
    }
    printf("%s: ok\n", what);
    return 0;
}

static int ask(int fd, const char *msg, size_t n, const char *what, int ms)
{
    return ask_as(fd, msg, n, what, ms, 0);
}

static int probe(const char *ep, const char *kind, int argc, char **sizes)
{
    static const char text[] = "the quick brown fox jumps over 13 lazy dogs ";
    static char msg[BIG];
    int fd = connected(ep), bad = 0;
    for (int i = 0; i < argc; i++) {
        size_t n = strtoul(sizes[i], NULL, 10);
        if (n > sizeof msg)
            exit(2);
        for (size_t k = 0; k < n; k++)
            msg[k] = strcmp(kind, "bytes") == 0 ? (char)(k % 256) : text[k % (sizeof text - 1)];
        char what[64];
        snprintf(what, sizeof what, "a datagram of %zu bytes", n);
        bad |= ask(fd, msg, n, what, 2000);
    }
    close(fd);
    return bad;
}

static int senders(const char *ep, int n)
{
    int fds[64], bad = 0;
    char msg[64], what[64];
    if (n < 1 || n > 64)
        exit(2);
    for (int i = 0; i < n; i++)
        fds[i] = connected(ep);
    /* All send first, so the server holds several senders at once. */
    for (int i = 0; i < n; i++) {
        int len = snprintf(msg, sizeof msg, "hello from sender %d", i + 1);
        if (send(fds[i], msg, (size_t)len, 0) == -1)
            die("send");
    }
    printf("sent %d datagrams\n", n);
    fflush(stdout);
    /* One deadline for all: the grader may hold the server stopped for a
       while after this, and a loaded machine may be slow to let it go. */
    double deadline = now_s() + 10;
    for (int i = 0; i < n; i++) {
        char reply[128], expected[64];
        int len = snprintf(expected, sizeof expected, "HELLO FROM SENDER %d", i + 1);
        int left_ms = (int)((deadline - now_s()) * 1000);
        ssize_t got = receive(fds[i], reply, sizeof reply, left_ms > 0 ? left_ms : 0);
        snprintf(what, sizeof what, "sender %d of %d", i + 1, n);
        if (got == -1) {
            printf("%s: no reply within 10 s\n", what);
            bad = 1;
        } else if (got != len || memcmp(reply, expected, (size_t)len) != 0) {
            printf("%s: got \"%.*s\" instead of \"%s\"\n", what, (int)(got > 100 ? 100 : got), reply, expected);
            bad = 1;
        }
        close(fds[i]);
    }
    if (!bad)
        printf("each of %d senders got its own reply\n", n);
    return bad;
}

static int flood(const char *ep, int n)
{
    int asker = connected(ep), bad;
    bad = ask(asker, "before the flood", 16, "a request before the flood", 2000);
    /* Not connected: a Unix-domain sender may then queue only
       max_dgram_qlen datagrams to it, and the server's next reply blocks
       (or fails with EAGAIN when sent with MSG_DONTWAIT). */
    int flooder = open_socket(ep, 1);
    struct sockaddr_storage addr;
    socklen_t len;
    endpoint(ep, &addr, &len);
    struct timeval wait = { .tv_usec = 100000 }; /* the server may be stuck: never block long */
    if (setsockopt(flooder, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof wait) == -1)
        die("setsockopt SO_SNDTIMEO");
    char msg[1000];
    memset(msg, 'x', sizeof msg);
    int sent = 0;
    for (int i = 0; i < n; i++)
        sent += sendto(flooder, msg, sizeof msg, 0, (struct sockaddr *)&addr, len) != -1;
    printf("sent %d requests from a socket that never reads its replies\n", sent);
    for (int i = 1; i <= 3; i++) {
        char what[64];
        snprintf(what, sizeof what, "request %d after the flood", i);
        bad |= ask_as(asker, "after the flood", 15, what, 3000, 1);
    }
    close(flooder);
    close(asker);
    return bad;
}

static int oversize(const char *ep, size_t size)
{
    static char msg[BIG], reply[BIG];
    int fd = connected(ep);
    if (size > sizeof msg)
        exit(2);
    memset(msg, 'a', size);
    if (send(fd, msg, size, 0) == -1) {
        printf("cannot send %zu bytes here: %s\n", size, strerror(errno));
        return 2;
    }
    printf("sent a datagram of %zu bytes\n", size);
    /* Whatever the server did with it (dropped it, answered part of it),
       it must still answer the next request. */
    while (receive(fd, reply, sizeof reply, 300) >= 0)
        ;
    int bad = ask(fd, "still there?", 12, "the next request", 3000);
    close(fd);
    return bad;
}

_Noreturn static void server(const char *ep, long drop)
{
    static char buf[BIG];
    struct sockaddr_storage addr;
    socklen_t len;
    int family = endpoint(ep, &addr, &len);
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd == -1)
        die("socket");
    if (bind(fd, (struct sockaddr *)&addr, len) == -1)
        die("bind");
    setvbuf(stdout, NULL, _IOLBF, 0);
    double start = 0;
    for (long count = 1;; count++) {
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &from_len);
        if (got == -1)
            die("recvfrom");
        if (count == 1)
            start = now_s();
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("t=%.3f len=%zd at=%lld.%03ld\n", now_s() - start, got,
               (long long)now.tv_sec, now.tv_nsec / 1000000);
        if (count <= drop)
            continue;
        upper_ascii(buf, (size_t)got);
        if (sendto(fd, buf, (size_t)got, 0, (struct sockaddr *)&from, from_len) == -1)
            printf("sendto: %s\n", strerror(errno));
    }
}

int main(int argc, char *argv[])
{
    if (argc >= 5 && strcmp(argv[1], "probe") == 0)
        return probe(argv[2], argv[3], argc - 4, argv + 4);
    if (argc == 4 && strcmp(argv[1], "senders") == 0)
        return senders(argv[2], atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "flood") == 0)
        return flood(argv[2], atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "oversize") == 0)
        return oversize(argv[2], strtoul(argv[3], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "server") == 0)
        server(argv[2], atol(argv[3]));
    fprintf(stderr, "usage: dgram-peer probe|senders|flood|oversize|server ENDPOINT ...\n");
    return 2;
}
