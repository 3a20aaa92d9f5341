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

/* Set by the handler; read only after ppoll() returns. */
static volatile sig_atomic_t stop_requested;

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

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * A socket file left by a server that was killed would make bind() fail
 * with EADDRINUSE, so remove it. Anything else at PATH is not ours: refuse.
 */
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

/* Create, bind and listen. Returns the listening descriptor or -1. */
static int listen_on(const struct sockaddr_un *addr)
{
    const char *path = addr->sun_path;
    if (remove_stale_socket(path) == -1) {
        fprintf(stderr, "%s: %s: %s; not removing it\n", prog, path,
                errno == EEXIST ? "exists and is not a socket" : strerror(errno));
        return -1;
    }
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

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", prog);
        return 2;
    }
    /* sun_path must hold the path and its terminating NUL. */
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1)
        return 1;

    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    if (unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    return status;
}
