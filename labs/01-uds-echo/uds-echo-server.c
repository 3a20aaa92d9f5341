/*
 * uds-echo-server PATH — lab 01. The task is in README.md beside this file.
 *
 * An AF_UNIX SOCK_STREAM echo server: one client at a time, every byte sent
 * straight back, until the client's EOF; then the next client. SIGINT or
 * SIGTERM: close everything, remove the socket file, exit 0.
 *
 * Fill in the TODOs in order (1 to 4 make a working echo server; 5 to 7
 * make it robust); after each one, build and try it by hand (README.md shows
 * how), then run `make grade LAB=01`.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "uds-echo-server";

/* Set from the signal handler, so it must be volatile sig_atomic_t. */
static volatile sig_atomic_t stop_requested;

/*
 * TODO 1 — the address (Chapter 4, "Path length").
 * Copy path into addr->sun_path. sun_path holds 108 bytes INCLUDING the
 * terminating NUL: a longer path must not be truncated or overflow the
 * array — return -1 instead (main then exits 2 with a usage line).
 */
static int fill_address(const char *path, struct sockaddr_un *addr)
{
    (void)path;
    (void)addr;
    return 0;
}

/*
 * TODO 6 — signals (Chapter 5, "Clean shutdown on signals" and
 * "Vanished peers and SIGPIPE").
 * - Catch SIGINT and SIGTERM: a handler installed with sigaction, or
 *   signalfd with the signals blocked.
 * - Ignore SIGPIPE (or pass MSG_NOSIGNAL to every send), so that a client
 *   that vanishes cannot kill the server.
 * - Beware the race: a flag checked just before a blocking call (accept, or
 *   read from an idle client) can miss a signal that lands in between. The
 *   chapter shows four fixes (self-pipe, signalfd, ppoll/pselect with the
 *   signals blocked, or doing the cleanup in the handler itself). Pick one.
 * Return 0 on success, -1 on error (errno set).
 */
static int setup_signals(void)
{
    return 0;
}

/*
 * TODO 4 — echo one client (Chapter 5, "Bytes, not strings" and
 * "Short reads and short writes").
 * Read into a buffer, write back exactly the bytes read — write() may take
 * fewer than you ask, so loop — until read() returns 0 (the client's EOF).
 * A client that vanishes (EPIPE, ECONNRESET) ends this session only.
 * Return 0 when the client is done, -1 when a stop signal cut it short.
 */
static int echo_client(int fd)
{
    (void)fd;
    return 0;
}

/*
 * TODO 5 — stale socket files (Chapter 4, "Stale socket files").
 * If PATH does not exist, there is nothing to do. If it is a socket (lstat,
 * S_ISSOCK), unlink it: a killed server left it there. If it is anything
 * else, print a message and return -1 WITHOUT touching it.
 */
static int remove_stale_socket(const char *path)
{
    (void)path;
    return 0;
}

/*
 * TODO 2 — the listening socket (Chapter 5, "Server lifecycle").
 * socket(AF_UNIX, SOCK_STREAM, 0), bind to addr, listen. On error print
 * "uds-echo-server: CALL PATH: strerror(errno)" and return -1 (closing what
 * you opened). Returns the listening descriptor.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 3 — the main loop (Chapter 5, "Server lifecycle" and
 * "Closing every descriptor").
 * accept a client, echo it, close its descriptor, accept the next, until a
 * stop signal arrives. Return 0 on a clean stop, -1 on an error (after
 * printing it).
 */
static int serve(int listen_fd)
{
    (void)listen_fd;
    (void)echo_client;
    fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
    return -1;
}

/* Every function reports its own errors, so main only decides the status. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", prog);
        return 2;
    }
    if (fill_address(argv[1], &addr) == -1) {
        fprintf(stderr, "usage: %s PATH (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    if (remove_stale_socket(argv[1]) == -1)
        return 1;
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1)
        return 1;

    int status = serve(listen_fd) == 0 ? 0 : 1;
    /* TODO 7 — clean up: close the listening socket and unlink PATH. */
    return status;
}
