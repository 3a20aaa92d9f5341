// solution only begin: the skeleton has a header of its own
/*
 * uds-echo-server PATH
 *
 * An AF_UNIX SOCK_STREAM echo server: it serves one client at a time,
 * sends every byte it receives straight back, and when the client reaches
 * EOF it closes that connection and accepts the next one.
 *
 * Shutdown: SIGINT and SIGTERM stay blocked all the time except inside
 * ppoll(), which unblocks them atomically while we wait. A signal can
 * therefore only arrive while we are waiting, never between "check the
 * flag" and "start waiting" (the race that a plain flag has). Sockets are
 * non-blocking, so we never sleep anywhere but in ppoll().
 */
// solution only stub:
// /*
//  * uds-echo-server PATH — lab 01. The task is in README.md beside this file.
//  *
//  * An AF_UNIX SOCK_STREAM echo server: one client at a time, every byte sent
//  * straight back, until the client's EOF; then the next client. SIGINT or
//  * SIGTERM: close everything, remove the socket file, exit 0.
//  *
//  * Fill in the TODOs in order (1 to 4 make a working echo server; 5 to 7
//  * make it robust); after each one, build and try it by hand (README.md shows
//  * how), then run `make grade LAB=01`.
//  */
// solution only end
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
 * TODO 1 begin — the address [04-addresses#path-length].
 * Copy path into addr->sun_path. sun_path holds 108 bytes INCLUDING the
 * terminating NUL: a longer path must not be truncated or overflow the
 * array — return -1 instead (main then exits 2 with a usage line).
 */
static int fill_address(const char *path, struct sockaddr_un *addr)
{
    size_t len = strlen(path);
    if (len >= sizeof addr->sun_path)
        return -1;
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}
// TODO 1 stub:
// static int fill_address(const char *path, struct sockaddr_un *addr)
// {
//     (void)path;
//     (void)addr;
//     return 0;
// }
// TODO 1 end

/*
 * TODO 6 begin — signals [05-lifecycle#clean-shutdown-on-signals 05-lifecycle#vanished-peers-and-sigpipe].
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
static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* The mask to wait with: the one we started with, signals unblocked. */
static sigset_t wait_mask;

/*
 * Block SIGINT and SIGTERM, remember a mask without them for ppoll(), and
 * install the handler. SIGPIPE is ignored: a client that vanishes must make
 * send() fail with EPIPE, not kill the whole server.
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

/*
 * Wait until fd is ready for `events`. Returns 1 when ready, 0 when a stop
 * signal arrived, -1 on error.
 */
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

/* Send all n bytes, however many calls it takes (send may write fewer). */
static int send_all(int fd, const char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t sent = send(fd, buf + done, n - done, MSG_NOSIGNAL);
        if (sent >= 0) {
            done += (size_t)sent;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int ready = wait_for(fd, POLLOUT);
            if (ready <= 0)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 0;
}
// solution only end

/*
 * TODO 4 begin — echo one client [05-lifecycle#bytes-not-strings 05-lifecycle#short-reads-and-short-writes].
 * Read into a buffer, write back exactly the bytes read — write() may take
 * fewer than you ask, so loop — until read() returns 0 (the client's EOF).
 * A client that vanishes (EPIPE, ECONNRESET) ends this session only.
 * Return 0 when the client is done, -1 when a stop signal cut it short.
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
            if (ready == -1) {
                fprintf(stderr, "%s: ppoll: %s\n", prog, strerror(errno));
                return 0;
            }
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

// solution only begin
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}
// solution only end

/*
 * TODO 5 begin — stale socket files [04-addresses#stale-socket-files].
 * If PATH does not exist, there is nothing to do. If it is a socket (lstat,
 * S_ISSOCK), unlink it: a killed server left it there. If it is anything
 * else, print a message and return -1 WITHOUT touching it.
 */
/*
 * A socket file left by a server that was killed would make bind() fail
 * with EADDRINUSE, so remove it. Anything else at PATH is not ours: refuse.
 */
static int remove_stale_socket(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "%s: %s: exists and is not a socket; not removing it\n", prog, path);
        return -1;
    }
    if (unlink(path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    return 0;
}
// TODO 5 stub:
// static int remove_stale_socket(const char *path)
// {
//     (void)path;
//     return 0;
// }
// TODO 5 end

/*
 * TODO 2 begin — the listening socket [05-lifecycle#server-lifecycle].
 * socket(AF_UNIX, SOCK_STREAM, 0), bind to addr, listen. On error print
 * "uds-echo-server: CALL PATH: strerror(errno)" and return -1 (closing what
 * you opened). Returns the listening descriptor.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    const char *path = addr->sun_path;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, path, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, SOMAXCONN) == -1 || set_nonblocking(fd) == -1) {
        fprintf(stderr, "%s: listen %s: %s\n", prog, path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}
// TODO 2 stub:
// static int listen_on(const struct sockaddr_un *addr)
// {
//     (void)addr;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 3 begin — the main loop [05-lifecycle#server-lifecycle 05-lifecycle#closing-every-descriptor].
 * accept a client, echo it, close its descriptor, accept the next, until a
 * stop signal arrives. Return 0 on a clean stop, -1 on an error (after
 * printing it).
 */
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
        int client = accept(listen_fd, NULL, NULL);
        if (client == -1) {
            /* The client may have given up between ppoll and accept. */
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
                continue;
            fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
            return -1;
        }
        int stopped = set_nonblocking(client) == -1 ? 0 : echo_client(client);
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
//     fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
//     return -1;
// }
// TODO 3 end

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
    /* TODO 7 begin — clean up: close the listening socket and unlink PATH. */
    close(listen_fd);
    if (unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    // TODO 7 end
    return status;
}
