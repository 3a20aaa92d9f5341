/*
 * fd-server, written differently: credentials from SCM_CREDENTIALS
 * (SO_PASSCRED) that come with each request instead of SO_PEERCRED, the
 * path built with snprintf and opened with open(), a self-pipe for the
 * signals, accept4.
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

static int sp[2] = { -1, -1 };

static void on_signal(int s)
{
    int e = errno;
    char c = (char)s;
    if (write(sp[1], &c, 1) < 0) {
        /* already woken */
    }
    errno = e;
}

static int ready(int fd)
{
    struct pollfd p[2] = { { fd, POLLIN, 0 }, { sp[0], POLLIN, 0 } };
    while (poll(p, 2, -1) < 0)
        if (errno != EINTR)
            return 0;
    return !p[1].revents;
}

static int reply(int s, const char *data, size_t len, int fd)
{
    struct iovec iov = { (void *)data, len };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr h;
    } u;
    if (fd >= 0) {
        memset(&u, 0, sizeof u);
        m.msg_control = u.b;
        m.msg_controllen = sizeof u.b;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    return sendmsg(s, &m, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

static int refuse(int s, const char *why)
{
    char t[300];
    t[0] = 1;
    snprintf(t + 1, sizeof t - 1, "%s", why);
    return reply(s, t, 1 + strlen(t + 1), -1);
}

static void session(int s, const char *dir)
{
    for (;;) {
        if (!ready(s))
            return;
        char name[257];
        union {
            char b[CMSG_SPACE(sizeof(struct ucred))];
            struct cmsghdr h;
        } u;
        struct iovec iov = { name, sizeof name - 1 };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
        ssize_t n = recvmsg(s, &m, 0);
        if (n <= 0)
            return;
        name[n] = '\0';
        struct ucred cr = { 0, 0, 0 };
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
                memcpy(&cr, CMSG_DATA(c), sizeof cr);
        fprintf(stderr, "fd-server: %d/%u/%u wants %s\n", (int)cr.pid, (unsigned)cr.uid, (unsigned)cr.gid, name);
        int r;
        if ((m.msg_flags & MSG_TRUNC) || strlen(name) + 1 < (size_t)n)
            r = refuse(s, "bad name");
        else if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
            r = refuse(s, "name refused: empty, '.', '..' or with '/'");
        else {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                r = refuse(s, strerror(errno));
            } else {
                r = reply(s, "\0", 1, fd);
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
    if (argc != 3 || strlen(argv[1]) >= sizeof a.sun_path || strlen(argv[2]) > 4000) {
        fputs("usage: fd-server PATH DIR\n", stderr);
        return 2;
    }
    strcpy(a.sun_path, argv[1]);
    struct stat st;
    if (!lstat(argv[1], &st) && S_ISSOCK(st.st_mode))
        unlink(argv[1]);
    int l = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 16)) {
        perror("fd-server");
        return 1;
    }
    if (pipe2(sp, O_CLOEXEC | O_NONBLOCK)) {
        perror("fd-server: pipe2");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int one = 1;
    while (ready(l)) {
        int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        setsockopt(c, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
        session(c, argv[2]);
        close(c);
    }
    close(l);
    close(sp[0]);
    close(sp[1]);
    unlink(argv[1]);
    return 0;
}
