/*
 * tcp-echo-server PORT [BIND_ADDR]
 *
 * A TCP echo server. Without BIND_ADDR it listens on every local address,
 * IPv4 and IPv6, through one AF_INET6 socket with IPV6_V6ONLY off: IPv4
 * clients then arrive as IPv4-mapped addresses (::ffff:127.0.0.1). With
 * BIND_ADDR it listens only there (the first getaddrinfo result).
 *
 * One client at a time: every byte is sent straight back until the client's
 * EOF, then the connection is closed and the next client accepted. Each
 * client is logged as "accepted ADDR PORT" (numeric, from getnameinfo).
 *
 * Shutdown: SIGINT and SIGTERM stay blocked except inside ppoll(), which
 * unblocks them atomically while we wait, so a signal can never land
 * between "check the flag" and "start waiting".
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const prog = "tcp-echo-server";

/* Set by the handler; read only after ppoll() returns. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* The mask to wait with: the one we started with, stop signals unblocked. */
static sigset_t wait_mask;

/*
 * Block SIGINT and SIGTERM (ppoll unblocks them), install the handler, and
 * ignore SIGPIPE: a vanished client must make send() fail, not kill us.
 */
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

    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGPIPE, &ignore, NULL);
}

/* Wait until fd is ready for `events`: 1 ready, 0 stop signal, -1 error. */
static int wait_for(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    while (!stop_requested) {
        int n = ppoll(&pfd, 1, NULL, &wait_mask);
        if (n > 0)
            return 1;
        if (n == -1 && errno != EINTR)
            return -1;
    }
    return 0;
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Send all n bytes, however many calls it takes (send may write fewer). */
static int send_all(int fd, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t sent = send(fd, buf + done, n - done, MSG_NOSIGNAL);
        if (sent >= 0)
            done += (size_t)sent;
        else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(fd, POLLOUT) <= 0)
                return -1;
        } else if (errno != EINTR)
            return -1;
    }
    return 0;
}

/*
 * Echo until the client's EOF. A client that vanishes (EPIPE, ECONNRESET)
 * only ends its own session. Returns -1 only if a stop signal came.
 */
static int echo_client(int fd)
{
    char buf[64 * 1024];
    for (;;) {
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got > 0) {
            if (send_all(fd, buf, (size_t)got) == -1) {
                if (stop_requested)
                    return -1;
                fprintf(stderr, "%s: send: %s (client gone)\n", prog, strerror(errno));
                return 0;
            }
        } else if (got == 0) {
            return 0;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int ready = wait_for(fd, POLLIN);
            if (ready == 0)
                return -1;
            if (ready == -1)
                return 0;
        } else if (errno != EINTR) {
            fprintf(stderr, "%s: recv: %s (client gone)\n", prog, strerror(errno));
            return 0;
        }
    }
}

/* "accepted ADDR PORT", numeric: getnameinfo never asks DNS this way. */
static void log_client(const struct sockaddr *sa, socklen_t len)
{
    char host[NI_MAXHOST], port[NI_MAXSERV];
    int err = getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                          NI_NUMERICHOST | NI_NUMERICSERV);
    if (err != 0)
        fprintf(stderr, "%s: getnameinfo: %s\n", prog, gai_strerror(err));
    else
        fprintf(stderr, "%s: accepted %s %s\n", prog, host, port);
}

/*
 * A listening socket for one address. SO_REUSEADDR lets a restarted server
 * bind while its old connections are in TIME_WAIT. A dual-stack socket
 * needs IPV6_V6ONLY off explicitly: the default is a system setting.
 */
static int listen_on(int family, const struct sockaddr *addr, socklen_t len, int dual)
{
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    int on = 1, off = 0;
    const char *call = "setsockopt SO_REUSEADDR";
    int ok = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0;
    if (ok && dual) {
        call = "setsockopt IPV6_V6ONLY";
        ok = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == 0;
    }
    if (ok) {
        call = "bind";
        ok = bind(fd, addr, len) == 0;
    }
    if (ok) {
        call = "listen";
        ok = listen(fd, SOMAXCONN) == 0 && set_nonblocking(fd) == 0;
    }
    if (!ok) {
        fprintf(stderr, "%s: %s: %s\n", prog, call, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Every address, IPv4 and IPv6, on one dual-stack socket. */
static int listen_everywhere(unsigned short port)
{
    struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(port),
                                .sin6_addr = IN6ADDR_ANY_INIT };
    return listen_on(AF_INET6, (struct sockaddr *)&any, sizeof any, 1);
}

/* Only BIND_ADDR: the first result getaddrinfo gives for it. */
static int listen_at(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *list;
    int err = getaddrinfo(host, port, &hints, &list);
    if (err != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, host, gai_strerror(err));
        return -1;
    }
    int fd = listen_on(list->ai_family, list->ai_addr, list->ai_addrlen, 0);
    freeaddrinfo(list);
    return fd;
}

/* Accept and serve clients one after another until a stop signal. */
static int serve(int listen_fd)
{
    for (;;) {
        int ready = wait_for(listen_fd, POLLIN);
        if (ready == 0)
            return 0;
        if (ready == -1) {
            fprintf(stderr, "%s: ppoll: %s\n", prog, strerror(errno));
            return -1;
        }
        struct sockaddr_storage peer;
        socklen_t len = sizeof peer;
        int client = accept4(listen_fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client == -1) {
            /* The client may have given up between ppoll and accept. */
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
                continue;
            fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
            return -1;
        }
        log_client((struct sockaddr *)&peer, len);
        int stopped = echo_client(client);
        close(client);
        if (stopped == -1)
            return 0;
    }
}

/* A port is 1 to 65535, in decimal digits only: no sign, no spaces. */
static int parse_port(const char *text, unsigned short *port)
{
    unsigned long value = 0;
    if (*text == '\0' || strlen(text) > 5)
        return -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        value = value * 10 + (unsigned long)(*p - '0');
    }
    if (value < 1 || value > 65535)
        return -1;
    *port = (unsigned short)value;
    return 0;
}

int main(int argc, char *argv[])
{
    unsigned short port;
    if (argc < 2 || argc > 3 || parse_port(argv[1], &port) == -1) {
        fprintf(stderr, "usage: %s PORT [BIND_ADDR]  (PORT: 1 to 65535)\n", prog);
        return 2;
    }
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = argc == 3 ? listen_at(argv[2], argv[1]) : listen_everywhere(port);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    return status;
}
