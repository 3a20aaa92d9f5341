/*
 * dgram-upper-client ENDPOINT, written differently: the socket is never
 * connected, so sendto names the server each time and the client itself
 * ignores datagrams that come from anyone else; each wait is SO_RCVTIMEO,
 * re-armed with the time left in the try; over AF_UNIX the client binds an
 * abstract name (sun_path[0] == '\0'), which never creates a file.
 */
#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *const prog = "dgram-upper-client";

enum { MAX_DGRAM = 65507, TRIES = 3, TRY_MS = 1000 };

struct peer {
    struct sockaddr_storage addr;
    socklen_t len;
};

static int usage(void)
{
    fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", prog);
    return 2;
}

/* Split HOST:PORT or [IPV6]:PORT in place. PORT: decimal digits, 1-65535. */
static int split_endpoint(char *arg, char **host, char **port)
{
    char *colon = strrchr(arg, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    *port = colon + 1;
    size_t digits = strlen(*port);
    if (digits == 0 || strspn(*port, "0123456789") != digits)
        return -1;
    unsigned long n = strtoul(*port, NULL, 10); /* ULONG_MAX on overflow */
    if (n < 1 || n > 65535)
        return -1;
    *host = arg;
    if (arg[0] == '[') {
        if (colon - arg < 2 || colon[-1] != ']')
            return -1;
        colon[-1] = '\0';
        *host = arg + 1;
    } else if (strchr(arg, ':') != NULL) {
        return -1;
    }
    return **host ? 0 : -1;
}

/* Bind "\0dgram-upper-client-PID-N": abstract names are per network
 * namespace, and clients in different PID namespaces may share a PID. */
static int bind_abstract(int fd)
{
    for (int n = 0; n < 100; n++) {
        struct sockaddr_un me = { .sun_family = AF_UNIX };
        int len = snprintf(me.sun_path + 1, sizeof me.sun_path - 1, "dgram-upper-client-%ld-%d",
                           (long)getpid(), n);
        socklen_t addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len);
        if (bind(fd, (struct sockaddr *)&me, addrlen) == 0)
            return 0;
        if (errno != EADDRINUSE)
            break;
    }
    fprintf(stderr, "%s: bind (abstract name): %s\n", prog, strerror(errno));
    return -1;
}

/* Fill srv with the server's address and open a socket that can reach it. */
static int open_socket(char *endpoint, struct peer *srv)
{
    int fd = -1;
    if (strchr(endpoint, '/') != NULL) {
        struct sockaddr_un *sun = (struct sockaddr_un *)&srv->addr;
        sun->sun_family = AF_UNIX;
        memcpy(sun->sun_path, endpoint, strlen(endpoint) + 1); /* main checked the length */
        srv->len = sizeof *sun;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd != -1 && bind_abstract(fd) == -1) {
            close(fd);
            return -1;
        }
    } else {
        char *host, *port;
        if (split_endpoint(endpoint, &host, &port) == -1)
            return -2;
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                                  .ai_flags = AI_NUMERICSERV };
        struct addrinfo *res;
        int err = getaddrinfo(host, port, &hints, &res);
        if (err != 0) {
            fprintf(stderr, "%s: %s: %s\n", prog, host, gai_strerror(err));
            return -1;
        }
        memcpy(&srv->addr, res->ai_addr, res->ai_addrlen);
        srv->len = res->ai_addrlen;
        fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
        freeaddrinfo(res);
    }
    if (fd == -1)
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
    return fd;
}

/* Did this datagram come from the server? A Unix name may be spelt two
 * ways (./s and /dir/s): then the same inode counts as the same name. */
static int from_server(const struct sockaddr_storage *a, socklen_t alen, const struct peer *srv)
{
    if (alen <= sizeof(sa_family_t) || a->ss_family != srv->addr.ss_family)
        return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)&srv->addr;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)&srv->addr;
        return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
    }
    const struct sockaddr_un *x = (const void *)a, *y = (const void *)&srv->addr;
    char name[sizeof x->sun_path + 1] = "";
    size_t n = alen - offsetof(struct sockaddr_un, sun_path);
    memcpy(name, x->sun_path, n < sizeof x->sun_path ? n : sizeof x->sun_path);
    struct stat s1, s2;
    return strcmp(name, y->sun_path) == 0 ||
           (name[0] != '\0' && stat(name, &s1) == 0 && stat(y->sun_path, &s2) == 0 &&
            s1.st_dev == s2.st_dev && s1.st_ino == s2.st_ino);
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        return TRY_MS; /* cannot happen; then the try is over */
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Wait up to one try for the server's reply: its length, -1 when the try
 * timed out, -2 on an error. */
static ssize_t await_reply(int fd, const struct peer *srv, char *buf, size_t cap)
{
    struct timespec t0;
    if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1) {
        fprintf(stderr, "%s: clock_gettime: %s\n", prog, strerror(errno));
        return -2;
    }
    for (long left; (left = TRY_MS - ms_since(&t0)) > 0;) {
        struct timeval tv = { .tv_sec = left / 1000, .tv_usec = left % 1000 * 1000 };
        if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == -1) {
            fprintf(stderr, "%s: setsockopt SO_RCVTIMEO: %s\n", prog, strerror(errno));
            return -2;
        }
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        ssize_t got = recvfrom(fd, buf, cap, 0, (struct sockaddr *)&from, &fromlen);
        if (got >= 0 && from_server(&from, fromlen, srv))
            return got;
        if (got == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            fprintf(stderr, "%s: recvfrom: %s\n", prog, strerror(errno));
            return -2;
        }
    }
    return -1;
}

/* Send one line, up to TRIES times, and print the reply. 0 when printed. */
static int exchange(int fd, const struct peer *srv, const char *line, size_t len)
{
    static char buf[65536];
    for (int try = 0; try < TRIES; try++) {
        if (sendto(fd, line, len, 0, (const struct sockaddr *)&srv->addr, srv->len) == -1 &&
            errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            fprintf(stderr, "%s: sendto: %s\n", prog, strerror(errno));
            return -1;
        }
        ssize_t got = await_reply(fd, srv, buf, sizeof buf);
        if (got == -2)
            return -1;
        if (got >= 0) {
            if (fwrite(buf, 1, (size_t)got, stdout) != (size_t)got || putchar('\n') == EOF) {
                fprintf(stderr, "%s: writing to stdout failed\n", prog);
                return -1;
            }
            return 0;
        }
    }
    fprintf(stderr, "%s: no reply after %d tries\n", prog, TRIES);
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strchr(argv[1], '/') != NULL &&
                      strlen(argv[1]) >= sizeof ((struct sockaddr_un *)0)->sun_path))
        return usage();
    struct peer srv = { .len = 0 };
    int fd = open_socket(argv[1], &srv);
    if (fd < 0)
        return fd == -2 ? usage() : 1;
    /* A blocking sendto to a full Unix queue gives up (EAGAIN) after 1 s. */
    struct timeval one = { .tv_sec = 1 };
    if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &one, sizeof one) == -1) {
        fprintf(stderr, "%s: setsockopt SO_SNDTIMEO: %s\n", prog, strerror(errno));
        close(fd);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int status = 0;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (len > MAX_DGRAM) {
            fprintf(stderr, "%s: line of %zd bytes skipped (at most %d)\n", prog, len, MAX_DGRAM);
            status = 1;
        } else if (exchange(fd, &srv, line, (size_t)len) == -1) {
            status = 1;
            break;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "%s: reading stdin failed\n", prog);
        status = 1;
    }
    free(line);
    close(fd);
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "%s: writing to stdout: %s\n", prog, strerror(errno));
        status = 1;
    }
    return status;
}
