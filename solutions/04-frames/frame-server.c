// solution only begin: the skeleton has a header of its own
/*
 * frame-server ENDPOINT
 *
 * ENDPOINT is a PORT (decimal digits only: TCP on every local address, IPv4
 * and IPv6) or a Unix socket path (AF_UNIX SOCK_STREAM).
 *
 * A frame is a 4-byte unsigned length in network byte order followed by
 * that many payload bytes. For every frame received the server replies with
 * one frame holding the payload reversed. A stream keeps no boundaries, so
 * a frame may arrive one byte at a time or many frames in one read: the
 * server reads exactly 4 bytes, then exactly LENGTH bytes, however many
 * recv calls that takes.
 *
 * The length comes from the peer, so it is not trusted: above 16 MiB the
 * connection is logged and closed before a byte of memory is spent on it.
 * A connection that ends inside a frame is logged and closed too. Either
 * way the server goes on with the next client: one connection at a time.
 *
 * Shutdown: SIGINT and SIGTERM stay blocked except inside ppoll(), which
 * unblocks them atomically while we wait, so a signal cannot slip in
 * between "check the flag" and "start waiting". Sockets are non-blocking,
 * so ppoll() is the only place the server ever sleeps.
 */
// solution only stub:
// /*
//  * frame-server ENDPOINT — lab 04. The task is in README.md beside this file.
//  *
//  * ENDPOINT is a PORT (digits only: TCP on every local address) or a Unix
//  * socket path (AF_UNIX SOCK_STREAM). A frame is a 4-byte unsigned length in
//  * network byte order followed by that many payload bytes; every frame is
//  * answered with one frame holding the payload reversed.
//  *
//  * Fill in the TODOs in order (1 to 4 answer frames from a well-behaved
//  * client; 5 to 7 make the server survive the others). After each one, build
//  * and try it by hand (README.md shows how), then run `make grade LAB=04`.
//  */
// solution only end
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_PAYLOAD (16u * 1024 * 1024) /* the contract's limit: 16 MiB */

static const char *const prog = "frame-server";

/* Set from the signal handler, so it must be volatile sig_atomic_t. */
static volatile sig_atomic_t stop_requested;

/*
 * TODO 6 begin — signals [05-lifecycle#clean-shutdown-on-signals 05-lifecycle#vanished-peers-and-sigpipe].
 * Handle SIGINT and SIGTERM without losing one that lands just before a
 * blocking call (self-pipe, signalfd, ppoll/pselect, or cleanup in the
 * handler), and ignore SIGPIPE (or use MSG_NOSIGNAL).
 */
static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* The mask to wait with: the one we started with, stop signals unblocked. */
static sigset_t wait_mask;

/* Block SIGINT/SIGTERM outside ppoll, catch them, and ignore SIGPIPE so
 * that a client that vanishes makes send() fail instead of killing us. */
static int setup_signals(void)
{
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask) == -1)
        return -1;
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);

    struct sigaction sa = { .sa_handler = request_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        return -1;
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGPIPE, &ignore, NULL);
}
// TODO 6 stub:
// static int setup_signals(void)
// {
//     return 0;
// }
// TODO 6 end

// solution only begin: a helper of the model solution
/* Wait until fd is ready. Returns 1 ready, 0 stop signal, -1 error. */
static int wait_for(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    while (!stop_requested) {
        int n = ppoll(&pfd, 1, NULL, &wait_mask);
        if (n > 0)
            return 1;
        if (n == -1 && errno != EINTR)
            return -1;
    }
    return 0;
}
// solution only end

/* What reading exactly n bytes came to. */
enum got { GOT_ALL, GOT_EOF, GOT_ERROR, GOT_STOP };

/*
 * TODO 3 begin — exactly n bytes [05-lifecycle#short-reads-and-short-writes].
 * A stream keeps no boundaries: one recv may return 1 byte of your 4-byte
 * header, or the end of this frame and the start of the next. Loop until
 * buf holds exactly n bytes: GOT_ALL. GOT_EOF if the peer closed first
 * (*done bytes arrived: 0 is a clean end between frames, more is a cut
 * frame, which the caller logs), GOT_ERROR on an error, GOT_STOP on a stop
 * signal.
 */
/* Read exactly n bytes, however many recv calls the stream needs; *done
 * says how many arrived when the answer is not GOT_ALL. */
static enum got recv_exact(int fd, unsigned char *buf, size_t n, size_t *done)
{
    *done = 0;
    while (*done < n) {
        ssize_t got = recv(fd, buf + *done, n - *done, 0);
        if (got > 0) {
            *done += (size_t)got;
        } else if (got == 0) {
            return GOT_EOF;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int ready = wait_for(fd, POLLIN);
            if (ready <= 0)
                return ready == 0 ? GOT_STOP : GOT_ERROR;
        } else if (errno != EINTR) {
            return GOT_ERROR;
        }
    }
    return GOT_ALL;
}
// TODO 3 stub:
// static enum got recv_exact(int fd, unsigned char *buf, size_t n, size_t *done)
// {
//     (void)fd;
//     (void)buf;
//     (void)n;
//     *done = 0;
//     return GOT_ERROR;
// }
// TODO 3 end

/*
 * TODO 4 begin — a connection's frames [07-framing].
 * Read the 4-byte header, ntohl it. TODO 5: a length over MAX_PAYLOAD comes
 * from an untrusted peer — log it on stderr and close the connection
 * WITHOUT allocating that much. Otherwise allocate the payload (0 bytes is
 * a valid frame!), read it, reverse it, send htonl length + payload with a
 * loop that copes with short writes. Free what you allocated on every path.
 * Go on until the client closes between two frames; a cut frame is logged.
 * Whatever this client does, return: the caller closes fd.
 */
/* Send all n bytes (send may take fewer than asked). 0 or -1. */
static int send_all(int fd, const unsigned char *buf, size_t n)
{
    size_t done = 0;
    while (done < n) {
        ssize_t sent = send(fd, buf + done, n - done, MSG_NOSIGNAL);
        if (sent >= 0) {
            done += (size_t)sent;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(fd, POLLOUT) <= 0)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

static void reverse(unsigned char *p, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        unsigned char t = p[i];
        p[i] = p[j - 1];
        p[j - 1] = t;
    }
}

/* Read one frame's payload into a buffer that also has room for the reply's
 * header, reverse it and send it back. 0 done, -1 end this connection. */
static int answer_frame(int fd, unsigned conn, uint32_t len)
{
    unsigned char *frame = malloc(4 + (size_t)len);
    if (!frame) {
        fprintf(stderr, "%s: connection %u: malloc %u bytes: %s\n", prog, conn, len, strerror(errno));
        return -1;
    }
    size_t done;
    enum got got = recv_exact(fd, frame + 4, len, &done);
    int status = -1;
    if (got == GOT_ALL) {
        uint32_t net_len = htonl(len); /* the same byte order back */
        memcpy(frame, &net_len, 4);
        reverse(frame + 4, len);
        status = send_all(fd, frame, 4 + (size_t)len);
        if (status == -1 && !stop_requested)
            fprintf(stderr, "%s: connection %u: send: %s; closing it\n", prog, conn, strerror(errno));
    } else if (got == GOT_EOF) {
        fprintf(stderr, "%s: connection %u ended inside a frame (%zu of %u payload bytes); closing it\n",
                prog, conn, done, len);
    } else if (got == GOT_ERROR) {
        fprintf(stderr, "%s: connection %u: recv: %s; closing it\n", prog, conn, strerror(errno));
    }
    free(frame);
    return status;
}

/* Answer frames until the client's EOF between frames, a bad frame, or a
 * stop signal. The caller closes fd. */
static void serve_connection(int fd, unsigned conn)
{
    for (;;) {
        unsigned char header[4];
        size_t done;
        enum got got = recv_exact(fd, header, sizeof header, &done);
        if (got == GOT_EOF && done > 0)
            fprintf(stderr, "%s: connection %u ended inside a frame header (%zu of 4 bytes); closing it\n",
                    prog, conn, done);
        if (got == GOT_ERROR)
            fprintf(stderr, "%s: connection %u: recv: %s; closing it\n", prog, conn, strerror(errno));
        if (got != GOT_ALL)
            return;
        uint32_t net_len;
        memcpy(&net_len, header, sizeof net_len); /* header may be unaligned */
        uint32_t len = ntohl(net_len);
        if (len > MAX_PAYLOAD) {
            fprintf(stderr, "%s: connection %u: frame length %u is over the limit of %u; closing it\n",
                    prog, conn, len, MAX_PAYLOAD);
            return;
        }
        if (answer_frame(fd, conn, len) == -1)
            return;
    }
}
// TODO 4 stub:
// static void serve_connection(int fd, unsigned conn)
// {
//     (void)fd;
//     (void)conn;
//     (void)recv_exact;
// }
// TODO 4 end

/*
 * TODO 2 begin — listening [05-lifecycle#server-lifecycle].
 * For a port: a TCP socket on every local address (AF_INET6 with
 * IPV6_V6ONLY off, or AF_INET with INADDR_ANY), SO_REUSEADDR, bind, listen.
 * For a path: remove a stale socket file as in lab 01, then AF_UNIX
 * SOCK_STREAM, bind, listen. Returns the listening descriptor, or -1 after
 * printing "frame-server: CALL ...: strerror(errno)".
 */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Only a socket file left by a killed server may be removed before bind. */
static int remove_stale_socket(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return unlink(path);
}

/* bind + listen + non-blocking; closes fd on failure. */
static int bind_and_listen(int fd, const struct sockaddr *addr, socklen_t len, const char *name)
{
    if (bind(fd, addr, len) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, name, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, SOMAXCONN) == -1 || set_nonblocking(fd) == -1) {
        fprintf(stderr, "%s: listen %s: %s\n", prog, name, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_unix(const struct sockaddr_un *addr)
{
    if (remove_stale_socket(addr->sun_path) == -1) {
        fprintf(stderr, "%s: %s: %s; not removing it\n", prog, addr->sun_path,
                errno == EEXIST ? "exists and is not a socket" : strerror(errno));
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    return bind_and_listen(fd, (const struct sockaddr *)addr, sizeof *addr, addr->sun_path);
}

/* One IPv6 socket with IPV6_V6ONLY off takes IPv4 clients too; a kernel
 * without IPv6 gets a plain IPv4 socket. SO_REUSEADDR lets a restarted
 * server bind while old connections sit in TIME_WAIT. */
static int listen_tcp(uint16_t port)
{
    int on = 1, off = 0;
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd != -1) {
        struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
                                   .sin6_addr = IN6ADDR_ANY_INIT };
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) == -1 ||
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1) {
            fprintf(stderr, "%s: setsockopt: %s\n", prog, strerror(errno));
            close(fd);
            return -1;
        }
        return bind_and_listen(fd, (struct sockaddr *)&a6, sizeof a6, "[::]");
    }
    if (errno != EAFNOSUPPORT || (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == -1) {
        fprintf(stderr, "%s: setsockopt: %s\n", prog, strerror(errno));
        close(fd);
        return -1;
    }
    return bind_and_listen(fd, (struct sockaddr *)&a4, sizeof a4, "0.0.0.0");
}

/* Port 0 stands for "a path in addr". */
static int listen_on(uint16_t port, const struct sockaddr_un *addr)
{
    return port != 0 ? listen_tcp(port) : listen_unix(addr);
}
// TODO 2 stub:
// static int listen_on(uint16_t port, const struct sockaddr_un *addr)
// {
//     (void)port;
//     (void)addr;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 7 begin — the main loop: accept a client, answer frames until it closes
 * (or sends something bad), close its descriptor, accept the next one —
 * until a stop signal. One client's bad frame never stops the server.
 * Return 0 on a stop signal, -1 on an error (after printing it).
 */
/* Accept and serve clients one after another until a stop signal. */
static int serve(int listen_fd)
{
    for (unsigned conn = 1;; conn++) {
        int ready = wait_for(listen_fd, POLLIN);
        if (ready <= 0) {
            if (ready == -1)
                fprintf(stderr, "%s: ppoll: %s\n", prog, strerror(errno));
            return ready;
        }
        int client = accept(listen_fd, NULL, NULL);
        if (client == -1) {
            /* The client may have given up between ppoll and accept. */
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
                continue;
            fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
            return -1;
        }
        if (set_nonblocking(client) == 0)
            serve_connection(client, conn);
        close(client);
        if (stop_requested)
            return 0;
    }
}
// TODO 7 stub:
// static int serve(int listen_fd)
// {
//     (void)listen_fd;
//     (void)serve_connection;
//     fprintf(stderr, "%s: TODO 7 not written yet\n", prog);
//     return -1;
// }
// TODO 7 end

/*
 * TODO 1 begin — the endpoint [04-addresses#path-length 04-addresses#internet-addresses-and-byte-order].
 * If arg is made of decimal digits only, it is a TCP port: 1 to 65535, or
 * return -1 (main exits 2). Otherwise it is a Unix path, which must be
 * shorter than sizeof addr->sun_path, or return -1.
 * Sets *port (0 for a path) and fills addr for a path.
 */
/* PORT: decimal digits only, 1 to 65535. Returns 0, or -1 if s is not. */
static int parse_port(const char *s, uint16_t *port)
{
    unsigned long value = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        value = value * 10 + (unsigned long)(*p - '0');
        if (value > 65535)
            return -1;
    }
    if (*s == '\0' || value == 0)
        return -1;
    *port = (uint16_t)value;
    return 0;
}

static int is_all_digits(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

static int parse_endpoint(const char *arg, uint16_t *port, struct sockaddr_un *addr)
{
    *port = 0;
    if (is_all_digits(arg))
        return parse_port(arg, port);
    /* sun_path must hold the path and its terminating NUL. */
    if (strlen(arg) >= sizeof addr->sun_path)
        return -1;
    memcpy(addr->sun_path, arg, strlen(arg) + 1);
    return 0;
}
// TODO 1 stub:
// static int parse_endpoint(const char *arg, uint16_t *port, struct sockaddr_un *addr)
// {
//     (void)arg;
//     (void)addr;
//     *port = 0;
//     return 0;
// }
// TODO 1 end

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    uint16_t port;
    if (argc != 2 || parse_endpoint(argv[1], &port, &addr) == -1) {
        fprintf(stderr, "usage: %s PORT|PATH  (PORT: 1 to 65535; PATH shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(port, &addr);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    /* TODO 8 begin — remove the socket file (a path only). */
    if (port == 0 && unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    // TODO 8 end
    return status;
}
