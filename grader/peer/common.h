/*
 * common.h: what the grader's C peers share. Header only: grader/grade
 * builds each peer from its one .c file (and hashes this header into the
 * peers' cache key); every function is static inline, so a peer that does
 * not use one gets no warning.
 *
 * A peer's exit status: 0 the server did as expected, 1 it did not (one line
 * on stdout says what was seen: outcome), 2 a usage or set-up error, the
 * grader's own fault (die, usage_error).
 */
#ifndef PEER_COMMON_H
#define PEER_COMMON_H

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* die: a set-up step failed (not the server's doing): say which, exit 2. */
__attribute__((noreturn)) static inline void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
    exit(2);
}

/* usage_error: the grader called the peer wrongly: say how, exit 2. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* outcome: the server did not do as expected: what was seen, on stdout (the
 * check shows it), exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) static inline void outcome(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    exit(1);
}

static inline void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* now_s: seconds on the monotonic clock. */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* set_timeouts: every blocking send and receive on fd gives up (EAGAIN)
 * after this many seconds: a peer never waits for ever. */
static inline void set_timeouts(int fd, int seconds)
{
    struct timeval tv = { seconds, 0 };
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == -1)
        die("setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
}

/* An ENDPOINT is a Unix socket path (it contains a '/') or HOST:PORT, where
 * HOST may be a bracketed IPv6 address ([::1]:PORT). */
static inline int is_unix_endpoint(const char *endpoint)
{
    return strchr(endpoint, '/') != NULL;
}

/* unix_address: PATH as a socket address; its length. */
static inline socklen_t unix_address(const char *path, struct sockaddr_un *addr)
{
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr->sun_path)
        usage_error("a path longer than sun_path holds: %s", path);
    memcpy(addr->sun_path, path, strlen(path) + 1);
    return (socklen_t)sizeof *addr;
}

/* split_endpoint: HOST:PORT's host in host (brackets removed); returns the
 * port, a pointer into endpoint. */
static inline const char *split_endpoint(const char *endpoint, char *host, size_t size)
{
    const char *colon = strrchr(endpoint, ':');
    if (colon == NULL || (size_t)(colon - endpoint) >= size)
        usage_error("not HOST:PORT: %s", endpoint);
    const char *start = endpoint;
    size_t length = (size_t)(colon - endpoint);
    if (length >= 2 && start[0] == '[' && start[length - 1] == ']') {
        start++;
        length -= 2;
    }
    memcpy(host, start, length);
    host[length] = '\0';
    return colon + 1;
}

/* resolve: the addresses of HOST and PORT for sockets of TYPE (getaddrinfo's
 * list, freed with freeaddrinfo), with the given AI_ flags. */
static inline struct addrinfo *resolve(const char *host, const char *port, int type, int flags)
{
    struct addrinfo hints = { .ai_socktype = type, .ai_flags = flags }, *list;
    int rc = getaddrinfo(host, port, &hints, &list);
    if (rc != 0)
        usage_error("%s port %s: %s", host, port, gai_strerror(rc));
    return list;
}

/* connect_endpoint: a socket of TYPE connected to ENDPOINT (each address of
 * a HOST:PORT in turn); PREPARE, if not NULL, runs on the socket before
 * connect. Returns -1 with errno set when no connect succeeded: what that
 * means is the caller's to say. */
static inline int connect_endpoint(const char *endpoint, int type, void (*prepare)(int fd))
{
    if (is_unix_endpoint(endpoint)) {
        struct sockaddr_un addr;
        socklen_t length = unix_address(endpoint, &addr);
        int fd = socket(AF_UNIX, type, 0);
        if (fd == -1)
            die("socket");
        if (prepare)
            prepare(fd);
        if (connect(fd, (struct sockaddr *)&addr, length) == -1) {
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        return fd;
    }
    char host[256];
    const char *port = split_endpoint(endpoint, host, sizeof host);
    struct addrinfo *list = resolve(host, port, type, 0);
    int fd = -1, error = ECONNREFUSED;
    for (struct addrinfo *ai = list; ai != NULL && fd == -1; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd == -1)
            die("socket");
        if (prepare)
            prepare(fd);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
            error = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd == -1)
        errno = error;
    return fd;
}

/* send_all: all of buf on a blocking socket (never SIGPIPE); 0, or -1 with
 * errno set. */
static inline int send_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

#endif
