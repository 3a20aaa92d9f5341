/*
 * tcp-echo-server PORT [BIND_ADDR], written differently: two listening
 * sockets (IPv4 on 0.0.0.0, IPv6 on :: with IPV6_V6ONLY on), a self-pipe for
 * SIGINT/SIGTERM, poll() over all three, blocking read()/write() on clients.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int wake[2] = { -1, -1 };

static void on_signal(int signo)
{
    int saved = errno;
    char c = (char)signo;
    ssize_t ignored = write(wake[1], &c, 1); /* async-signal-safe */
    (void)ignored;
    errno = saved;
}

static int make_listener(const struct sockaddr *sa, socklen_t len, int v6only)
{
    int fd = socket(sa->sa_family, SOCK_STREAM, 0), one = 1;
    if (fd == -1)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
        (v6only && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) == -1) ||
        bind(fd, sa, len) == -1 || listen(fd, 16) == -1) {
        perror("tcp-echo-server: bind");
        close(fd);
        return -1;
    }
    return fd;
}

static int write_all(int fd, const char *p, size_t n)
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

static void echo(int fd)
{
    char buf[8192];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r == -1 && errno == EINTR)
            continue;
        if (r <= 0 || write_all(fd, buf, (size_t)r) == -1)
            return;
    }
}

static void take_client(int lfd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int c = accept(lfd, (struct sockaddr *)&ss, &len);
    if (c == -1)
        return;
    char h[NI_MAXHOST], s[NI_MAXSERV];
    if (getnameinfo((struct sockaddr *)&ss, len, h, sizeof h, s, sizeof s, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        fprintf(stderr, "client accepted %s %s\n", h, s);
    echo(c);
    close(c);
}

static int port_of(const char *t)
{
    char *end;
    errno = 0;
    long v = strtol(t, &end, 10);
    if (errno || end == t || *end || v < 1 || v > 65535 || t[0] < '0' || t[0] > '9')
        return -1;
    return (int)v;
}

int main(int argc, char **argv)
{
    int port = argc >= 2 ? port_of(argv[1]) : -1;
    if (argc > 3 || port == -1) {
        fprintf(stderr, "usage: tcp-echo-server PORT [BIND_ADDR]\n");
        return 2;
    }
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1)
        return 1;
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    signal(SIGPIPE, SIG_IGN);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        return 1;
    int lfd[2] = { -1, -1 }, n = 0;
    if (argc == 3) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res;
        int e = getaddrinfo(argv[2], argv[1], &hints, &res);
        if (e) {
            fprintf(stderr, "tcp-echo-server: %s: %s\n", argv[2], gai_strerror(e));
            return 1;
        }
        lfd[n] = make_listener(res->ai_addr, res->ai_addrlen, 0);
        n += lfd[n] != -1;
        freeaddrinfo(res);
    } else {
        struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
        struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
        a4.sin_addr.s_addr = htonl(INADDR_ANY);
        a6.sin6_addr = in6addr_any;
        lfd[0] = make_listener((struct sockaddr *)&a4, sizeof a4, 0);
        lfd[1] = lfd[0] == -1 ? -1 : make_listener((struct sockaddr *)&a6, sizeof a6, 1);
        n = lfd[1] == -1 ? 0 : 2;
        if (n == 0 && lfd[0] != -1)
            close(lfd[0]);
    }
    int status = 1;
    if (n > 0) {
        for (;;) {
            struct pollfd p[3] = { { wake[0], POLLIN, 0 }, { lfd[0], POLLIN, 0 }, { lfd[n - 1], POLLIN, 0 } };
            if (poll(p, (nfds_t)(1 + n), -1) == -1 && errno != EINTR)
                break;
            if (p[0].revents) {
                status = 0;
                break;
            }
            for (int i = 1; i <= n; i++)
                if (p[i].revents & POLLIN)
                    take_client(p[i].fd);
        }
        for (int i = 0; i < n; i++)
            close(lfd[i]);
    }
    close(wake[0]);
    close(wake[1]);
    return status;
}
