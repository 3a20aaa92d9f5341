/*
 * uds-echo-client PATH -- a correct lab-01 client written differently from
 * the reference. Writes to the socket are plain write() calls without
 * MSG_NOSIGNAL; SIGPIPE is ignored with sigaction() instead, so a server
 * that goes away is reported as EPIPE. The echo of each chunk is collected
 * with a single recv(..., MSG_WAITALL) (repeated only if a signal or EOF
 * cuts it short) rather than a read loop, and stdout goes through stdio
 * (fwrite, checked with fflush/ferror at the end) instead of write(). Still
 * lock-step, with 32 KiB chunks: send a chunk, take back exactly that many
 * bytes, repeat; then shutdown(SHUT_WR) and copy the rest to the EOF.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PROG "uds-echo-client"

static char chunk[32 * 1024];

static int write_full(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Receive up to n bytes, waiting for all of them unless EOF comes first. */
static ssize_t recv_upto(int fd, char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, p + got, n - got, MSG_WAITALL);
        if (r == 0)
            break;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int to_stdout(const char *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, stdout) != n) {
        fprintf(stderr, PROG ": write stdout: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int exchange(int sock)
{
    for (;;) {
        ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            fprintf(stderr, PROG ": read stdin: %s\n", strerror(errno));
            return -1;
        }
        if (n == 0)
            break;
        if (write_full(sock, chunk, (size_t)n) == -1) {
            fprintf(stderr, PROG ": write to socket: %s\n", strerror(errno));
            return -1;
        }
        ssize_t back = recv_upto(sock, chunk, (size_t)n);
        if (back == -1) {
            fprintf(stderr, PROG ": recv: %s\n", strerror(errno));
            return -1;
        }
        if (to_stdout(chunk, (size_t)back) == -1)
            return -1;
        if (back != n) {
            fprintf(stderr, PROG ": connection closed with %zd bytes not echoed\n", n - back);
            return -1;
        }
    }
    if (shutdown(sock, SHUT_WR) == -1) {
        fprintf(stderr, PROG ": shutdown: %s\n", strerror(errno));
        return -1;
    }
    for (;;) {
        ssize_t r = recv(sock, chunk, sizeof chunk, 0);
        if (r == 0)
            return 0;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, PROG ": recv: %s\n", strerror(errno));
            return -1;
        }
        if (to_stdout(chunk, (size_t)r) == -1)
            return -1;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un sun;
    if (argc != 2 || argv[1][0] == '\0' || strlen(argv[1]) >= sizeof sun.sun_path) {
        fprintf(stderr, "usage: " PROG " PATH  (PATH at most %zu bytes)\n", sizeof sun.sun_path - 1);
        return 2;
    }
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    memcpy(sun.sun_path, argv[1], strlen(argv[1]));   /* rest stays NUL */

    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    if (sigemptyset(&ign.sa_mask) == -1 || sigaction(SIGPIPE, &ign, NULL) == -1) {
        fprintf(stderr, PROG ": sigaction SIGPIPE: %s\n", strerror(errno));
        return 1;
    }

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == -1) {
        fprintf(stderr, PROG ": socket: %s\n", strerror(errno));
        return 1;
    }
    int status = 0;
    if (connect(sock, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, PROG ": connect %s: %s\n", sun.sun_path, strerror(errno));
        status = 1;
    } else if (exchange(sock) == -1) {
        status = 1;
    }
    if (close(sock) == -1) {
        fprintf(stderr, PROG ": close: %s\n", strerror(errno));
        status = 1;
    }
    if (fflush(stdout) == EOF || ferror(stdout)) {
        fprintf(stderr, PROG ": write stdout: %s\n", strerror(errno));
        status = 1;
    }
    return status;
}
