// solution only begin: the skeleton has a header of its own
/*
 * tcp-echo-client HOST PORT
 *
 * Connects to the echo server at HOST PORT, sends standard input, and
 * prints everything that comes back.
 *
 * Connecting: getaddrinfo may give several addresses (localhost is often
 * ::1 and 127.0.0.1) and the server may listen on only one of them, so we
 * try each in order until one connects.
 *
 * Moving data: a poll() loop sends while the socket can take data and reads
 * whenever echo has arrived. Sending everything first would deadlock once
 * both directions' buffers are full; strict lock-step (send a chunk, wait
 * for all of it) works but crawls against a server that echoes in small
 * pieces, because Nagle's algorithm and delayed ACKs then wait on each
 * other. When stdin is done we shutdown(SHUT_WR) and read to EOF.
 */
// solution only stub:
// /*
//  * tcp-echo-client HOST PORT — lab 02. The task is in README.md beside this
//  * file.
//  *
//  * Connects to the echo server at HOST PORT (trying every address
//  * getaddrinfo gives), sends standard input, prints everything that comes
//  * back, and exits 0 after the server's EOF.
//  *
//  * Fill in the TODOs in order; lab 01's client is a good place to start.
//  */
// solution only end
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const prog = "tcp-echo-client";

enum { CHUNK = 64 * 1024 };

/*
 * TODO 1 begin — the port: 1 to 65535 in decimal digits, as in the server.
 * Return 1 if valid, 0 if not (main then exits 2).
 */
/* A port is 1 to 65535, in decimal digits only. */
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
// TODO 1 stub:
// static int valid_port(const char *text)
// {
//     (void)text;
//     return 1;
// }
// TODO 1 end

// solution only begin: a helper of the model solution
/* write() may write fewer bytes than asked: loop until all are out. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}
// solution only end

/*
 * TODO 2 begin — connect [04-addresses#getaddrinfo-and-getnameinfo].
 * getaddrinfo(host, port) with AF_UNSPEC and SOCK_STREAM; then for each
 * result IN ORDER: socket, connect; stop at the first that connects, and
 * close the socket of every failed try. `localhost` is often ::1 and
 * 127.0.0.1, and a server may listen on only one of them.
 * Unknown host: print gai_strerror's message and return -1. No address
 * connects: print "tcp-echo-client: connect HOST port PORT: strerror" and
 * return -1. freeaddrinfo in every case.
 */
/* Try every address getaddrinfo gives, in order, until one connects. */
static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *list;
    int err = getaddrinfo(host, port, &hints, &list);
    if (err != 0) {
        fprintf(stderr, "%s: %s: %s\n", prog, host, gai_strerror(err));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = list; ai != NULL && fd == -1; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd == -1) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(list);
    if (fd == -1)
        fprintf(stderr, "%s: connect %s port %s: %s\n", prog, host, port, strerror(saved));
    return fd;
}
// TODO 2 stub:
// static int connect_to(const char *host, const char *port)
// {
//     (void)host;
//     (void)port;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 3 begin — move the data [05-lifecycle#avoiding-deadlock-on-large-inputs 05-lifecycle#end-of-file-and-shutdown 05-lifecycle#nagle-and-delayed-acks].
 * Send stdin and copy the echo to stdout without deadlocking (16 MiB is
 * tested) and without crawling against a server that echoes in small
 * pieces: poll() the socket and read whatever has arrived while you send
 * (lock-step — send a chunk, read it all back — works, but against such a
 * server it waits about 40 ms per chunk, and TCP_NODELAY on your side does
 * not change that: use big chunks if you go that way).
 * At stdin's EOF: shutdown(SHUT_WR), read until the server's EOF.
 * Return 0 on success, -1 on error (after printing a message).
 */
/* The client's state between poll() rounds. */
struct pump {
    char out[CHUNK];   /* read from stdin, not yet sent */
    size_t out_len, out_off;
    int stdin_done;    /* stdin at EOF: shut down our sending side */
    int shut;          /* shutdown(SHUT_WR) done */
};

/* Refill from stdin when everything read so far has been sent. */
static int fill_from_stdin(struct pump *p)
{
    ssize_t n = read(STDIN_FILENO, p->out, sizeof p->out);
    if (n == -1)
        return errno == EINTR ? 0 : -1;
    if (n == 0)
        p->stdin_done = 1;
    p->out_len = (size_t)n;
    p->out_off = 0;
    return 0;
}

/* Send what the socket takes now; MSG_NOSIGNAL turns SIGPIPE into EPIPE. */
static int send_some(int sock, struct pump *p)
{
    ssize_t s = send(sock, p->out + p->out_off, p->out_len - p->out_off,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (s == -1)
        return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    p->out_off += (size_t)s;
    return 0;
}

/* Copy what has arrived to stdout. Returns 1 at the server's EOF. */
static int receive_some(int sock)
{
    char buf[CHUNK];
    ssize_t got = recv(sock, buf, sizeof buf, MSG_DONTWAIT);
    if (got == 0)
        return 1;
    if (got == -1)
        return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    return write_all(STDOUT_FILENO, buf, (size_t)got);
}

/* One round: wait for the socket, then move data both ways. */
static int pump_once(int sock, struct pump *p)
{
    if (p->out_off == p->out_len && !p->stdin_done && fill_from_stdin(p) == -1) {
        fprintf(stderr, "%s: read stdin: %s\n", prog, strerror(errno));
        return -1;
    }
    if (p->stdin_done && !p->shut) {
        if (shutdown(sock, SHUT_WR) == -1) {
            fprintf(stderr, "%s: shutdown: %s\n", prog, strerror(errno));
            return -1;
        }
        p->shut = 1;
    }
    struct pollfd pfd = { .fd = sock, .events = POLLIN };
    if (p->out_off < p->out_len)
        pfd.events |= POLLOUT;
    if (poll(&pfd, 1, -1) == -1)
        return errno == EINTR ? 0 : -1;
    if ((pfd.revents & POLLOUT) && send_some(sock, p) == -1) {
        fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
        return -1;
    }
    if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
        int r = receive_some(sock);
        if (r == -1)
            fprintf(stderr, "%s: recv or write: %s\n", prog, strerror(errno));
        return r;
    }
    return 0;
}

/* Pump until the server's EOF, which must come after all of stdin's echo. */
static int echo_stdin(int sock)
{
    static struct pump p; /* 64 KiB: not on the stack */
    int r;
    while ((r = pump_once(sock, &p)) == 0)
        ;
    if (r == 1 && (!p.stdin_done || p.out_off < p.out_len)) {
        fprintf(stderr, "%s: the server closed the connection early\n", prog);
        r = -1;
    }
    return r == 1 ? 0 : -1;
}
// TODO 3 stub:
// static int echo_stdin(int sock)
// {
//     (void)sock;
//     fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
//     return -1;
// }
// TODO 3 end

/* connect_to and echo_stdin report their own errors. */
int main(int argc, char *argv[])
{
    if (argc != 3 || !valid_port(argv[2])) {
        fprintf(stderr, "usage: %s HOST PORT  (PORT: 1 to 65535)\n", prog);
        return 2;
    }
    int sock = connect_to(argv[1], argv[2]);
    if (sock == -1)
        return 1;
    int status = echo_stdin(sock) == 0 ? 0 : 1;
    close(sock);
    return status;
}
