/*
 * uds-echo-server PATH -- a correct lab-01 server written differently from
 * the reference: the simplest shape that is still race-free. Client I/O is
 * plain blocking recv()/send(MSG_NOSIGNAL), and the SIGINT/SIGTERM handler
 * does the shutdown itself instead of setting a flag: it closes the client
 * and listening descriptors, unlinks PATH and calls _exit(0), all of which
 * are async-signal-safe. Since nothing waits for a flag, a signal can never
 * be "lost" before a blocking call. The handler finds the descriptors in
 * volatile sig_atomic_t globals; the only moments those could disagree with
 * reality (accept() has returned but the number is not yet stored, or the
 * client is about to be closed) run with the two signals blocked, so a
 * signal then is delivered just after, when the globals are right again.
 * To keep accept() itself out of that blocked stretch, the listening socket
 * is non-blocking and the server sleeps in poll() beforehand.
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

static const char prog[] = "uds-echo-server";

/* Read by the handler. */
static volatile sig_atomic_t listen_fd = -1;
static volatile sig_atomic_t client_fd = -1;
static char sock_path[sizeof ((struct sockaddr_un *)0)->sun_path];

static sigset_t stop_signals;

static void stop_now(int signo)
{
    (void)signo;
    /* Results ignored on purpose: there is nobody left to tell. */
    if (client_fd >= 0)
        (void)close(client_fd);
    if (listen_fd >= 0)
        (void)close(listen_fd);
    (void)unlink(sock_path);
    _exit(0);
}

static void block_stops(int how)
{
    /* sigprocmask only fails for a bad `how`, which cannot happen here. */
    if (sigprocmask(how, &stop_signals, NULL) == -1)
        perror("uds-echo-server: sigprocmask");
}

/* Close the client; the handler must never see a number we closed. */
static void drop_client(void)
{
    block_stops(SIG_BLOCK);
    int fd = client_fd;
    client_fd = -1;
    if (close(fd) == -1)
        fprintf(stderr, "%s: close client: %s\n", prog, strerror(errno));
    block_stops(SIG_UNBLOCK);
}

/* Echo one client (blocking I/O) until it closes or vanishes. */
static void echo(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            return;
        if (n == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
            return;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = send(fd, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
            if (w == -1) {
                if (errno == EINTR)
                    continue;
                fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
                return;
            }
            off += w;
        }
    }
}

/* A clean exit from the main program: the same work as the handler. */
static int finish(int status)
{
    block_stops(SIG_BLOCK);
    if (client_fd >= 0 && close(client_fd) == -1)
        fprintf(stderr, "%s: close: %s\n", prog, strerror(errno));
    if (listen_fd >= 0 && close(listen_fd) == -1)
        fprintf(stderr, "%s: close: %s\n", prog, strerror(errno));
    if (unlink(sock_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, sock_path, strerror(errno));
        status = 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc != 2 || strlen(argv[1]) == 0 || strlen(argv[1]) >= sizeof sock_path) {
        fprintf(stderr, "usage: %s PATH  (PATH shorter than %zu bytes)\n", prog, sizeof sock_path);
        return 2;
    }
    memcpy(sock_path, argv[1], strlen(argv[1]) + 1);

    /* Signals wait (blocked) until everything the handler needs exists. */
    if (sigemptyset(&stop_signals) == -1 || sigaddset(&stop_signals, SIGINT) == -1 ||
        sigaddset(&stop_signals, SIGTERM) == -1 ||
        sigprocmask(SIG_BLOCK, &stop_signals, NULL) == -1) {
        fprintf(stderr, "%s: sigprocmask: %s\n", prog, strerror(errno));
        return 1;
    }

    struct stat st;
    if (lstat(sock_path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "%s: %s is not a socket; refusing to replace it\n", prog, sock_path);
            return 1;
        }
        if (unlink(sock_path) == -1) {
            fprintf(stderr, "%s: unlink %s: %s\n", prog, sock_path, strerror(errno));
            return 1;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "%s: lstat %s: %s\n", prog, sock_path, strerror(errno));
        return 1;
    }

    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return 1;
    }
    listen_fd = fd;
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, sock_path, sizeof sun.sun_path);
    if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, sock_path, strerror(errno));
        if (close(fd) == -1)
            fprintf(stderr, "%s: close: %s\n", prog, strerror(errno));
        return 1;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
        fprintf(stderr, "%s: fcntl O_NONBLOCK: %s\n", prog, strerror(errno));
        return finish(1);
    }
    if (listen(fd, SOMAXCONN) == -1) {
        fprintf(stderr, "%s: listen %s: %s\n", prog, sock_path, strerror(errno));
        return finish(1);
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_now;
    sa.sa_mask = stop_signals;   /* one handler at a time */
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1) {
        fprintf(stderr, "%s: sigaction: %s\n", prog, strerror(errno));
        return finish(1);
    }
    block_stops(SIG_UNBLOCK);   /* a signal that came during set-up lands here */

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, -1) == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
            return finish(1);
        }
        block_stops(SIG_BLOCK);
        int c = accept(fd, NULL, NULL);   /* non-blocking listener: returns at once */
        int err = errno;
        client_fd = c;
        block_stops(SIG_UNBLOCK);
        if (c == -1) {
            if (err == EAGAIN || err == EWOULDBLOCK || err == ECONNABORTED || err == EINTR)
                continue;
            fprintf(stderr, "%s: accept: %s\n", prog, strerror(err));
            return finish(1);
        }
        /* Linux: the accepted socket does not inherit O_NONBLOCK: it blocks. */
        echo(c);
        drop_client();
    }
}
