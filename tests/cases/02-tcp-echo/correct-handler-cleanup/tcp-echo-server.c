/*
 * tcp-echo-server PORT [BIND_ADDR], written differently: getaddrinfo(NULL,
 * PORT, AI_PASSIVE) for the wildcard (IPv6 family, V6ONLY off), blocking
 * accept and recv/sendmsg, and the cleanup done in the signal handler with
 * async-signal-safe calls only (close, _exit).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static volatile sig_atomic_t listen_fd = -1, client_fd = -1;

static void quit(int signo)
{
    (void)signo;
    if (client_fd != -1)
        close(client_fd);
    if (listen_fd != -1)
        close(listen_fd);
    _exit(0);
}

static int send_all(int fd, char *p, size_t n)
{
    while (n) {
        struct iovec iov = { p, n };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t w = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int open_listener(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE,
                              .ai_family = host ? AF_UNSPEC : AF_INET6 }, *res;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e) {
        fprintf(stderr, "tcp-echo-server: getaddrinfo: %s\n", gai_strerror(e));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol), one = 1, zero = 0;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        (!host && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero) < 0) ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 8) < 0) {
        fprintf(stderr, "tcp-echo-server: bind port %s: %s\n", port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long port = argc >= 2 ? strtol(argv[1], &end, 10) : 0;
    if (argc < 2 || argc > 3 || *argv[1] < '0' || *argv[1] > '9' || *end || port < 1 || port > 65535) {
        fputs("usage: tcp-echo-server PORT [BIND_ADDR]\n", stderr);
        return 2;
    }
    struct sigaction sa = { .sa_handler = quit };
    sigfillset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
        return 1;
    int fd = open_listener(argc == 3 ? argv[2] : NULL, argv[1]);
    if (fd < 0)
        return 1;
    listen_fd = fd;
    static char buf[32768];
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int c = accept(fd, (struct sockaddr *)&ss, &len);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            perror("tcp-echo-server: accept");
            return 1;
        }
        client_fd = c;
        char h[NI_MAXHOST], s[NI_MAXSERV];
        if (getnameinfo((struct sockaddr *)&ss, len, h, sizeof h, s, sizeof s, NI_NUMERICHOST | NI_NUMERICSERV) == 0)
            fprintf(stderr, "accepted %s %s\n", h, s);
        ssize_t r;
        while ((r = recv(c, buf, sizeof buf, 0)) > 0 || (r < 0 && errno == EINTR))
            if (r > 0 && send_all(c, buf, (size_t)r) < 0)
                break;
        client_fd = -1;
        close(c);
    }
}
