/*
 * tcp-echo-client HOST PORT, written differently: a reader thread copies
 * the echo to stdout while the main thread writes stdin to the socket with
 * write(); shutdown(SHUT_WR) at stdin's EOF, then join the reader.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int put(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The reader: socket to stdout until EOF. Returns NULL on success. */
static void *reader(void *arg)
{
    int s = *(int *)arg;
    static char buf[65536];
    for (;;) {
        ssize_t r = read(s, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return NULL;
        if (r < 0 || put(1, buf, (size_t)r))
            return arg;
    }
}

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e) {
        fprintf(stderr, "tcp-echo-client: getaddrinfo %s: %s\n", host, gai_strerror(e));
        return -1;
    }
    int s = -1, err = 0;
    for (ai = res; ai && s < 0; ai = ai->ai_next) {
        s = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (s >= 0 && connect(s, ai->ai_addr, ai->ai_addrlen) < 0) {
            err = errno;
            close(s);
            s = -1;
        }
    }
    freeaddrinfo(res);
    if (s < 0)
        fprintf(stderr, "tcp-echo-client: connect: %s\n", strerror(err));
    return s;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long port = argc == 3 ? strtol(argv[2], &end, 10) : 0;
    if (argc != 3 || *argv[2] < '0' || *argv[2] > '9' || *end || port < 1 || port > 65535) {
        fputs("usage: tcp-echo-client HOST PORT\n", stderr);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int s = dial(argv[1], argv[2]);
    if (s < 0)
        return 1;
    pthread_t t;
    if ((errno = pthread_create(&t, NULL, reader, &s)) != 0) {
        perror("tcp-echo-client: pthread_create");
        close(s);
        return 1;
    }
    static char chunk[65536];
    int rc = 0;
    for (;;) {
        ssize_t n = read(0, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0;
            break;
        }
        if (put(s, chunk, (size_t)n)) {
            rc = 1;
            break;
        }
    }
    if (shutdown(s, SHUT_WR) < 0)
        rc = 1;
    void *result;
    pthread_join(t, &result);
    if (rc || result)
        fputs("tcp-echo-client: the echo did not complete\n", stderr);
    close(s);
    return rc || result ? 1 : 0;
}
