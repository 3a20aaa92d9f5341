/*
 * dgram-upper-client ENDPOINT, written differently: the socket is
 * connect()ed, so plain write and read move the datagrams and the kernel
 * drops anything not from the server; poll times each try. Over AF_UNIX
 * the client binds a pathname in $TMPDIR (else the current directory) and
 * removes it from an atexit handler, and from a SIGINT/SIGTERM handler, so
 * that every way out leaves no file behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PROG "dgram-upper-client"

enum { MAX_DGRAM = 65507, TRIES = 3, TRY_MS = 1000 };

static char my_path[sizeof ((struct sockaddr_un *)0)->sun_path];
static volatile sig_atomic_t my_path_bound;

static void remove_my_path(void)
{
    if (my_path_bound)
        unlink(my_path);
}

static void on_signal(int signo)
{
    remove_my_path();
    signal(signo, SIG_DFL);
    raise(signo);
}

/* "HOST:PORT" or "[IPV6]:PORT" into host and port (port normalised). */
static int parse_udp(const char *arg, char *host, size_t hostcap, char port[6])
{
    const char *h = arg, *colon;
    size_t hlen;
    if (*arg == '[') {
        const char *close = strchr(arg, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        h = arg + 1, hlen = (size_t)(close - h), colon = close + 1;
    } else {
        colon = strchr(arg, ':');
        if (colon == NULL || strchr(colon + 1, ':') != NULL)
            return -1;
        hlen = (size_t)(colon - arg);
    }
    unsigned value = 0;
    const char *d = colon + 1;
    for (; *d >= '0' && *d <= '9'; d++)
        if ((value = value * 10 + (unsigned)(*d - '0')) > 65535)
            return -1;
    if (*d != '\0' || d == colon + 1 || value == 0 || hlen == 0 || hlen >= hostcap)
        return -1;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    snprintf(port, 6, "%u", value);
    return 0;
}

/* Bind an absolute pathname (the server resolves a relative one from its
 * own directory): DIR/dgram-upper-client.PID.N, N past names in use. */
static int bind_pathname(int fd)
{
    char cwd[sizeof my_path];
    const char *dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] != '/' || strlen(dir) > sizeof my_path - 40)
        dir = getcwd(cwd, sizeof cwd);
    if (dir == NULL) {
        fprintf(stderr, PROG ": no directory short enough for a socket name\n");
        return -1;
    }
    sigset_t sigs, old;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &sigs, &old) == -1) { /* the handler sees the name bound or not at all */
        perror(PROG ": sigprocmask");
        return -1;
    }
    struct sockaddr_un me = { .sun_family = AF_UNIX };
    int rc = -1, len = 0;
    for (int n = 0; rc == -1 && n < 100; n++) {
        len = snprintf(me.sun_path, sizeof me.sun_path, "%s/dgram-upper-client.%ld.%d", dir, (long)getpid(), n);
        if (len < 0 || (size_t)len >= sizeof me.sun_path) {
            errno = ENAMETOOLONG;
            break;
        }
        rc = bind(fd, (struct sockaddr *)&me, sizeof me);
        if (rc == -1 && errno != EADDRINUSE)
            break;
    }
    if (rc == 0) {
        memcpy(my_path, me.sun_path, (size_t)len + 1);
        my_path_bound = 1;
    } else {
        fprintf(stderr, PROG ": bind %s: %s\n", me.sun_path, strerror(errno));
    }
    if (sigprocmask(SIG_SETMASK, &old, NULL) == -1) {
        perror(PROG ": sigprocmask");
        rc = -1;
    }
    return rc;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un srv = { .sun_family = AF_UNIX };
    strncpy(srv.sun_path, path, sizeof srv.sun_path - 1); /* main checked the length */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        perror(PROG ": socket");
        return -1;
    }
    if (bind_pathname(fd) == 0) {
        if (connect(fd, (struct sockaddr *)&srv, sizeof srv) == 0)
            return fd;
        fprintf(stderr, PROG ": connect %s: %s\n", path, strerror(errno));
    }
    close(fd);
    return -1;
}

static int connect_udp(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV };
    struct addrinfo *ai;
    int err = getaddrinfo(host, port, &hints, &ai);
    if (err != 0) {
        fprintf(stderr, PROG ": %s: %s\n", host, gai_strerror(err));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd == -1 || connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
        fprintf(stderr, PROG ": %s %s port %s: %s\n", fd == -1 ? "socket" : "connect", host, port,
                strerror(errno));
        if (fd != -1)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w == -1 && errno != EINTR)
            return -1;
        if (w > 0)
            p += w, n -= (size_t)w;
    }
    return 0;
}

/* One try: the reply's length; -1 if none came within TRY_MS; -2 on error
 * (ECONNREFUSED, i.e. nobody there, is treated as an error at once). */
static ssize_t one_try(int fd, const char *line, size_t len, char *buf, size_t cap)
{
    /* the socket is non-blocking: a full server queue just loses this try */
    if (write(fd, line, len) == -1 && errno != EAGAIN && errno != EINTR) {
        fprintf(stderr, PROG ": write: %s\n", strerror(errno));
        return -2;
    }
    struct timespec start, now;
    if (clock_gettime(CLOCK_MONOTONIC, &start) == -1)
        return -2;
    for (;;) {
        if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
            return -2;
        long left = TRY_MS - (now.tv_sec - start.tv_sec) * 1000 - (now.tv_nsec - start.tv_nsec) / 1000000;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (ready == 0)
            return -1;
        ssize_t got = ready > 0 ? read(fd, buf, cap) : -1;
        if (got >= 0)
            return got;
        if (errno != EINTR && errno != EAGAIN) {
            fprintf(stderr, PROG ": %s: %s\n", ready > 0 ? "read" : "poll", strerror(errno));
            return -2;
        }
    }
}

int main(int argc, char **argv)
{
    char host[NI_MAXHOST], port[6];
    const char *ep = argc == 2 ? argv[1] : "";
    int is_unix = strchr(ep, '/') != NULL;
    if (argc != 2 || (is_unix ? strlen(ep) >= sizeof my_path
                              : parse_udp(ep, host, sizeof host, port) == -1)) {
        fputs("usage: " PROG " HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", stderr);
        return 2;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    if (atexit(remove_my_path) != 0 || sigaction(SIGINT, &sa, NULL) == -1 ||
        sigaction(SIGTERM, &sa, NULL) == -1) {
        fputs(PROG ": cannot arrange the clean-up at exit\n", stderr);
        return 1;
    }
    int fd = is_unix ? connect_unix(ep) : connect_udp(host, port);
    if (fd == -1)
        return 1;
    static char reply[65536];
    char *line = NULL;
    size_t cap = 0;
    ssize_t len, got = 0;
    int status = 0;
    while (got != -2 && (len = getline(&line, &cap, stdin)) != -1) {
        len -= len > 0 && line[len - 1] == '\n';
        if (len > MAX_DGRAM) {
            fprintf(stderr, PROG ": a line of %zd bytes is too long for a datagram: skipped\n", len);
            status = 1;
            continue;
        }
        got = -1;
        for (int try = 0; try < TRIES && got == -1; try++)
            got = one_try(fd, line, (size_t)len, reply, sizeof reply);
        if (got == -1) {
            fprintf(stderr, PROG ": no reply from %s after %d tries\n", ep, TRIES);
            got = -2;
        } else if (got >= 0 && (write_all(STDOUT_FILENO, reply, (size_t)got) == -1 ||
                                write_all(STDOUT_FILENO, "\n", 1) == -1)) {
            perror(PROG ": write to stdout");
            got = -2;
        }
    }
    if (ferror(stdin))
        perror(PROG ": reading stdin");
    if (got == -2 || ferror(stdin))
        status = 1;
    free(line);
    close(fd);
    return status; /* atexit removes the socket file */
}
