/*
 * uds-echo-server PATH -- a correct lab-01 server written differently from
 * the reference. It never calls send() or recv(): sockets are plain blocking
 * descriptors used with read() and write(), and SIGPIPE is ignored with
 * signal(SIGPIPE, SIG_IGN) so that a vanished client shows up as EPIPE. Clean
 * shutdown uses the self-pipe trick instead of ppoll(): the SIGINT/SIGTERM
 * handler writes one byte into a non-blocking pipe, and every wait is a
 * poll() on the socket of interest together with the pipe's read end, so a
 * signal that lands at any moment makes the next (or current) poll() return.
 * Because the sockets block, a write() to a client that stops reading could
 * still sleep after a signal that came just before it; the handler therefore
 * also shutdown()s the current client (async-signal-safe), which wakes any
 * write() or read() on it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NAME "uds-echo-server"

static int wake_pipe[2] = { -1, -1 };     /* [0] read end, [1] write end */
static volatile sig_atomic_t current_client = -1;

static void on_stop_signal(int signo)
{
    (void)signo;
    int saved = errno;
    /* The pipe is non-blocking: if it is full, a wake-up is already queued. */
    ssize_t ignored = write(wake_pipe[1], "!", 1);
    (void)ignored;
    int fd = current_client;
    if (fd >= 0)
        (void)shutdown(fd, SHUT_RDWR);   /* only a wake-up: failure is harmless */
    errno = saved;
}

/* Has a stop signal come? (The byte is left in the pipe.) */
static int stop_requested(void)
{
    struct pollfd p = { .fd = wake_pipe[0], .events = POLLIN };
    int n;
    while ((n = poll(&p, 1, 0)) == -1 && errno == EINTR)
        ;
    return n == 1;
}

/* close() that reports a failure; nothing useful can be done beyond that. */
static void close_fd(int fd, const char *what)
{
    if (fd >= 0 && close(fd) != 0)
        fprintf(stderr, NAME ": close %s: %s\n", what, strerror(errno));
}

/* Wait until fd has `events` or the wake pipe has a byte.
 * 1: fd ready; 0: stop requested; -1: poll failed. */
static int wait_fd(int fd, short events)
{
    for (;;) {
        struct pollfd set[2] = {
            { .fd = wake_pipe[0], .events = POLLIN },
            { .fd = fd, .events = events },
        };
        if (poll(set, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (set[0].revents != 0)
            return 0;
        if (set[1].revents != 0)
            return 1;
    }
}

/* Write all n bytes. 0: done; 1: stop requested; -1: client gone/error. */
static int write_fully(int fd, const char *p, size_t n)
{
    while (n > 0) {
        int w = wait_fd(fd, POLLOUT);
        if (w != 1)
            return w == 0 ? 1 : -1;
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Echo one client until its EOF. Returns 1 if a stop signal came. */
static int echo_session(int fd)
{
    static char data[32768];
    for (;;) {
        int w = wait_fd(fd, POLLIN);
        if (w == 0)
            return 1;
        if (w < 0) {
            fprintf(stderr, NAME ": poll: %s\n", strerror(errno));
            return 0;
        }
        ssize_t got = read(fd, data, sizeof data);
        if (got == 0)
            return 0;
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, NAME ": read from client: %s\n", strerror(errno));
            return 0;
        }
        int r = write_fully(fd, data, (size_t)got);
        if (r == 1)
            return 1;
        if (r < 0) {
            /* A stop signal shuts the client down too: tell the cases apart. */
            int err = errno;
            if (stop_requested())
                return 1;
            fprintf(stderr, NAME ": write to client: %s\n", strerror(err));
            return 0;
        }
    }
}

/* Refuse anything at path that is not a socket; remove an old socket. */
static int clear_path(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, NAME ": lstat %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(sb.st_mode)) {
        fprintf(stderr, NAME ": %s exists and is not a socket; refusing to touch it\n", path);
        return -1;
    }
    if (unlink(path) != 0) {
        fprintf(stderr, NAME ": unlink stale socket %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int make_wake_pipe(void)
{
    if (pipe(wake_pipe) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        int fl = fcntl(wake_pipe[i], F_GETFL);
        if (fl < 0 || fcntl(wake_pipe[i], F_SETFL, fl | O_NONBLOCK) < 0)
            return -1;
    }
    return 0;
}

static int install_handlers(void)
{
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;    /* no SA_RESTART: a blocked write() returns early */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

static void close_wake_pipe(void)
{
    close_fd(wake_pipe[0], "pipe");
    close_fd(wake_pipe[1], "pipe");
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa;
    if (argc != 2 || argv[1][0] == '\0' || strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "usage: " NAME " PATH   (PATH: 1 to %zu bytes)\n", sizeof sa.sun_path - 1);
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, argv[1]);   /* fits: length checked above */

    if (make_wake_pipe() != 0) {
        fprintf(stderr, NAME ": pipe: %s\n", strerror(errno));
        close_wake_pipe();
        return 1;
    }
    if (install_handlers() != 0) {
        fprintf(stderr, NAME ": sigaction: %s\n", strerror(errno));
        close_wake_pipe();
        return 1;
    }
    if (clear_path(sa.sun_path) != 0) {
        close_wake_pipe();
        return 1;
    }
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd < 0) {
        fprintf(stderr, NAME ": socket: %s\n", strerror(errno));
        close_wake_pipe();
        return 1;
    }
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, NAME ": bind %s: %s\n", sa.sun_path, strerror(errno));
        close_fd(lfd, "socket");
        close_wake_pipe();
        return 1;
    }
    if (listen(lfd, 16) != 0) {
        fprintf(stderr, NAME ": listen %s: %s\n", sa.sun_path, strerror(errno));
        close_fd(lfd, "socket");
        if (unlink(sa.sun_path) != 0)
            fprintf(stderr, NAME ": unlink %s: %s\n", sa.sun_path, strerror(errno));
        close_wake_pipe();
        return 1;
    }

    int status = 0;
    for (;;) {
        int w = wait_fd(lfd, POLLIN);
        if (w == 0)
            break;
        if (w < 0) {
            fprintf(stderr, NAME ": poll: %s\n", strerror(errno));
            status = 1;
            break;
        }
        /* poll said a connection is queued; a Unix-domain connection stays
         * queued even if its client closes, so this accept does not block. */
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fprintf(stderr, NAME ": accept: %s\n", strerror(errno));
            status = 1;
            break;
        }
        current_client = cfd;
        int stop = echo_session(cfd);
        current_client = -1;
        close_fd(cfd, "client");
        if (stop)
            break;
    }

    close_fd(lfd, "listening socket");
    if (unlink(sa.sun_path) != 0) {
        fprintf(stderr, NAME ": unlink %s: %s\n", sa.sun_path, strerror(errno));
        status = 1;
    }
    close_wake_pipe();
    return status;
}
