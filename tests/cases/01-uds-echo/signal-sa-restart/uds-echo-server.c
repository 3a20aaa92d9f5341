/* Wrong on purpose: the handlers are installed with signal(), which on glibc
 * sets SA_RESTART, so a blocking accept() is restarted after SIGTERM and the
 * flag is looked at only once the next client connects. Everything else is
 * right: it must lose "exits 0 on SIGINT and on SIGTERM" and no other check
 * (the cleanup and valgrind checks observe its exit by connecting once). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
    (void)signo;
    stop = 1;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static void echo(int fd)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0 || write_all(fd, buf, (size_t)n) == -1)
            return;
    }
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: uds-echo-server PATH\n");
        return 2;
    }
    strcpy(addr.sun_path, argv[1]);
    signal(SIGINT, on_signal); /* BUG: SA_RESTART, accept never returns EINTR */
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    struct stat st;
    if (lstat(argv[1], &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "uds-echo-server: %s exists and is not a socket\n", argv[1]);
            return 1;
        }
        if (unlink(argv[1]) == -1) {
            perror("uds-echo-server: unlink");
            return 1;
        }
    }
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (lfd == -1 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) == -1 || listen(lfd, 16) == -1) {
        fprintf(stderr, "uds-echo-server: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    while (!stop) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd == -1) {
            if (errno == EINTR)
                continue;
            perror("uds-echo-server: accept");
            break;
        }
        if (!stop)
            echo(cfd);
        if (close(cfd) == -1)
            perror("uds-echo-server: close");
    }
    if (close(lfd) == -1)
        perror("uds-echo-server: close");
    if (unlink(argv[1]) == -1)
        perror("uds-echo-server: unlink");
    return 0;
}
