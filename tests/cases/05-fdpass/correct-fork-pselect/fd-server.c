/*
 * fd-server, written differently: a child process per connection, the
 * parent in pselect with the signals blocked outside it; the request read
 * with recv, the path built with asprintf.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t done;

static void stop(int s)
{
    (void)s;
    done = 1;
}

static void child_exit(int s)
{
    (void)s;
}

static void send_status(int s, int fd, const char *text)
{
    char buf[400];
    size_t len = 1;
    buf[0] = fd >= 0 ? 0 : 1;
    if (fd < 0) {
        strncpy(buf + 1, text, sizeof buf - 2);
        buf[sizeof buf - 1] = '\0';
        len += strlen(buf + 1);
    }
    struct iovec iov = { buf, len };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    union {
        struct cmsghdr h;
        char b[CMSG_SPACE(sizeof(int))];
    } u;
    if (fd >= 0) {
        memset(&u, 0, sizeof u);
        m.msg_control = &u;
        m.msg_controllen = CMSG_SPACE(sizeof(int));
        u.h.cmsg_level = SOL_SOCKET;
        u.h.cmsg_type = SCM_RIGHTS;
        u.h.cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(&u.h), &fd, sizeof fd);
    }
    if (sendmsg(s, &m, MSG_NOSIGNAL) < 0)
        perror("fd-server: sendmsg");
}

static int serve_child(int s, const char *dir)
{
    struct ucred who;
    socklen_t wl = sizeof who;
    if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &who, &wl) < 0)
        return 1;
    char name[256];
    ssize_t n;
    while ((n = recv(s, name, sizeof name, 0)) > 0) {
        if (n == sizeof name || memchr(name, 0, (size_t)n)) {
            if (name[n - 1] != '\0' || memchr(name, 0, (size_t)n - 1)) {
                fprintf(stderr, "fd-server: pid %d uid %d gid %d: bad name\n", (int)who.pid, (int)who.uid, (int)who.gid);
                send_status(s, -1, "bad name");
                continue;
            }
            n--;
        }
        name[n] = '\0';
        fprintf(stderr, "fd-server: pid %d uid %d gid %d asks for '%s'\n", (int)who.pid, (int)who.uid, (int)who.gid, name);
        if (n == 0 || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
            send_status(s, -1, "not a plain file name");
            continue;
        }
        char *path;
        if (asprintf(&path, "%s/%s", dir, name) < 0)
            return 1;
        int fd = open(path, O_RDONLY);
        free(path);
        if (fd < 0) {
            send_status(s, -1, strerror(errno));
            continue;
        }
        send_status(s, fd, NULL);
        close(fd);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 3 || strlen(argv[1]) >= sizeof a.sun_path) {
        fputs("usage: fd-server PATH DIR\n", stderr);
        return 2;
    }
    strcpy(a.sun_path, argv[1]);
    struct stat st;
    if (!lstat(argv[1], &st) && S_ISSOCK(st.st_mode))
        unlink(argv[1]);
    int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 16)) {
        perror("fd-server");
        return 1;
    }
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &orig);
    struct sigaction sa = { .sa_handler = stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = child_exit;
    sigaction(SIGCHLD, &sa, NULL);
    while (!done) {
        fd_set r;
        FD_ZERO(&r);
        FD_SET(l, &r);
        int n = pselect(l + 1, &r, NULL, NULL, NULL, &orig);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (n <= 0)
            continue;
        int c = accept(l, NULL, NULL);
        if (c < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(l);
            sigprocmask(SIG_SETMASK, &orig, NULL);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            signal(SIGPIPE, SIG_IGN);
            int status = serve_child(c, argv[2]);
            close(c);
            _exit(status);
        }
        close(c);
    }
    close(l);
    unlink(argv[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}
