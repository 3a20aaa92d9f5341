/*
 * fd-server, written differently: signalfd for the stop signals, names
 * checked with strcspn and compared as whole words, openat on a directory
 * descriptor with O_NOFOLLOW, the credentials read once per connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int sigfd = -1;

static int wait_in(int fd)
{
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { sigfd, POLLIN, 0 } };
    while (poll(p, 2, -1) < 0)
        if (errno != EINTR)
            return 0;
    return !(p[1].revents & POLLIN);
}

static int give(int s, int fd)
{
    char zero = 0;
    struct iovec iov = { &zero, 1 };
    alignas(struct cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = { 0 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    *c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(s, &m, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

static int deny(int s, const char *text)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "\001%s", text);
    return send(s, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static int valid(const char *name, size_t len)
{
    return len > 0 && strlen(name) == len && strcspn(name, "/") == len &&
           strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

static void session(int s, int dirfd)
{
    struct ucred cr;
    socklen_t cl = sizeof cr;
    if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &cl) < 0)
        return;
    char name[300];
    while (wait_in(s)) {
        ssize_t n = recv(s, name, sizeof name - 1, 0);
        if (n <= 0)
            return;
        name[n] = '\0';
        if (n > 0 && name[n - 1] == '\0')
            n--;
        fprintf(stderr, "[fd-server] pid=%d uid=%u gid=%u name=%s\n", (int)cr.pid, (unsigned)cr.uid,
                (unsigned)cr.gid, name);
        int r;
        if (!valid(name, (size_t)n)) {
            r = deny(s, "invalid name");
        } else {
            int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (fd < 0) {
                r = deny(s, strerror(errno));
            } else {
                r = give(s, fd);
                close(fd);
            }
        }
        if (r < 0)
            return;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 3 || strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "usage: fd-server PATH DIR\n");
        return 2;
    }
    memcpy(a.sun_path, argv[1], strlen(argv[1]));
    int dirfd = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        fprintf(stderr, "fd-server: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    struct stat st;
    if (lstat(argv[1], &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "fd-server: %s exists and is not a socket\n", argv[1]);
            close(dirfd);
            return 1;
        }
        unlink(argv[1]); /* a stale socket file */
    }
    int l = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 8) < 0) {
        perror("fd-server");
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigfd = signalfd(-1, &set, SFD_CLOEXEC);
    while (sigfd >= 0 && wait_in(l)) {
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        session(c, dirfd);
        close(c);
    }
    close(l);
    close(dirfd);
    if (sigfd >= 0)
        close(sigfd);
    unlink(argv[1]);
    return 0;
}
