/*
 * dgram-upper-server ENDPOINT, written differently: no poll at all, the
 * loop blocks in recvfrom, and the SIGINT/SIGTERM handler does the whole
 * clean-up itself with async-signal-safe calls (close, unlink, _exit). As
 * the handler never returns, nothing is left to race with and SA_RESTART
 * does not matter. The signals stay blocked while the socket is being set
 * up, so the handler only ever sees a finished state.
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PROG "dgram-upper-server"

enum { MAX_DGRAM = 65507 };

/* What the handler cleans up: written only while the signals are blocked. */
static int sock_fd = -1;
static char sock_path[sizeof ((struct sockaddr_un *)0)->sun_path]; /* "" for UDP */

/* Only async-signal-safe calls; their failures could not be reported anyway. */
static void quit(int signo)
{
    (void)signo;
    if (sock_fd != -1)
        close(sock_fd);
    if (sock_path[0] != '\0')
        unlink(sock_path);
    _exit(0);
}

static long parse_port(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 || v > 65535)
        return -1;
    return v;
}

/* Split "HOST:PORT" or "[IPV6]:PORT" in place. */
static int split(char *arg, char **host, char **port)
{
    char *sep = arg[0] == '[' ? strstr(arg, "]:") : strchr(arg, ':');
    if (sep == NULL)
        return -1;
    *host = arg[0] == '[' ? arg + 1 : arg;
    *port = sep + (*sep == ']' ? 2 : 1);
    *sep = '\0';
    return **host != '\0' && parse_port(*port) != -1 ? 0 : -1;
}

static int udp_socket(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV }, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, PROG ": getaddrinfo %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd == -1) {
        perror(PROG ": socket");
    } else if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
        fprintf(stderr, PROG ": bind %s port %s: %s\n", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

static int unix_socket(const char *path)
{
    struct stat st;
    int exists = lstat(path, &st) == 0;
    if (!exists && errno != ENOENT) {
        fprintf(stderr, PROG ": lstat %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (exists && !S_ISSOCK(st.st_mode)) {
        fprintf(stderr, PROG ": %s: exists and is not a socket, refusing to remove it\n", path);
        return -1;
    }
    if (exists && unlink(path) == -1) { /* a stale socket from an earlier run */
        fprintf(stderr, PROG ": unlink %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    memcpy(sun.sun_path, path, strlen(path)); /* main checked it fits with its NUL */
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror(PROG ": socket");
    } else if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, PROG ": bind %s: %s\n", path, strerror(errno));
        close(fd);
        fd = -1;
    } else {
        memcpy(sock_path, path, strlen(path) + 1); /* now ours to remove */
    }
    return fd;
}

/* Serve forever: only the signal handler ends the process. */
_Noreturn static void serve(int fd)
{
    static char buf[MAX_DGRAM + 1]; /* one spare byte shows a datagram was cut */
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t peerlen = sizeof peer;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &peerlen);
        if (n == -1) {
            if (errno != EINTR)
                perror(PROG ": recvfrom");
            continue;
        }
        if (n > MAX_DGRAM) {
            fprintf(stderr, PROG ": datagram over %d bytes dropped\n", MAX_DGRAM);
            continue;
        }
        if (peerlen <= sizeof(sa_family_t)) {
            fprintf(stderr, PROG ": %zd bytes from an unbound socket: cannot reply\n", n);
            continue;
        }
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)buf[i];
            buf[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c); /* ASCII only, never the locale */
        }
        /* MSG_DONTWAIT: a client that never reads loses its reply, others keep theirs */
        if (sendto(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&peer, peerlen) == -1)
            fprintf(stderr, PROG ": sendto: %s; reply dropped\n", strerror(errno));
    }
}

int main(int argc, char **argv)
{
    char *host = NULL, *port = NULL;
    int is_unix = argc == 2 && strchr(argv[1], '/') != NULL;
    if (argc != 2 || (is_unix && strlen(argv[1]) >= sizeof sock_path) ||
        (!is_unix && split(argv[1], &host, &port) == -1)) {
        fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", PROG);
        return 2;
    }
    sigset_t both, old;
    sigemptyset(&both);
    sigaddset(&both, SIGINT);
    sigaddset(&both, SIGTERM);
    struct sigaction sa = { .sa_handler = quit, .sa_mask = both };
    if (sigprocmask(SIG_BLOCK, &both, &old) == -1 || sigaction(SIGINT, &sa, NULL) == -1 ||
        sigaction(SIGTERM, &sa, NULL) == -1) {
        perror(PROG ": signals");
        return 1;
    }
    int fd = is_unix ? unix_socket(argv[1]) : udp_socket(host, port);
    if (fd == -1)
        return 1;
    sock_fd = fd;
    if (sigprocmask(SIG_SETMASK, &old, NULL) == -1) { /* a signal already pending acts here */
        perror(PROG ": sigprocmask");
        close(fd);
        if (is_unix && unlink(argv[1]) == -1)
            perror(PROG ": unlink");
        return 1;
    }
    serve(fd);
}
