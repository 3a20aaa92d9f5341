/*
 * tcp-echo-server PORT [BIND_ADDR] — lab 02. The task is in README.md beside
 * this file.
 *
 * A TCP echo server: without BIND_ADDR it listens on every local address,
 * IPv4 and IPv6; with BIND_ADDR only there. One client at a time, every byte
 * sent straight back until the client's EOF, then the next client; each
 * client logged as "accepted ADDR PORT". SIGINT or SIGTERM: close
 * everything, exit 0.
 *
 * Fill in the TODOs in order (1 to 4 make a working server; 5 to 7 make it
 * right); after each one, build and try it by hand (README.md shows how),
 * then run `make grade LAB=02`. Lab 01's server is a good place to start.
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

/* Set from the signal handler, so it must be volatile sig_atomic_t. */
static volatile sig_atomic_t stop_requested;

/*
 * TODO 1 — the port (Chapter 4, "Ports and ephemeral ports").
 * A port is 1 to 65535 written in decimal digits and nothing else: "0",
 * "70000", "abc", "8o80" and "" are all refused (return -1; main then exits
 * 2 with the usage line). atoi cannot tell "abc" from "0": check each
 * character, or use strtol with an end pointer, and check the range.
 */
static int parse_port(const char *text, unsigned short *port)
{
    (void)text;
    (void)port;
    return -1;
}

/*
 * TODO 6 — signals (Chapter 5, "Clean shutdown on signals" and
 * "Vanished peers and SIGPIPE").
 * As in lab 01: handle SIGINT and SIGTERM without the race, and ignore
 * SIGPIPE (or send with MSG_NOSIGNAL).
 */
static int setup_signals(void)
{
    return 0;
}

/*
 * TODO 4 — echo one client (Chapter 5, "Bytes, not strings" and
 * "Short reads and short writes").
 * As in lab 01, until the client's EOF. A client that vanishes (EPIPE,
 * ECONNRESET) ends this session only. Return 0 when the client is done, -1
 * when a stop signal cut it short.
 */
static int echo_client(int fd)
{
    (void)fd;
    return 0;
}

/*
 * TODO 5 — the log line (Chapter 4, "getaddrinfo and getnameinfo").
 * Print "tcp-echo-server: accepted ADDR PORT" to stderr, with ADDR and PORT
 * from getnameinfo(..., NI_NUMERICHOST | NI_NUMERICSERV) on the address
 * accept filled in (give accept a struct sockaddr_storage and its length).
 */
static void log_client(const struct sockaddr *sa, socklen_t len)
{
    (void)sa;
    (void)len;
}

/*
 * TODO 2 — the listening socket (Chapter 4, "Dual stack and IPV6_V6ONLY";
 * Chapter 5, "TIME_WAIT and SO_REUSEADDR").
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
static int listen_on(const char *bind_addr, const char *port_text, unsigned short port)
{
    (void)bind_addr;
    (void)port_text;
    (void)port;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 3 — the main loop (Chapter 5, "Server lifecycle" and
 * "Closing every descriptor").
 * Accept a client, log it, echo it, close its descriptor, accept the next,
 * until a stop signal. Return 0 on a clean stop, -1 on an error (after
 * printing it).
 */
static int serve(int listen_fd)
{
    (void)listen_fd;
    (void)echo_client;
    (void)log_client;
    fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
    return -1;
}

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
    /* TODO 7 — clean up: close the listening socket(s). */
    return status;
}
