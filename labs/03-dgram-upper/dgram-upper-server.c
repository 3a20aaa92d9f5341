/*
 * dgram-upper-server ENDPOINT — lab 03. The task is in README.md beside
 * this file.
 *
 * Answers every datagram, to its sender, with the same bytes in which the
 * ASCII letters a-z are upper-cased. ENDPOINT is HOST:PORT for UDP (HOST a
 * name, an IPv4 address or an [IPv6] address in brackets) or a path that
 * contains a '/' for an AF_UNIX datagram socket.
 *
 * A datagram socket has no connections and no end of file: one socket
 * serves every sender, recvfrom() tells us who sent each datagram, and a
 * datagram of 0 bytes is a message like any other.
 *
 * Shutdown is done for you, the lab 01 way: SIGINT and SIGTERM stay
 * blocked except inside ppoll(), so no signal is lost. So are parsing
 * ENDPOINT and removing a stale socket file. Fill in the TODOs in order.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "dgram-upper-server";

/* The largest UDP payload over IPv4: 65535 - 20 (IP header) - 8 (UDP header). */
enum { MAX_DATAGRAM = 65507 };

/* Where to listen: a Unix path, or a host and a port for UDP. */
struct endpoint {
    const char *text;  /* as given, for messages */
    const char *path;  /* non-NULL for AF_UNIX */
    char host[256];    /* empty: every local address */
    char port[6];
};

/* Set by the handler; read only after ppoll() returns. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* The mask to wait with: the one we started with, stop signals unblocked. */
static sigset_t wait_mask;

/* Block SIGINT and SIGTERM everywhere but in ppoll, and install the handler. */
static int setup_signals(void)
{
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask) == -1)
        return -1;
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);

    struct sigaction sa = { .sa_handler = request_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        return -1;
    return 0;
}

/*
 * TODO 1 — a port is 1 to 65535 in decimal digits only (no sign, no
 * spaces, not atoi: "70000" and "80x" are usage errors). Return 1 if valid.
 */
static int valid_port(const char *text)
{
    (void)text;
    return 1;
}

/*
 * PATH (with a '/'), HOST:PORT or [IPv6]:PORT. An IPv6 address without
 * brackets is refused: its colons make the port ambiguous.
 */
static int parse_endpoint(const char *text, struct endpoint *ep)
{
    struct sockaddr_un un;
    ep->text = text;
    if (strchr(text, '/') != NULL) {
        ep->path = text;
        return strlen(text) < sizeof un.sun_path ? 0 : -1; /* room for the NUL */
    }
    ep->path = NULL;
    const char *host = text, *host_end, *port;
    if (*text == '[') {
        host = text + 1;
        host_end = strchr(host, ']');
        if (host_end == NULL || host_end[1] != ':')
            return -1;
        port = host_end + 2;
    } else {
        host_end = strchr(text, ':');
        if (host_end == NULL || strchr(host_end + 1, ':') != NULL)
            return -1;
        port = host_end + 1;
    }
    size_t host_len = (size_t)(host_end - host);
    if (host_len >= sizeof ep->host || !valid_port(port))
        return -1;
    memcpy(ep->host, host, host_len);
    ep->host[host_len] = '\0';
    strcpy(ep->port, port); /* at most 5 digits: checked above */
    return 0;
}

/* A stale socket file from an earlier run may go; any other file stays. */
static int remove_stale_socket(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return unlink(path);
}

/*
 * TODO 6 — a datagram socket bound to a Unix path
 * (Chapter 6, "Unix datagram sockets"): call remove_stale_socket(path)
 * first (on failure print why and return -1), then socket(AF_UNIX,
 * SOCK_DGRAM, 0) and bind to a struct sockaddr_un holding path. Errors:
 * print "dgram-upper-server: bind PATH: strerror" and return -1 (closing
 * the socket). Returns the fd.
 */
static int bind_unix(const char *path)
{
    (void)path;
    (void)remove_stale_socket;
    fprintf(stderr, "%s: TODO 6 not written yet\n", prog);
    return -1;
}

/*
 * TODO 2 — a UDP socket (Chapter 6, "sendto and recvfrom"): getaddrinfo
 * for ep->host (NULL if empty) and ep->port with AF_UNSPEC, SOCK_DGRAM
 * and AI_PASSIVE; socket() with the FIRST result's family, then bind to
 * its address. Errors name the call and the cause, e.g.
 * "dgram-upper-server: bind 127.0.0.1:5000: Address already in use"
 * (gai_strerror for getaddrinfo). freeaddrinfo in every case.
 */
static int bind_udp(const struct endpoint *ep)
{
    (void)ep;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 3 — upper-case the ASCII letters a-z in buf, and nothing else
 * (Chapter 6, "Upper-casing without the locale"): not toupper().
 */
static void upper_ascii(char *buf, size_t n)
{
    (void)buf;
    (void)n;
}

/*
 * TODO 5 — send the reply to peer (peer_len bytes of it) with sendto.
 * Never block here: a Unix-domain client that does not read its replies
 * fills its queue, and a blocking sendto would stall the server for
 * everybody (MSG_DONTWAIT; on failure print the error and drop the reply).
 * A Unix sender that did not bind has no address (peer_len is 0 or
 * sizeof(sa_family_t)): say so on stderr instead of replying.
 */
static void reply(int fd, const char *buf, size_t n,
                  const struct sockaddr_storage *peer, socklen_t peer_len)
{
    (void)fd;
    (void)buf;
    (void)n;
    (void)peer;
    (void)peer_len;
}

/* Wait for a datagram: 1 ready, 0 stop signal, -1 error. */
static int wait_readable(int fd)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    while (!stop_requested) {
        int n = ppoll(&pfd, 1, NULL, &wait_mask);
        if (n > 0)
            return 1;
        if (n == -1 && errno != EINTR)
            return -1;
    }
    return 0;
}

/*
 * TODO 4 — answer datagrams until a stop signal
 * (Chapter 6, "Message size and truncation" and "Zero-length datagrams").
 * Loop: wait_readable(fd) (0: return 0; -1: return -1); recvfrom into a
 * buffer of MAX_DATAGRAM + 1 bytes with MSG_DONTWAIT, keeping the sender's
 * address and its length; EAGAIN or EINTR: go round again. A datagram that
 * fills the whole buffer was too long: drop it (say so on stderr). A
 * datagram of 0 bytes is a message, not an end of file. Then upper_ascii
 * and reply.
 */
static int serve(int fd)
{
    (void)wait_readable;
    (void)upper_ascii;
    (void)reply;
    (void)fd;
    fprintf(stderr, "%s: TODO 4 not written yet\n", prog);
    return -1;
}

int main(int argc, char *argv[])
{
    struct endpoint ep;
    if (argc != 2 || parse_endpoint(argv[1], &ep) == -1) {
        fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH  (PORT: 1 to 65535; PATH with a '/', under 108 bytes)\n", prog);
        return 2;
    }
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int fd = ep.path != NULL ? bind_unix(ep.path) : bind_udp(&ep);
    if (fd == -1)
        return 1;
    int status = serve(fd) == 0 ? 0 : 1;
    close(fd);
    if (ep.path != NULL && unlink(ep.path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, ep.path, strerror(errno));
        status = 1;
    }
    return status;
}
