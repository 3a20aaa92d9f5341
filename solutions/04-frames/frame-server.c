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

/* Set by the handler; read only after ppoll() returns. */
static volatile sig_atomic_t stop_requested;

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

/* What reading exactly n bytes came to. */
enum got { GOT_ALL, GOT_EOF, GOT_ERROR, GOT_STOP };

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

int main(int argc, char *argv[])
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT|PATH\n", prog);
        return 2;
    }
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    uint16_t port = 0;
    int tcp = is_all_digits(argv[1]);
    if (tcp && parse_port(argv[1], &port) == -1) {
        fprintf(stderr, "usage: %s PORT|PATH (PORT is 1 to 65535)\n", prog);
        return 2;
    }
    if (!tcp && strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PORT|PATH (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    if (!tcp)
        memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = tcp ? listen_tcp(port) : listen_unix(&addr);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    if (!tcp && unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    return status;
}
