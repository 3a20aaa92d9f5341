/*
 * seqpacket-server, written differently: signalfd, accept4, recvmsg with
 * MSG_TRUNC in the flags (so recvmsg reports a longer message's real size),
 * sendmsg for the reply.
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

static int sfd = -1;

static int readable(int fd)
{
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
    while (poll(p, 2, -1) == -1)
        if (errno != EINTR)
            return 0;
    return !(p[1].revents & POLLIN);
}

static void session(int fd)
{
    static unsigned char b[65536];
    while (readable(fd)) {
        struct iovec iov = { b, sizeof b };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t n = recvmsg(fd, &m, MSG_TRUNC);
        if (n <= 0)
            return;
        if ((size_t)n > sizeof b) {
            fprintf(stderr, "seqpacket-server: %zd-byte message refused\n", n);
            return;
        }
        for (ssize_t i = 0, j = n - 1; i < j; i++, j--) {
            unsigned char t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        iov.iov_len = (size_t)n;
        if (sendmsg(fd, &m, MSG_NOSIGNAL) != n)
            return;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 2 || strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "usage: seqpacket-server PATH\n");
        return 2;
    }
    memcpy(a.sun_path, argv[1], strlen(argv[1]));
    struct stat st;
    if (lstat(argv[1], &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(argv[1]);
    int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (lfd == -1 || bind(lfd, (struct sockaddr *)&a, sizeof a) == -1 || listen(lfd, 64) == -1) {
        perror("seqpacket-server");
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sfd == -1) {
        perror("seqpacket-server: signalfd");
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
    unlink(argv[1]);
    return 0;
}
