/*
 * uds-echo-server PATH -- a correct lab-01 server written differently from
 * the reference. SIGINT and SIGTERM are blocked for the whole run and read
 * from a signalfd instead of being handled, so there is no handler, no flag
 * and no race: a signal is just one more readable descriptor. Descriptors
 * are made with the flag-taking calls, socket(..., SOCK_STREAM | SOCK_CLOEXEC
 * | SOCK_NONBLOCK, 0) and accept4(..., SOCK_CLOEXEC | SOCK_NONBLOCK), instead
 * of fcntl(). The server is one flat event loop over poll() with an explicit
 * state (waiting for a client / reading / writing back a pending buffer)
 * rather than nested blocking helpers. Vanished clients are handled by
 * send(..., MSG_NOSIGNAL); SIGPIPE is left alone.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *me = "uds-echo-server";

enum state { ACCEPTING, READING, WRITING };

static void warn_close(int fd)
{
    if (fd >= 0 && close(fd) == -1)
        fprintf(stderr, "%s: close: %s\n", me, strerror(errno));
}

/* The signalfd for SIGINT and SIGTERM, which are blocked from now on. */
static int open_signalfd(void)
{
    sigset_t set;
    if (sigemptyset(&set) == -1 || sigaddset(&set, SIGINT) == -1 || sigaddset(&set, SIGTERM) == -1)
        return -1;
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Bind a listening socket to addr, replacing a stale socket file only. */
static int open_listener(const struct sockaddr_un *addr)
{
    struct stat st;
    if (lstat(addr->sun_path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "%s: %s: exists and is not a socket (left untouched)\n",
                    me, addr->sun_path);
            return -1;
        }
        if (unlink(addr->sun_path) == -1) {
            fprintf(stderr, "%s: unlink %s: %s\n", me, addr->sun_path, strerror(errno));
            return -1;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "%s: lstat %s: %s\n", me, addr->sun_path, strerror(errno));
        return -1;
    }

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", me, strerror(errno));
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)addr, (socklen_t)sizeof *addr) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", me, addr->sun_path, strerror(errno));
        warn_close(fd);
        return -1;
    }
    if (listen(fd, 8) == -1) {
        fprintf(stderr, "%s: listen %s: %s\n", me, addr->sun_path, strerror(errno));
        warn_close(fd);
        if (unlink(addr->sun_path) == -1)
            fprintf(stderr, "%s: unlink %s: %s\n", me, addr->sun_path, strerror(errno));
        return -1;
    }
    return fd;
}

/* The event loop. Returns 0 after a stop signal, 1 on a fatal error. */
static int serve(int lfd, int sfd)
{
    char buf[8192];
    size_t pending = 0, sent = 0;   /* buf[sent..pending) still to echo */
    enum state st = ACCEPTING;
    int cfd = -1;

    for (;;) {
        struct pollfd pf[2] = { { .fd = sfd, .events = POLLIN } };
        if (st == ACCEPTING)
            pf[1] = (struct pollfd){ .fd = lfd, .events = POLLIN };
        else
            pf[1] = (struct pollfd){ .fd = cfd, .events = st == READING ? POLLIN : POLLOUT };

        if (poll(pf, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: poll: %s\n", me, strerror(errno));
            warn_close(cfd);
            return 1;
        }
        if (pf[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            ssize_t n = read(sfd, &si, sizeof si);
            if (n == (ssize_t)sizeof si) {
                fprintf(stderr, "%s: signal %u, shutting down\n", me, (unsigned)si.ssi_signo);
                warn_close(cfd);
                return 0;
            }
            if (n == -1 && errno != EAGAIN && errno != EINTR) {
                fprintf(stderr, "%s: read signalfd: %s\n", me, strerror(errno));
                warn_close(cfd);
                return 1;
            }
        }
        if (pf[1].revents == 0)
            continue;

        switch (st) {
        case ACCEPTING:
            cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (cfd == -1) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
                    errno == ECONNABORTED)
                    continue;
                fprintf(stderr, "%s: accept4: %s\n", me, strerror(errno));
                return 1;
            }
            st = READING;
            break;

        case READING: {
            ssize_t n = recv(cfd, buf, sizeof buf, 0);
            if (n > 0) {
                pending = (size_t)n;
                sent = 0;
                st = WRITING;
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                if (n == -1)
                    fprintf(stderr, "%s: recv: %s (dropping client)\n", me, strerror(errno));
                warn_close(cfd);
                cfd = -1;
                st = ACCEPTING;
            }
            break;
        }

        case WRITING: {
            ssize_t n = send(cfd, buf + sent, pending - sent, MSG_NOSIGNAL);
            if (n >= 0) {
                sent += (size_t)n;
                if (sent == pending)
                    st = READING;
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                fprintf(stderr, "%s: send: %s (dropping client)\n", me, strerror(errno));
                warn_close(cfd);
                cfd = -1;
                st = ACCEPTING;
            }
            break;
        }
        }
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", me);
        return 2;
    }
    size_t len = strnlen(argv[1], sizeof addr.sun_path);
    if (len == 0 || len == sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH  (PATH must be 1 to %zu bytes long)\n",
                me, sizeof addr.sun_path - 1);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], len);   /* addr is zeroed: NUL-terminated */

    int sfd = open_signalfd();
    if (sfd == -1) {
        fprintf(stderr, "%s: signalfd: %s\n", me, strerror(errno));
        return 1;
    }
    int lfd = open_listener(&addr);
    if (lfd == -1) {
        warn_close(sfd);
        return 1;
    }

    int status = serve(lfd, sfd);
    warn_close(lfd);
    warn_close(sfd);
    if (unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", me, addr.sun_path, strerror(errno));
        status = 1;
    }
    return status;
}
