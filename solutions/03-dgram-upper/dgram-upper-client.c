// solution only begin: the skeleton has a header of its own
/*
 * dgram-upper-client ENDPOINT
 *
 * Sends each line of stdin (without its newline) as one datagram to a
 * dgram-upper-server and prints each reply followed by a newline.
 * ENDPOINT is HOST:PORT for UDP (HOST a name, an IPv4 address or an
 * [IPv6] address in brackets) or a path that contains a '/' for AF_UNIX.
 *
 * Datagrams may be lost (UDP), so each request is tried up to three times,
 * waiting one second for the reply each time: sending the same line again
 * is safe because upper-casing it twice gives the same answer.
 *
 * The socket is connected: send() and recv() need no address, and the
 * kernel drops datagrams from anyone but the server.
 */
// solution only stub:
// /*
//  * dgram-upper-client ENDPOINT — lab 03. The task is in README.md beside
//  * this file.
//  *
//  * Sends each line of stdin (without its newline) as one datagram to a
//  * dgram-upper-server and prints each reply followed by a newline.
//  * ENDPOINT is HOST:PORT for UDP (HOST a name, an IPv4 address or an
//  * [IPv6] address in brackets) or a path that contains a '/' for AF_UNIX.
//  *
//  * Datagrams may be lost (UDP), so each request is tried up to three times,
//  * waiting one second for the reply each time: sending the same line again
//  * is safe because upper-casing it twice gives the same answer.
//  *
//  * Parsing ENDPOINT is done for you (valid_port is the server's TODO 1
//  * again: copy yours). Fill in the TODOs in order.
//  */
// solution only end
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *const prog = "dgram-upper-client";

/* The largest UDP payload over IPv4: 65535 - 20 (IP header) - 8 (UDP header). */
enum { MAX_DATAGRAM = 65507, TRIES = 3, WAIT_MS = 1000 };

/* Where to send: a Unix path, or a host and a port for UDP. */
struct endpoint {
    const char *text;  /* as given, for messages */
    const char *path;  /* non-NULL for AF_UNIX */
    char host[256];    /* empty: the local host */
    char port[6];
};

// solution only begin
/* A port is 1 to 65535, in decimal digits only: no sign, no spaces. */
static int valid_port(const char *text)
{
    unsigned long value = 0;
    if (*text == '\0' || strlen(text) > 5)
        return 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        value = value * 10 + (unsigned long)(*p - '0');
    }
    return value >= 1 && value <= 65535;
}
// solution only stub:
// /* The server's TODO 1: copy your valid_port here. */
// static int valid_port(const char *text)
// {
//     (void)text;
//     return 1;
// }
// solution only end

/*
 * PATH (with a '/'), HOST:PORT or [IPv6]:PORT. An IPv6 address without
 * brackets is refused: its colons make the port ambiguous.
 */
static int parse_endpoint(const char *text, struct endpoint *ep)
{
    struct sockaddr_un un;
    ep->text = text;
    if (strchr(text, '/') != NULL) {
        ep->path = text;
        return strlen(text) < sizeof un.sun_path ? 0 : -1; /* room for the NUL */
    }
    ep->path = NULL;
    const char *host = text, *host_end, *port;
    if (*text == '[') {
        host = text + 1;
        host_end = strchr(host, ']');
        if (host_end == NULL || host_end[1] != ':')
            return -1;
        port = host_end + 2;
    } else {
        host_end = strchr(text, ':');
        if (host_end == NULL || strchr(host_end + 1, ':') != NULL)
            return -1;
        port = host_end + 1;
    }
    size_t host_len = (size_t)(host_end - host);
    if (host_len >= sizeof ep->host || !valid_port(port))
        return -1;
    memcpy(ep->host, host, host_len);
    ep->host[host_len] = '\0';
    strcpy(ep->port, port); /* at most 5 digits: checked above */
    return 0;
}

/*
 * TODO 5 begin — a Unix datagram socket for the server's path
 * [06-datagrams#why-a-unix-datagram-client-must-bind]: socket(AF_UNIX,
 * SOCK_DGRAM, 0), then give it an address of its own, or the server cannot
 * reply. Autobind is the simplest: bind a zeroed struct sockaddr_un with
 * only sun_family set and a length of sizeof(sa_family_t): the kernel picks
 * an abstract name, and no file is ever created. Then connect to path.
 * Errors: print "dgram-upper-client: connect PATH: strerror", close,
 * return -1.
 */
/*
 * A Unix datagram socket connected to the server's path. It must have an
 * address of its own, or the server has nowhere to send the reply: binding
 * with only the family asks the kernel for an abstract name (autobind),
 * which leaves no file behind and disappears with the socket.
 */
static int connect_unix(const char *path)
{
    struct sockaddr_un self = { .sun_family = AF_UNIX };
    struct sockaddr_un server = { .sun_family = AF_UNIX };
    strcpy(server.sun_path, path); /* fits: parse_endpoint checked the length */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    const char *call = "bind";
    int ok = bind(fd, (struct sockaddr *)&self, sizeof(sa_family_t)) == 0;
    if (ok) {
        call = "connect";
        ok = connect(fd, (struct sockaddr *)&server, sizeof server) == 0;
    }
    if (!ok) {
        fprintf(stderr, "%s: %s %s: %s\n", prog, call, path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}
// TODO 5 stub:
// static int connect_unix(const char *path)
// {
//     (void)path;
//     fprintf(stderr, "%s: TODO 5 not written yet\n", prog);
//     return -1;
// }
// TODO 5 end

/*
 * TODO 1 begin — a UDP socket for ep->host (NULL if empty) and ep->port
 * [06-datagrams#connected-udp]: getaddrinfo with AF_UNSPEC and SOCK_DGRAM,
 * socket() with the FIRST result's family, and connect() to its address:
 * then send() and recv() need no address, and the kernel drops datagrams
 * from anyone but the server. Unknown host: print gai_strerror's message
 * and return -1. freeaddrinfo in every case.
 */
/* A UDP socket connected to the first address getaddrinfo gives. */
static int connect_udp(const struct endpoint *ep)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *list;
    const char *host = ep->host[0] != '\0' ? ep->host : NULL;
    int err = getaddrinfo(host, ep->port, &hints, &list);
    if (err != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, ep->text, gai_strerror(err));
        return -1;
    }
    int fd = socket(list->ai_family, list->ai_socktype | SOCK_CLOEXEC, list->ai_protocol);
    if (fd == -1)
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
    else if (connect(fd, list->ai_addr, list->ai_addrlen) == -1) {
        fprintf(stderr, "%s: connect %s: %s\n", prog, ep->text, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(list);
    return fd;
}
// TODO 1 stub:
// static int connect_udp(const struct endpoint *ep)
// {
//     (void)ep;
//     fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
//     return -1;
// }
// TODO 1 end

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with a valid clock */
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * TODO 3 begin — wait until deadline (in now_ms() time) for one datagram of at
 * most MAX_DATAGRAM bytes [06-datagrams#loss-timeouts-and-retries]:
 * poll() with the milliseconds left, then recv into reply (a buffer of
 * MAX_DATAGRAM + 1 bytes) with MSG_DONTWAIT. Returns the length, -2 when
 * the time is up, -1 on an error (e.g. ECONNREFUSED: nobody is there).
 * EINTR is not an error: go round again with the time that is left.
 */
/*
 * Wait until deadline (in now_ms() time) for one datagram of at most
 * MAX_DATAGRAM bytes. Returns its length, -2 on timeout, -1 on error.
 */
static ssize_t receive_until(int fd, char *reply, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return -2;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int n = poll(&pfd, 1, (int)left);
        if (n == -1 && errno != EINTR)
            return -1;
        if (n <= 0)
            continue;
        ssize_t got = recv(fd, reply, MAX_DATAGRAM + 1, MSG_DONTWAIT);
        if (got >= 0 && got <= MAX_DATAGRAM)
            return got;
        if (got == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1; /* e.g. ECONNREFUSED: nobody listens there */
    }
}
// TODO 3 stub:
// static ssize_t receive_until(int fd, char *reply, long long deadline)
// {
//     (void)fd;
//     (void)reply;
//     (void)deadline;
//     (void)now_ms;
//     return -2;
// }
// TODO 3 end

/*
 * Throw away replies that arrived too late for an earlier request, so that
 * they are not taken for the answer to the next one.
 */
static void drop_late_replies(int fd, char *reply)
{
    while (recv(fd, reply, MAX_DATAGRAM + 1, MSG_DONTWAIT) >= 0)
        ;
}

/*
 * TODO 2 begin — send one request and get its reply, trying up to TRIES times
 * and waiting WAIT_MS for the reply each time (receive_until with a
 * deadline of now_ms() + WAIT_MS). After the last try print "no reply"
 * and return -1. Returns the reply's length. Sending the same request
 * again is safe here: upper-casing twice gives the same answer.
 */
/* Send one request, up to TRIES times. Returns the reply's length or -1. */
static ssize_t ask(int fd, const char *request, size_t len, char *reply)
{
    drop_late_replies(fd, reply);
    for (int try = 1; try <= TRIES; try++) {
        if (send(fd, request, len, 0) == -1) {
            fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
            return -1;
        }
        ssize_t got = receive_until(fd, reply, now_ms() + WAIT_MS);
        if (got >= 0)
            return got;
        if (got == -1) {
            fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
            return -1;
        }
    }
    fprintf(stderr, "%s: no reply after %d tries of %d ms\n", prog, TRIES, WAIT_MS);
    return -1;
}
// TODO 2 stub:
// static ssize_t ask(int fd, const char *request, size_t len, char *reply)
// {
//     drop_late_replies(fd, reply);
//     (void)receive_until;
//     (void)request;
//     (void)len;
//     return -1;
// }
// TODO 2 end

/*
 * TODO 4 begin — each line of stdin becomes one request
 * [06-datagrams#zero-length-datagrams]: getline, drop the final newline
 * (an empty line is a datagram of 0 bytes, and the last line may have no
 * newline), refuse a line over MAX_DATAGRAM bytes (message, status 1, go
 * on), ask, and print the reply with fwrite (it may hold NUL bytes) and a
 * newline. Stop at the first unanswered request. Free getline's buffer.
 * Returns 0 if every request was answered, else 1.
 */
/* Each line of stdin becomes one request; 0 when every one was answered. */
static int ask_lines(int fd, char *reply)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int status = 0;
    while ((len = getline(&line, &cap, stdin)) != -1) {
        if (len > 0 && line[len - 1] == '\n')
            len--;
        if (len > MAX_DATAGRAM) {
            fprintf(stderr, "%s: a line of %zd bytes is over %d: not sent\n", prog, len, MAX_DATAGRAM);
            status = 1;
            continue;
        }
        ssize_t got = ask(fd, line, (size_t)len, reply);
        if (got == -1) {
            status = 1;
            break;
        }
        if (fwrite(reply, 1, (size_t)got, stdout) != (size_t)got || putchar('\n') == EOF) {
            fprintf(stderr, "%s: stdout: %s\n", prog, strerror(errno));
            status = 1;
            break;
        }
    }
    if (ferror(stdin)) {
        fprintf(stderr, "%s: stdin: %s\n", prog, strerror(errno));
        status = 1;
    }
    free(line);
    return status;
}
// TODO 4 stub:
// static int ask_lines(int fd, char *reply)
// {
//     (void)ask;
//     (void)fd;
//     (void)reply;
//     return 1;
// }
// TODO 4 end

int main(int argc, char *argv[])
{
    struct endpoint ep;
    if (argc != 2 || parse_endpoint(argv[1], &ep) == -1) {
        fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH  (PORT: 1 to 65535; PATH with a '/', under 108 bytes)\n", prog);
        return 2;
    }
    int fd = ep.path != NULL ? connect_unix(ep.path) : connect_udp(&ep);
    if (fd == -1)
        return 1;
    /* One byte more than the largest reply: a longer one shows up as too long. */
    char *reply = malloc(MAX_DATAGRAM + 1);
    int status = 1;
    if (reply == NULL)
        fprintf(stderr, "%s: out of memory\n", prog);
    else
        status = ask_lines(fd, reply);
    free(reply);
    close(fd);
    if (fflush(stdout) == EOF) {
        fprintf(stderr, "%s: stdout: %s\n", prog, strerror(errno));
        status = 1;
    }
    return status;
}
