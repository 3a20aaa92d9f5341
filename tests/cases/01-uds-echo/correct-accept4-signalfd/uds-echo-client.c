/*
 * uds-echo-client PATH -- a correct lab-01 client written differently from
 * the reference. It is lock-step like the reference, but all socket I/O goes
 * through sendmsg() and recvmsg() with an iovec (MSG_NOSIGNAL on sendmsg, so
 * a vanished server is an EPIPE error, not a SIGPIPE death), the socket is
 * made with SOCK_CLOEXEC, the chunk is a small 4096 bytes, and a partial
 * sendmsg() is continued by advancing the iovec rather than a pointer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static const char *me = "uds-echo-client";

enum { CHUNK = 4096 };

/* Send the whole of iov (one buffer) with sendmsg. 0 or -1. */
static int sendmsg_all(int fd, struct iovec iov)
{
    while (iov.iov_len > 0) {
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        iov.iov_base = (char *)iov.iov_base + n;
        iov.iov_len -= (size_t)n;
    }
    return 0;
}

/* One recvmsg into buf. Returns bytes (0 at EOF) or -1. */
static ssize_t recvmsg_some(int fd, char *buf, size_t cap)
{
    for (;;) {
        struct iovec iov = { .iov_base = buf, .iov_len = cap };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = recvmsg(fd, &mh, 0);
        if (n != -1 || errno != EINTR)
            return n;
    }
}

static int write_stdout(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: write stdout: %s\n", me, strerror(errno));
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Receive and print `want` bytes, or everything to EOF if until_eof. */
static int print_echo(int fd, size_t want, int until_eof)
{
    char buf[CHUNK];
    while (until_eof || want > 0) {
        size_t cap = (!until_eof && want < sizeof buf) ? want : sizeof buf;
        ssize_t n = recvmsg_some(fd, buf, cap);
        if (n == -1) {
            fprintf(stderr, "%s: recvmsg: %s\n", me, strerror(errno));
            return -1;
        }
        if (n == 0) {
            if (until_eof)
                return 0;
            fprintf(stderr, "%s: server hung up with %zu echoed bytes missing\n", me, want);
            return -1;
        }
        if (write_stdout(buf, (size_t)n) == -1)
            return -1;
        if (!until_eof)
            want -= (size_t)n;
    }
    return 0;
}

static int talk(int fd)
{
    char chunk[CHUNK];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            fprintf(stderr, "%s: read stdin: %s\n", me, strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        if (sendmsg_all(fd, (struct iovec){ .iov_base = chunk, .iov_len = (size_t)n }) == -1) {
            fprintf(stderr, "%s: sendmsg: %s\n", me, strerror(errno));
            return -1;
        }
        if (print_echo(fd, (size_t)n, 0) == -1)
            return -1;
    }
    if (shutdown(fd, SHUT_WR) == -1) {
        fprintf(stderr, "%s: shutdown: %s\n", me, strerror(errno));
        return -1;
    }
    return print_echo(fd, 0, 1);
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

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", me, strerror(errno));
        return 1;
    }
    int status = 0;
    if (connect(fd, (const struct sockaddr *)&addr, (socklen_t)sizeof addr) == -1) {
        fprintf(stderr, "%s: connect %s: %s\n", me, addr.sun_path, strerror(errno));
        status = 1;
    } else if (talk(fd) == -1) {
        status = 1;
    }
    if (close(fd) == -1) {
        fprintf(stderr, "%s: close: %s\n", me, strerror(errno));
        status = 1;
    }
    return status;
}
