/*
 * seqpacket-server, written differently: read()/write() on the seqpacket
 * socket, a buffer one byte larger than the largest message to notice a
 * longer one, and a self-pipe for the signals.
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

static int pipe_fds[2] = { -1, -1 };

static void on_signal(int signo)
{
    int saved = errno;
    char b = (char)signo;
    if (write(pipe_fds[1], &b, 1) == -1) {
        /* already signalled */
    }
    errno = saved;
}

/* 1 fd readable, 0 a signal came. */
static int wait_readable(int fd)
{
    struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = pipe_fds[0], .events = POLLIN } };
    while (poll(p, 2, -1) == -1)
        if (errno != EINTR)
            return 0;
    return p[1].revents ? 0 : 1;
}

static char message[65536 + 1];

/* 1 go on, 0 stop. */
static int handle(int fd)
{
    for (;;) {
        if (!wait_readable(fd))
            return 0;
        ssize_t n = read(fd, message, sizeof message);
        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return 1;
        if (n > 65536) {
            fputs("seqpacket-server: message too long\n", stderr);
            return 1;
        }
        for (ssize_t i = 0; i < n / 2; i++) {
            char t = message[i];
            message[i] = message[n - 1 - i];
            message[n - 1 - i] = t;
        }
        if (write(fd, message, (size_t)n) != n)
            return 1;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un u = { .sun_family = AF_UNIX };
    if (argc != 2 || strlen(argv[1]) >= sizeof u.sun_path) {
        fputs("usage: seqpacket-server PATH\n", stderr);
        return 2;
    }
    strcpy(u.sun_path, argv[1]);
    struct stat st;
    if (lstat(argv[1], &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(argv[1]);
    int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (lfd == -1 || bind(lfd, (struct sockaddr *)&u, sizeof u) == -1 || listen(lfd, 8) == -1) {
        perror("seqpacket-server");
        return 1;
    }
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == -1) {
        perror("seqpacket-server: pipe2");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (wait_readable(lfd)) {
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
    unlink(argv[1]);
    return 0;
}
