/*
 * seqpacket-server, written differently: a child per connection, pselect in
 * the parent, recv with MSG_PEEK|MSG_TRUNC to learn each message's size
 * before taking it.
 */
#include <errno.h>
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

static int child(int fd)
{
    for (;;) {
        char probe;
        ssize_t size = recv(fd, &probe, 1, MSG_PEEK | MSG_TRUNC);
        if (size <= 0)
            return size < 0;
        if (size > 65536) {
            fprintf(stderr, "seqpacket-server: a message of %zd bytes\n", size);
            return 1;
        }
        char *m = malloc((size_t)size);
        if (!m)
            return 1;
        ssize_t n = recv(fd, m, (size_t)size, 0);
        for (ssize_t i = 0; i < n / 2; i++) {
            char t = m[i];
            m[i] = m[n - 1 - i];
            m[n - 1 - i] = t;
        }
        ssize_t s = n > 0 ? send(fd, m, (size_t)n, MSG_NOSIGNAL) : -1;
        free(m);
        if (s != n)
            return 1;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 2 || strlen(argv[1]) >= sizeof a.sun_path) {
        fputs("usage: seqpacket-server PATH\n", stderr);
        return 2;
    }
    strcpy(a.sun_path, argv[1]);
    struct stat st;
    if (!lstat(argv[1], &st) && S_ISSOCK(st.st_mode))
        unlink(argv[1]);
    int lfd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 32)) {
        perror("seqpacket-server");
        return 1;
    }
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
        close(c);
    }
    close(lfd);
    unlink(argv[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}
