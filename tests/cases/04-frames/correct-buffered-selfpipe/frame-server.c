/*
 * frame-server, written differently: read()/write(), a per-connection buffer
 * that is parsed for as many whole frames as it holds, a self-pipe for the
 * signals, and IPv4 only (INADDR_ANY) for a port.
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

#define LIMIT 16777216u

static int pipe_fds[2] = { -1, -1 };

static void on_signal(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    if (write(pipe_fds[1], &b, 1) == -1) {
        /* the pipe is full: a byte is already waiting */
    }
    errno = saved;
}

struct conn {
    int fd;
    unsigned char *buf;
    size_t have, cap;
};

/* Wait for fd or the pipe: 1 fd readable, 0 signal, -1 error. */
static int wait_readable(int fd)
{
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = pipe_fds[0], .events = POLLIN } };
    for (;;) {
        if (poll(p, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[1].revents)
            return 0;
        return 1;
    }
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Answer every whole frame in the buffer. -1: close the connection. */
static int drain_frames(struct conn *c)
{
    while (c->have >= 4) {
        uint32_t len;
        memcpy(&len, c->buf, 4);
        len = ntohl(len);
        if (len > LIMIT) {
            fprintf(stderr, "frame-server: length %u over the limit, closing\n", len);
            return -1;
        }
        if (c->have < 4 + (size_t)len)
            return 0;
        unsigned char *p = c->buf + 4;
        for (size_t i = 0; i < len / 2; i++) {
            unsigned char t = p[i];
            p[i] = p[len - 1 - i];
            p[len - 1 - i] = t;
        }
        if (write_all(c->fd, c->buf, 4 + (size_t)len) == -1)
            return -1;
        c->have -= 4 + (size_t)len;
        memmove(c->buf, c->buf + 4 + len, c->have);
    }
    return 0;
}

/* Make room for at least `room` more bytes. */
static int reserve(struct conn *c, size_t room)
{
    if (c->cap - c->have >= room)
        return 0;
    size_t cap = c->have + room;
    if (cap < 2 * c->cap)
        cap = 2 * c->cap; /* grow geometrically: a 16 MiB frame takes few reallocs */
    unsigned char *p = realloc(c->buf, cap);
    if (!p)
        return -1;
    c->buf = p;
    c->cap = cap;
    return 0;
}

/* 1 go on, 0 stop signal. */
static int handle(int fd)
{
    struct conn c = { .fd = fd };
    int result = 1;
    for (;;) {
        if (drain_frames(&c) == -1 || reserve(&c, 65536) == -1)
            break;
        int r = wait_readable(fd);
        if (r <= 0) {
            result = r == 0 ? 0 : 1;
            break;
        }
        ssize_t n = read(fd, c.buf + c.have, c.cap - c.have);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (c.have > 0)
                fprintf(stderr, "frame-server: connection closed in the middle of a frame\n");
            break;
        }
        c.have += (size_t)n;
    }
    free(c.buf);
    return result;
}

static int open_listener(const char *arg, int *is_unix)
{
    char *end;
    int fd;
    if (arg[0] >= '0' && arg[0] <= '9' && strspn(arg, "0123456789") == strlen(arg)) {
        unsigned long port = strtoul(arg, &end, 10);
        if (port < 1 || port > 65535 || strlen(arg) > 5)
            return -2;
        *is_unix = 0;
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                 .sin_addr.s_addr = htonl(INADDR_ANY) };
        int on = 1;
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
            bind(fd, (struct sockaddr *)&a, sizeof a) == -1 || listen(fd, 16) == -1) {
            perror("frame-server: tcp");
            if (fd != -1)
                close(fd);
            return -1;
        }
        return fd;
    }
    struct sockaddr_un u = { .sun_family = AF_UNIX };
    if (strlen(arg) >= sizeof u.sun_path)
        return -2;
    *is_unix = 1;
    strcpy(u.sun_path, arg);
    struct stat st;
    if (lstat(arg, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(arg);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1 || bind(fd, (struct sockaddr *)&u, sizeof u) == -1 || listen(fd, 16) == -1) {
        perror("frame-server: unix");
        if (fd != -1)
            close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: frame-server PORT|PATH\n", stderr);
        return 2;
    }
    int is_unix = 0;
    int lfd = open_listener(argv[1], &is_unix);
    if (lfd == -2) {
        fputs("usage: frame-server PORT|PATH\n", stderr);
        return 2;
    }
    if (lfd == -1)
        return 1;
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == -1) {
        perror("frame-server: pipe2");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (;;) {
        int r = wait_readable(lfd);
        if (r <= 0)
            break;
        int cfd = accept(lfd, NULL, NULL);
        if (cfd == -1)
            continue;
        int go_on = handle(cfd);
        close(cfd);
        if (!go_on)
            break;
    }
    close(lfd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    if (is_unix)
        unlink(argv[1]);
    return 0;
}
