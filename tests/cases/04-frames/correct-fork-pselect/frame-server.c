/*
 * frame-server, written differently: a child process per connection, the
 * parent waiting in pselect with SIGINT/SIGTERM/SIGCHLD blocked outside it;
 * the child reads with recv(MSG_WAITALL), which returns short only at EOF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void on_stop(int s)
{
    (void)s;
    stopping = 1;
}

static void on_child(int s)
{
    (void)s;
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* recv with MSG_WAITALL: n bytes, or fewer only at EOF or on an error. */
static ssize_t recv_all(int fd, void *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, (char *)p + got, n - got, MSG_WAITALL);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -1 : (ssize_t)got;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int child(int fd)
{
    for (;;) {
        uint32_t len;
        ssize_t r = recv_all(fd, &len, 4);
        if (r == 0)
            return 0;
        if (r != 4) {
            fprintf(stderr, "frame-server[%d]: connection lost in a header\n", (int)getpid());
            return 1;
        }
        len = ntohl(len);
        if (len > 16777216) {
            fprintf(stderr, "frame-server[%d]: length %u too large\n", (int)getpid(), len);
            return 1;
        }
        char *buf = malloc((size_t)len + 4);
        if (!buf)
            return 1;
        if (recv_all(fd, buf + 4, len) != (ssize_t)len) {
            fprintf(stderr, "frame-server[%d]: connection lost in a payload\n", (int)getpid());
            free(buf);
            return 1;
        }
        for (uint32_t i = 0; i < len / 2; i++) {
            char t = buf[4 + i];
            buf[4 + i] = buf[4 + len - 1 - i];
            buf[4 + len - 1 - i] = t;
        }
        uint32_t be = htonl(len);
        memcpy(buf, &be, 4);
        int ok = send_all(fd, buf, (size_t)len + 4);
        free(buf);
        if (ok < 0)
            return 1;
    }
}

static int make_listener(const char *arg, int *is_path)
{
    int fd;
    size_t digits = strspn(arg, "0123456789");
    if (digits && !arg[digits]) {
        unsigned long port = digits > 5 ? 0 : strtoul(arg, NULL, 10);
        if (port == 0 || port > 65535)
            return -2;
        struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
        int zero = 0, one = 1;
        fd = socket(AF_INET6, SOCK_STREAM, 0);
        if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) ||
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
            bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 32)) {
            perror("frame-server: listen");
            if (fd >= 0)
                close(fd);
            return -1;
        }
        *is_path = 0;
        return fd;
    }
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(arg) >= sizeof a.sun_path)
        return -2;
    strcpy(a.sun_path, arg);
    struct stat st;
    if (!lstat(arg, &st) && S_ISSOCK(st.st_mode))
        unlink(arg);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 32)) {
        perror("frame-server: listen");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *is_path = 1;
    return fd;
}

int main(int argc, char **argv)
{
    int is_path = 0;
    int lfd = argc == 2 ? make_listener(argv[1], &is_path) : -2;
    if (lfd == -2) {
        fputs("usage: frame-server PORT|PATH\n", stderr);
        return 2;
    }
    if (lfd < 0)
        return 1;
    sigset_t block, orig;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &orig);
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL);
    while (!stopping) {
        fd_set rd;
        FD_ZERO(&rd);
        FD_SET(lfd, &rd);
        int n = pselect(lfd + 1, &rd, NULL, NULL, NULL, &orig);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (n <= 0)
            continue;
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            continue;
        pid_t pid = fork();
        if (pid == 0) {
            close(lfd);
            sigprocmask(SIG_SETMASK, &orig, NULL);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            int status = child(c);
            close(c);
            _exit(status);
        }
        if (pid < 0)
            perror("frame-server: fork");
        close(c);
    }
    close(lfd);
    if (is_path)
        unlink(argv[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}
