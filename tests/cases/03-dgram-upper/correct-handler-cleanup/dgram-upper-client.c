/*
 * dgram-upper-client ENDPOINT, written differently: one AF_UNSPEC
 * getaddrinfo and its first answer; a connected socket used with send and
 * recv; pselect times each try against a deadline; over AF_UNIX the kernel
 * picks the client's name (autobind: bind with only the family), an
 * abstract name that never touches the filesystem. A refused datagram
 * (ECONNREFUSED) counts as a try that got no reply.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PROG "dgram-upper-client"

enum { MAX_DGRAM = 65507, TRIES = 3 };

enum outcome { REPLY, NO_REPLY, FAILED };

static long parse_port(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0' || errno != 0 || v < 1 || v > 65535)
        return -1;
    return v;
}

/* Split "HOST:PORT" or "[IPV6]:PORT" in place. */
static int split(char *arg, char **host, char **port)
{
    char *sep = arg[0] == '[' ? strstr(arg, "]:") : strchr(arg, ':');
    if (sep == NULL)
        return -1;
    *host = arg[0] == '[' ? arg + 1 : arg;
    *port = sep + (*sep == ']' ? 2 : 1);
    *sep = '\0';
    return **host != '\0' && parse_port(*port) != -1 ? 0 : -1;
}

/* A Unix datagram socket with a kernel-chosen name, connected to path. */
static int unix_connected(const char *path)
{
    struct sockaddr_un srv = { .sun_family = AF_UNIX };
    memcpy(srv.sun_path, path, strlen(path)); /* main checked it fits with its NUL */
    /* Autobind passes only sun_family; the rest is zeroed all the same, as
     * valgrind checks sun_path as a string whatever the length says. */
    struct sockaddr_un me = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd == -1) {
        perror(PROG ": socket");
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)) == -1) { /* autobind */
        perror(PROG ": bind (autobind)");
    } else if (connect(fd, (struct sockaddr *)&srv, sizeof srv) == -1) {
        fprintf(stderr, PROG ": connect %s: %s\n", path, strerror(errno));
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

static int udp_connected(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                              .ai_flags = AI_NUMERICSERV }, *ai;
    int rc = getaddrinfo(host, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, PROG ": %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd == -1) {
        perror(PROG ": socket");
    } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
        fprintf(stderr, PROG ": connect %s port %s: %s\n", host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd;
}

/* Time left until deadline, never negative. */
static struct timespec left_until(const struct timespec *deadline)
{
    struct timespec now, left = { 0, 0 };
    if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
        return left;
    long long ns = (deadline->tv_sec - now.tv_sec) * 1000000000LL + (deadline->tv_nsec - now.tv_nsec);
    if (ns > 0) {
        left.tv_sec = (time_t)(ns / 1000000000);
        left.tv_nsec = (long)(ns % 1000000000);
    }
    return left;
}

/* Send once, then wait up to 1 s for the reply, which lands in buf (length in got). */
static enum outcome try_once(int fd, const char *msg, size_t len, char *buf, size_t cap, size_t *got)
{
    if (send(fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1 && errno != EAGAIN &&
        errno != EWOULDBLOCK && errno != ECONNREFUSED && errno != EINTR) {
        perror(PROG ": send");
        return FAILED;
    }
    struct timespec deadline;
    if (clock_gettime(CLOCK_MONOTONIC, &deadline) == -1) {
        perror(PROG ": clock_gettime");
        return FAILED;
    }
    deadline.tv_sec += 1;
    for (;;) {
        struct timespec left = left_until(&deadline);
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        int n = pselect(fd + 1, &readable, NULL, NULL, &left, NULL);
        if (n == 0)
            return NO_REPLY;
        ssize_t r = n > 0 ? recv(fd, buf, cap, MSG_DONTWAIT) : -1;
        if (r >= 0) {
            *got = (size_t)r;
            return REPLY;
        }
        if (errno == ECONNREFUSED)
            return NO_REPLY;            /* an ICMP "port unreachable" came back */
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            perror(n > 0 ? PROG ": recv" : PROG ": pselect");
            return FAILED;
        }
    }
}

/* Up to TRIES sends of one line; prints the reply. */
static enum outcome exchange(int fd, const char *msg, size_t len)
{
    static char buf[65536];
    size_t got = 0;
    for (int i = 0; i < TRIES; i++) {
        enum outcome o = try_once(fd, msg, len, buf, sizeof buf, &got);
        if (o == FAILED)
            return FAILED;
        if (o == REPLY) {
            if (fwrite(buf, 1, got, stdout) != got || putchar('\n') == EOF || fflush(stdout) == EOF) {
                perror(PROG ": stdout");
                return FAILED;
            }
            return REPLY;
        }
    }
    fprintf(stderr, PROG ": no reply after %d tries of 1 s\n", TRIES);
    return NO_REPLY;
}

int main(int argc, char **argv)
{
    char *host = NULL, *port = NULL;
    int is_unix = argc == 2 && strchr(argv[1], '/') != NULL;
    if (argc != 2 || (is_unix && strlen(argv[1]) >= sizeof ((struct sockaddr_un *)0)->sun_path) ||
        (!is_unix && split(argv[1], &host, &port) == -1)) {
        fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", PROG);
        return 2;
    }
    int fd = is_unix ? unix_connected(argv[1]) : udp_connected(host, port);
    if (fd == -1)
        return 1;
    if (fd >= FD_SETSIZE) {
        fprintf(stderr, PROG ": descriptor %d too large for select\n", fd);
        close(fd);
        return 1;
    }
    int status = EXIT_SUCCESS;
    char *line = NULL;
    size_t size = 0;
    for (ssize_t n; (n = getline(&line, &size, stdin)) >= 0;) {
        size_t len = (size_t)n;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len > MAX_DGRAM) {
            fprintf(stderr, PROG ": line too long (%zu bytes, at most %d): skipped\n", len, MAX_DGRAM);
            status = EXIT_FAILURE;
        } else if (exchange(fd, line, len) != REPLY) {
            status = EXIT_FAILURE;
            break;
        }
    }
    if (ferror(stdin)) {
        perror(PROG ": stdin");
        status = EXIT_FAILURE;
    }
    free(line);
    if (close(fd) == -1)
        perror(PROG ": close");
    return status;
}
