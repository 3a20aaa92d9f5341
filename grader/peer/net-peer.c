/*
 * net-peer: the grader's own TCP peers (lab 02), for
 * what socat and nc cannot do.
 *
 *   net-peer piece-echo HOST PORT PIECE   TCP echo server on HOST:PORT that
 *                                         echoes in pieces of at most PIECE
 *                                         bytes, one send each (Nagle stays on)
 *   net-peer hello HOST PORT              connect, print our own address as
 *                                         "ADDR PORT", send a line, shut down,
 *                                         check the echo
 *   net-peer hold HOST PORT               connect, send a line, read its echo
 *                                         (then print "echoed"), and stay
 *                                         connected until the server closes
 *
 * HOST is numeric (127.0.0.1, ::1). Exit status: 0 as expected, 1 not as
 * expected (with a line on stdout saying what was seen), 2 usage or set-up
 * error.
 */
#include "common.h"

#include <netinet/in.h>

static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo *ai = resolve(host, port, SOCK_STREAM, AI_NUMERICHOST | AI_NUMERICSERV);
    int fd = socket(ai->ai_family, SOCK_STREAM, 0);
    if (fd == -1)
        die("socket");
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1)
        outcome("connect %s port %s: %s", host, port, strerror(errno));
    freeaddrinfo(ai);
    return fd;
}

/* Read until EOF into buf (at most cap bytes); returns the count or -1. */
static long read_to_eof(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    for (;;) {
        char tmp[4096];
        ssize_t r = recv(fd, tmp, sizeof tmp, 0);
        if (r == 0)
            return (long)got;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        size_t keep = got + (size_t)r <= cap ? (size_t)r : cap - got;
        memcpy(buf + got, tmp, keep);
        got += keep;
    }
}

static void print_local(int fd)
{
    struct sockaddr_storage me;
    socklen_t len = sizeof me;
    char host[NI_MAXHOST], port[NI_MAXSERV];
    if (getsockname(fd, (struct sockaddr *)&me, &len) == -1)
        die("getsockname");
    if (getnameinfo((struct sockaddr *)&me, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        die("getnameinfo");
    printf("%s %s\n", host, port);
    fflush(stdout);
}

static int hello(const char *host, const char *port)
{
    static const char line[] = "hello from net-peer\n";
    int fd = tcp_connect(host, port);
    print_local(fd);
    if (send_all(fd, line, sizeof line - 1) == -1 || shutdown(fd, SHUT_WR) == -1)
        die("send");
    char buf[256];
    long got = read_to_eof(fd, buf, sizeof buf);
    close(fd);
    if (got != (long)sizeof line - 1 || memcmp(buf, line, sizeof line - 1) != 0) {
        printf("the echo was %ld bytes, not the %zu sent\n", got, sizeof line - 1);
        return 1;
    }
    return 0;
}

static int hold(const char *host, const char *port)
{
    static const char line[] = "holding on\n";
    int fd = tcp_connect(host, port);
    if (send_all(fd, line, sizeof line - 1) == -1)
        die("send");
    char buf[256];
    size_t echoed = 0;
    while (echoed < sizeof line - 1) {
        ssize_t r = recv(fd, buf, sizeof buf, 0);
        if (r <= 0) {
            printf("no echo\n");
            return 1;
        }
        echoed += (size_t)r;
    }
    printf("echoed\n");
    fflush(stdout);
    long got = read_to_eof(fd, buf, sizeof buf); /* until the server closes */
    close(fd);
    printf("the server closed the connection after %ld bytes\n", got);
    return 0;
}

static int piece_echo(const char *host, const char *port, size_t piece)
{
    struct addrinfo *ai = resolve(host, port, SOCK_STREAM, AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE);
    int lfd = socket(ai->ai_family, SOCK_STREAM, 0), on = 1;
    if (lfd == -1)
        die("socket");
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1 ||
        bind(lfd, ai->ai_addr, ai->ai_addrlen) == -1 || listen(lfd, 8) == -1)
        die("bind/listen");
    freeaddrinfo(ai);
    char buf[65536];
    if (piece == 0 || piece > sizeof buf)
        piece = sizeof buf;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd == -1)
            break;
        for (;;) {
            ssize_t r = recv(fd, buf, piece, 0);
            if (r <= 0 || send_all(fd, buf, (size_t)r) == -1)
                break;
        }
        close(fd);
    }
    die("accept");
    return 2;
}

int main(int argc, char *argv[])
{
    if (argc == 5 && strcmp(argv[1], "piece-echo") == 0)
        return piece_echo(argv[2], argv[3], (size_t)strtoul(argv[4], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "hello") == 0)
        return hello(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "hold") == 0)
        return hold(argv[2], argv[3]);
    fprintf(stderr, "usage: net-peer piece-echo HOST PORT PIECE | hello HOST PORT | hold HOST PORT\n");
    return 2;
}
