/*
 * uds-echo-client PATH -- a correct lab-01 client written differently from
 * the reference. The socket is only ever touched with read() and write()
 * (never send()/recv()), so MSG_NOSIGNAL is not available: SIGPIPE is
 * ignored with signal(SIGPIPE, SIG_IGN) instead and a closed server shows up
 * as EPIPE. It is lock-step with a smaller, 16 KiB chunk, organised around
 * two helpers, put_all() and get_exactly(): read up to a chunk of stdin, put
 * it all on the socket, get exactly as many bytes back into the same buffer,
 * print them; at stdin's EOF, shutdown(SHUT_WR) and copy to the server's EOF.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NAME "uds-echo-client"
#define CHUNK 16384

/* Put all n bytes on fd. 0 or -1 with errno set. */
static int put_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Read until n bytes or EOF. Returns how many arrived, or -1 on error. */
static ssize_t get_exactly(int fd, char *p, size_t n)
{
    size_t have = 0;
    while (have < n) {
        ssize_t k = read(fd, p + have, n - have);
        if (k == 0)
            break;
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        have += (size_t)k;
    }
    return (ssize_t)have;
}

static int run(int sock)
{
    static char buf[CHUNK];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, NAME ": read stdin: %s\n", strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        if (put_all(sock, buf, (size_t)n) != 0) {
            fprintf(stderr, NAME ": write to socket: %s\n", strerror(errno));
            return 1;
        }
        ssize_t back = get_exactly(sock, buf, (size_t)n);
        if (back < 0) {
            fprintf(stderr, NAME ": read from socket: %s\n", strerror(errno));
            return 1;
        }
        if (put_all(STDOUT_FILENO, buf, (size_t)back) != 0) {
            fprintf(stderr, NAME ": write stdout: %s\n", strerror(errno));
            return 1;
        }
        if (back < n) {
            fprintf(stderr, NAME ": the server closed the connection before echoing everything\n");
            return 1;
        }
    }
    if (shutdown(sock, SHUT_WR) != 0) {
        fprintf(stderr, NAME ": shutdown: %s\n", strerror(errno));
        return 1;
    }
    for (;;) {
        ssize_t n = get_exactly(sock, buf, sizeof buf);
        if (n < 0) {
            fprintf(stderr, NAME ": read from socket: %s\n", strerror(errno));
            return 1;
        }
        if (put_all(STDOUT_FILENO, buf, (size_t)n) != 0) {
            fprintf(stderr, NAME ": write stdout: %s\n", strerror(errno));
            return 1;
        }
        if ((size_t)n < sizeof buf)
            return 0;    /* short: the server's EOF */
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un sa;
    if (argc != 2 || argv[1][0] == '\0' || strlen(argv[1]) >= sizeof sa.sun_path) {
        fprintf(stderr, "usage: " NAME " PATH   (PATH: 1 to %zu bytes)\n", sizeof sa.sun_path - 1);
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, argv[1]);   /* fits: length checked above */

    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        fprintf(stderr, NAME ": signal: %s\n", strerror(errno));
        return 1;
    }
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock < 0) {
        fprintf(stderr, NAME ": socket: %s\n", strerror(errno));
        return 1;
    }
    if (connect(sock, (struct sockaddr *)&sa, sizeof sa) != 0) {
        fprintf(stderr, NAME ": connect %s: %s\n", sa.sun_path, strerror(errno));
        if (close(sock) != 0)
            fprintf(stderr, NAME ": close: %s\n", strerror(errno));
        return 1;
    }
    int status = run(sock);
    if (close(sock) != 0) {
        fprintf(stderr, NAME ": close: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
