/*
 * frame-server, written differently: signalfd for the stop signals,
 * accept4 with SOCK_CLOEXEC, blocking client sockets behind poll, the reply
 * sent with sendmsg from two iovecs (header, payload), getaddrinfo for the
 * passive TCP address, MSG_NOSIGNAL instead of ignoring SIGPIPE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

static int sfd = -1;

/* Wait until fd is readable; 0 when a stop signal is pending instead. */
static int readable(int fd)
{
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
    while (poll(p, 2, -1) == -1)
        if (errno != EINTR)
            return 0;
    return !(p[1].revents & POLLIN);
}

/* 1 all n bytes, 0 EOF at once, -2 EOF part-way, -1 error/stop. */
static int get(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        if (!readable(fd))
            return -1;
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r == 0)
            return got == 0 ? 0 : -2;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 1;
}

static int put(int fd, uint32_t len, unsigned char *payload)
{
    uint32_t be = htonl(len);
    struct iovec iov[2] = { { &be, 4 }, { payload, len } };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
    while (m.msg_iovlen > 0) {
        ssize_t s = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (s == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        while (m.msg_iovlen > 0 && (size_t)s >= m.msg_iov->iov_len) {
            s -= (ssize_t)m.msg_iov->iov_len;
            m.msg_iov++;
            m.msg_iovlen--;
        }
        if (m.msg_iovlen > 0) {
            m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + s;
            m.msg_iov->iov_len -= (size_t)s;
        }
    }
    return 0;
}

static void session(int fd)
{
    for (;;) {
        unsigned char h[4];
        int r = get(fd, h, 4);
        if (r == -2)
            fprintf(stderr, "frame-server: cut inside a length\n");
        if (r != 1)
            return;
        uint32_t len = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        if (len > (1u << 24)) {
            fprintf(stderr, "frame-server: refusing a %u-byte frame\n", len);
            return;
        }
        unsigned char *p = malloc(len ? len : 1);
        if (!p)
            return;
        r = get(fd, p, len);
        if (r != 1 && len > 0) {
            if (r == -2 || r == 0)
                fprintf(stderr, "frame-server: cut inside a %u-byte payload\n", len);
            free(p);
            return;
        }
        for (uint32_t i = 0; i < len / 2; i++) {
            unsigned char t = p[i];
            p[i] = p[len - 1 - i];
            p[len - 1 - i] = t;
        }
        r = put(fd, len, p);
        free(p);
        if (r == -1)
            return;
    }
}

static int listener(const char *arg, int *unix_path)
{
    int fd;
    if (strspn(arg, "0123456789") == strlen(arg) && *arg) {
        long port = strlen(arg) > 5 ? 0 : strtol(arg, NULL, 10);
        if (port < 1 || port > 65535)
            return -2;
        struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *ai;
        if (getaddrinfo(NULL, arg, &hints, &ai) != 0)
            return -1;
        int off = 0, on = 1;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd == -1 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1 ||
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
            bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 || listen(fd, 64) == -1) {
            perror("frame-server");
            freeaddrinfo(ai);
            if (fd != -1)
                close(fd);
            return -1;
        }
        freeaddrinfo(ai);
        *unix_path = 0;
        return fd;
    }
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(arg) >= sizeof a.sun_path)
        return -2;
    memcpy(a.sun_path, arg, strlen(arg));
    struct stat st;
    if (lstat(arg, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "frame-server: %s is not a socket\n", arg);
            return -1;
        }
        unlink(arg);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1 || bind(fd, (struct sockaddr *)&a, sizeof a) == -1 || listen(fd, 64) == -1) {
        perror("frame-server");
        if (fd != -1)
            close(fd);
        return -1;
    }
    *unix_path = 1;
    return fd;
}

int main(int argc, char **argv)
{
    int unix_path = 0;
    int lfd = argc == 2 ? listener(argv[1], &unix_path) : -2;
    if (lfd == -2) {
        fprintf(stderr, "usage: frame-server PORT|PATH\n");
        return 2;
    }
    if (lfd == -1)
        return 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd == -1) {
        perror("frame-server: signalfd");
        return 1;
    }
    while (readable(lfd)) {
        int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (c == -1)
            continue;
        session(c);
        close(c);
    }
    close(lfd);
    close(sfd);
    if (unix_path)
        unlink(argv[1]);
    return 0;
}
