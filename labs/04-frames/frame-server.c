/*
 * frame-server ENDPOINT — lab 04. The task is in README.md beside this file.
 *
 * ENDPOINT is a PORT (digits only: TCP on every local address) or a Unix
 * socket path (AF_UNIX SOCK_STREAM). A frame is a 4-byte unsigned length in
 * network byte order followed by that many payload bytes; every frame is
 * answered with one frame holding the payload reversed.
 *
 * Fill in the TODOs in order (1 to 4 answer frames from a well-behaved
 * client; 5 to 7 make the server survive the others). After each one, build
 * and try it by hand (README.md shows how), then run `make grade LAB=04`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_PAYLOAD (16u * 1024 * 1024) /* the contract's limit: 16 MiB */

static const char *const prog = "frame-server";

/* Set from the signal handler, so it must be volatile sig_atomic_t. */
static volatile sig_atomic_t stop_requested;

/*
 * TODO 6 — signals (Chapter 5, "Clean shutdown on signals" and
 * "Vanished peers and SIGPIPE").
 * Handle SIGINT and SIGTERM without losing one that lands just before a
 * blocking call (self-pipe, signalfd, ppoll/pselect, or cleanup in the
 * handler), and ignore SIGPIPE (or use MSG_NOSIGNAL).
 */
static int setup_signals(void)
{
    return 0;
}

/* What reading exactly n bytes came to. */
enum got { GOT_ALL, GOT_EOF, GOT_ERROR, GOT_STOP };

/*
 * TODO 3 — exactly n bytes (Chapter 5, "Short reads and short writes").
 * A stream keeps no boundaries: one recv may return 1 byte of your 4-byte
 * header, or the end of this frame and the start of the next. Loop until
 * buf holds exactly n bytes: GOT_ALL. GOT_EOF if the peer closed first
 * (*done bytes arrived: 0 is a clean end between frames, more is a cut
 * frame, which the caller logs), GOT_ERROR on an error, GOT_STOP on a stop
 * signal.
 */
static enum got recv_exact(int fd, unsigned char *buf, size_t n, size_t *done)
{
    (void)fd;
    (void)buf;
    (void)n;
    *done = 0;
    return GOT_ERROR;
}

/*
 * TODO 4 — a connection's frames (Chapter 7).
 * Read the 4-byte header, ntohl it. TODO 5: a length over MAX_PAYLOAD comes
 * from an untrusted peer — log it on stderr and close the connection
 * WITHOUT allocating that much. Otherwise allocate the payload (0 bytes is
 * a valid frame!), read it, reverse it, send htonl length + payload with a
 * loop that copes with short writes. Free what you allocated on every path.
 * Go on until the client closes between two frames; a cut frame is logged.
 * Whatever this client does, return: the caller closes fd.
 */
static void serve_connection(int fd, unsigned conn)
{
    (void)fd;
    (void)conn;
    (void)recv_exact;
}

/*
 * TODO 2 — listening (Chapter 5, "Server lifecycle").
 * For a port: a TCP socket on every local address (AF_INET6 with
 * IPV6_V6ONLY off, or AF_INET with INADDR_ANY), SO_REUSEADDR, bind, listen.
 * For a path: remove a stale socket file as in lab 01, then AF_UNIX
 * SOCK_STREAM, bind, listen. Returns the listening descriptor, or -1 after
 * printing "frame-server: CALL ...: strerror(errno)".
 */
static int listen_on(uint16_t port, const struct sockaddr_un *addr)
{
    (void)port;
    (void)addr;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 7 — the main loop: accept a client, answer frames until it closes
 * (or sends something bad), close its descriptor, accept the next one —
 * until a stop signal. One client's bad frame never stops the server.
 * Return 0 on a stop signal, -1 on an error (after printing it).
 */
static int serve(int listen_fd)
{
    (void)listen_fd;
    (void)serve_connection;
    fprintf(stderr, "%s: TODO 7 not written yet\n", prog);
    return -1;
}

/*
 * TODO 1 — the endpoint (Chapter 4, "Path length" and
 * "Internet addresses and byte order").
 * If arg is made of decimal digits only, it is a TCP port: 1 to 65535, or
 * return -1 (main exits 2). Otherwise it is a Unix path, which must be
 * shorter than sizeof addr->sun_path, or return -1.
 * Sets *port (0 for a path) and fills addr for a path.
 */
static int parse_endpoint(const char *arg, uint16_t *port, struct sockaddr_un *addr)
{
    (void)arg;
    (void)addr;
    *port = 0;
    return 0;
}

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    uint16_t port;
    if (argc != 2 || parse_endpoint(argv[1], &port, &addr) == -1) {
        fprintf(stderr, "usage: %s PORT|PATH  (PORT: 1 to 65535; PATH shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(port, &addr);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    /* TODO 8 — remove the socket file (a path only). */
    return status;
}
