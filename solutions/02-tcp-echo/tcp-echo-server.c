// solution only begin: the skeleton has a header of its own
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
// solution only stub:
// /*
//  * tcp-echo-server PORT [BIND_ADDR] — lab 02. The task is in README.md beside
//  * this file.
//  *
//  * A TCP echo server: without BIND_ADDR it listens on every local address,
//  * IPv4 and IPv6; with BIND_ADDR only there. One client at a time, every byte
//  * sent straight back until the client's EOF, then the next client; each
//  * client logged as "accepted ADDR PORT". SIGINT or SIGTERM: close
//  * everything, exit 0.
//  *
//  * Fill in the TODOs in order (1 to 4 make a working server; 5 to 7 make it
//  * right); after each one, build and try it by hand (README.md shows how),
//  * then run `make grade LAB=02`. Lab 01's server is a good place to start.
//  */
// solution only end
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

/* Set from the signal handler, so it must be volatile sig_atomic_t. */
static volatile sig_atomic_t stop_requested;

/*
 * TODO 1 begin — the port [04-addresses#ports-and-ephemeral-ports].
 * A port is 1 to 65535 written in decimal digits and nothing else: "0",
 * "70000", "abc", "8o80" and "" are all refused (return -1; main then exits
 * 2 with the usage line). atoi cannot tell "abc" from "0": check each
 * character, or use strtol with an end pointer, and check the range.
 */
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
// TODO 1 stub:
// static int parse_port(const char *text, unsigned short *port)
// {
//     (void)text;
//     (void)port;
//     return -1;
// }
// TODO 1 end

/*
 * TODO 6 begin — signals [05-lifecycle#clean-shutdown-on-signals 05-lifecycle#vanished-peers-and-sigpipe].
 * As in lab 01: handle SIGINT and SIGTERM without the race, and ignore
 * SIGPIPE (or send with MSG_NOSIGNAL).
 */
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
// TODO 6 stub:
// static int setup_signals(void)
// {
//     return 0;
// }
// TODO 6 end

// solution only begin: helpers of the model solution

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
// solution only end

/*
 * TODO 4 begin — echo one client [05-lifecycle#bytes-not-strings 05-lifecycle#short-reads-and-short-writes].
 * As in lab 01, until the client's EOF. A client that vanishes (EPIPE,
 * ECONNRESET) ends this session only. Return 0 when the client is done, -1
 * when a stop signal cut it short.
 */
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
// TODO 4 stub:
// static int echo_client(int fd)
// {
//     (void)fd;
//     return 0;
// }
// TODO 4 end

/*
 * TODO 5 begin — the log line [04-addresses#getaddrinfo-and-getnameinfo].
 * Print "tcp-echo-server: accepted ADDR PORT" to stderr, with ADDR and PORT
 * from getnameinfo(..., NI_NUMERICHOST | NI_NUMERICSERV) on the address
 * accept filled in (give accept a struct sockaddr_storage and its length).
 */
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
// TODO 5 stub:
// static void log_client(const struct sockaddr *sa, socklen_t len)
// {
//     (void)sa;
//     (void)len;
// }
// TODO 5 end

/*
 * TODO 2 begin — the listening socket [04-addresses#dual-stack-and-ipv6_v6only 05-lifecycle#time_wait-and-so_reuseaddr].
 * - No bind_addr: listen on every address, IPv4 and IPv6. Either one
 *   AF_INET6 socket bound to in6addr_any with IPV6_V6ONLY set to 0 (say so
 *   explicitly with setsockopt: the default is a system setting), or two
 *   sockets (then your serve loop must poll both).
 * - bind_addr given: getaddrinfo(bind_addr, port_text) with AI_PASSIVE, and
 *   bind the FIRST result only. freeaddrinfo afterwards.
 * - Before bind: setsockopt SO_REUSEADDR, so that a restart right after
 *   serving clients does not fail with EADDRINUSE (TIME_WAIT).
 * - Remember htons on the port if you fill a sockaddr yourself.
 * On error print "tcp-echo-server: CALL: strerror(errno)" and return -1.
 */
/*
 * A listening socket for one address. SO_REUSEADDR lets a restarted server
 * bind while its old connections are in TIME_WAIT. A dual-stack socket
 * needs IPV6_V6ONLY off explicitly: the default is a system setting.
 */
static int open_listener(int family, const struct sockaddr *addr, socklen_t len, int dual)
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
    return open_listener(AF_INET6, (struct sockaddr *)&any, sizeof any, 1);
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
    int fd = open_listener(list->ai_family, list->ai_addr, list->ai_addrlen, 0);
    freeaddrinfo(list);
    return fd;
}

static int listen_on(const char *bind_addr, const char *port_text, unsigned short port)
{
    return bind_addr != NULL ? listen_at(bind_addr, port_text) : listen_everywhere(port);
}
// TODO 2 stub:
// static int listen_on(const char *bind_addr, const char *port_text, unsigned short port)
// {
//     (void)bind_addr;
//     (void)port_text;
//     (void)port;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 3 begin — the main loop [05-lifecycle#server-lifecycle 05-lifecycle#closing-every-descriptor].
 * Accept a client, log it, echo it, close its descriptor, accept the next,
 * until a stop signal. Return 0 on a clean stop, -1 on an error (after
 * printing it).
 */
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
// TODO 3 stub:
// static int serve(int listen_fd)
// {
//     (void)listen_fd;
//     (void)echo_client;
//     (void)log_client;
//     fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
//     return -1;
// }
// TODO 3 end

/* listen_on and serve report their own errors. */
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
    int listen_fd = listen_on(argc == 3 ? argv[2] : NULL, argv[1], port);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    /* TODO 7 begin — clean up: close the listening socket(s). */
    close(listen_fd);
    // TODO 7 end
    return status;
}
