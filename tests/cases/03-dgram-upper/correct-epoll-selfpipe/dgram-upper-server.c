/*
 * dgram-upper-server ENDPOINT, written differently: a non-blocking socket
 * read with recvfrom and answered with sendto, epoll as the only place that
 * blocks, and the self-pipe trick: the SIGINT/SIGTERM handler writes a byte
 * into a pipe that epoll also watches, so a signal that arrives anywhere
 * (even just before epoll_wait) still wakes the loop. For a Unix path, bind
 * is tried first and the path inspected only when it is taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PROG "dgram-upper-server"

enum { MAX_DGRAM = 65507, BATCH = 64 };

static int wake_fd = -1; /* the pipe's write end, for the handler */

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    ssize_t w = write(wake_fd, &b, 1); /* full pipe: a wake-up is pending anyway */
    (void)w;
    errno = saved;
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

static int open_udp(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *ai;
    int err = getaddrinfo(host, port, &hints, &ai);
    if (err != 0) {
        fprintf(stderr, PROG ": getaddrinfo %s: %s\n", host, gai_strerror(err));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd == -1 || bind(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
        fprintf(stderr, PROG ": %s %s port %s: %s\n", fd == -1 ? "socket" : "bind", host, port,
                strerror(errno));
        if (fd != -1)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* Bind; if the name is taken by a socket file, remove it and bind again. */
static int open_unix(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    strncpy(sun.sun_path, path, sizeof sun.sun_path - 1); /* main checked the length */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        perror(PROG ": socket");
        return -1;
    }
    int rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
    if (rc == -1 && errno == EADDRINUSE) {
        struct stat st;
        if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode)) {
            fprintf(stderr, PROG ": %s exists and is not a socket: left alone\n", path);
            close(fd);
            return -1;
        }
        if (unlink(path) == 0 || errno == ENOENT)
            rc = bind(fd, (struct sockaddr *)&sun, sizeof sun);
    }
    if (rc == -1) {
        fprintf(stderr, PROG ": bind %s: %s\n", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Answer what is queued, at most BATCH datagrams so the pipe gets its turn. */
static void drain(int sock)
{
    static char buf[MAX_DGRAM];
    for (int i = 0; i < BATCH; i++) {
        struct sockaddr_storage from;
        socklen_t fromlen = sizeof from;
        /* MSG_TRUNC: the real size, so an oversized AF_UNIX datagram is noticed */
        ssize_t n = recvfrom(sock, buf, sizeof buf, MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
        if (n == -1) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                perror(PROG ": recvfrom");
            return;
        }
        size_t len = (size_t)n;
        if (len > sizeof buf) {
            fprintf(stderr, PROG ": %zu-byte datagram: answering its first %zu bytes\n", len, sizeof buf);
            len = sizeof buf;
        }
        if (fromlen <= sizeof(sa_family_t)) {
            fputs(PROG ": datagram from an unbound Unix socket: nowhere to reply\n", stderr);
            continue;
        }
        for (char *p = buf; p < buf + len; p++)   /* ASCII only, whatever the locale */
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - ('a' - 'A'));
        /* the socket is non-blocking: a full Unix client queue gives EAGAIN */
        if (sendto(sock, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&from, fromlen) == -1)
            fprintf(stderr, PROG ": sendto: %s (reply dropped)\n", strerror(errno));
    }
}

static int serve(int sock, int wake_r)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep == -1) {
        perror(PROG ": epoll_create1");
        return 1;
    }
    struct epoll_event a = { .events = EPOLLIN, .data.fd = sock };
    struct epoll_event b = { .events = EPOLLIN, .data.fd = wake_r };
    int status = -1;
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sock, &a) == -1 || epoll_ctl(ep, EPOLL_CTL_ADD, wake_r, &b) == -1) {
        perror(PROG ": epoll_ctl");
        status = 1;
    }
    while (status == -1) {
        struct epoll_event ev[2];
        int n = epoll_wait(ep, ev, 2, -1);
        if (n == -1 && errno != EINTR) {
            perror(PROG ": epoll_wait");
            status = 1;
        }
        for (int i = 0; i < n; i++) {
            if (ev[i].data.fd == wake_r)
                status = 0;            /* a signal: finish this round, then leave */
            else
                drain(sock);
        }
    }
    close(ep);
    return status;
}

int main(int argc, char **argv)
{
    char host[NI_MAXHOST], port[6];
    const char *ep = argc == 2 ? argv[1] : "";
    int is_unix = strchr(ep, '/') != NULL;
    if (argc != 2 || (is_unix ? strlen(ep) >= sizeof ((struct sockaddr_un *)0)->sun_path
                              : parse_udp(ep, host, sizeof host, port) == -1)) {
        fputs("usage: " PROG " HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", stderr);
        return 2;
    }
    int wake[2];
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1) {
        perror(PROG ": pipe2");
        return 1;
    }
    wake_fd = wake[1];
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    int status = 1;
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1) {
        perror(PROG ": sigaction");
    } else {
        int sock = is_unix ? open_unix(ep) : open_udp(host, port);
        if (sock != -1) {
            status = serve(sock, wake[0]);
            close(sock);
            if (is_unix && unlink(ep) == -1)
                fprintf(stderr, PROG ": unlink %s: %s\n", ep, strerror(errno));
        }
    }
    close(wake[0]);
    close(wake[1]);
    return status;
}
