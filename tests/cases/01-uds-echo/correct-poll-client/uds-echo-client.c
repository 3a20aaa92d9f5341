/*
 * uds-echo-client PATH -- a correct lab-01 client written differently from
 * the reference: not lock-step at all. The socket is non-blocking and one
 * poll() watches stdin and the socket together; stdin is read whenever the
 * pending buffer has room, pending bytes are sent whenever the socket can
 * take them, and the echo is read whenever it arrives, so neither side's
 * kernel buffer can fill up with nobody draining it. The pending buffer is
 * bounded (64 KiB): when it is full, stdin is simply not polled. Once stdin
 * has reached EOF and the buffer is empty, shutdown(SHUT_WR); the program
 * then keeps reading until the server's EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char prog[] = "uds-echo-client";

#define PENDING_MAX (64 * 1024)

struct pending {
    char data[PENDING_MAX];
    size_t start, len;          /* data[start .. start+len) not yet sent */
};

static int write_stdout(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: write stdout: %s\n", prog, strerror(errno));
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Read what stdin has into the free end of the buffer. */
static int fill_from_stdin(struct pending *pb, bool *stdin_open)
{
    if (pb->start > 0) {        /* slide the unsent bytes to the front */
        memmove(pb->data, pb->data + pb->start, pb->len);
        pb->start = 0;
    }
    ssize_t n = read(STDIN_FILENO, pb->data + pb->len, sizeof pb->data - pb->len);
    if (n > 0)
        pb->len += (size_t)n;
    else if (n == 0)
        *stdin_open = false;
    else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
        fprintf(stderr, "%s: read stdin: %s\n", prog, strerror(errno));
        return -1;
    }
    return 0;
}

/* Send as much of the pending bytes as the socket takes now. */
static int flush_some(int sock, struct pending *pb)
{
    ssize_t n = send(sock, pb->data + pb->start, pb->len, MSG_NOSIGNAL);
    if (n >= 0) {
        pb->start += (size_t)n;
        pb->len -= (size_t)n;
        if (pb->len == 0)
            pb->start = 0;
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
        fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
        return -1;
    }
    return 0;
}

/* Copy what the socket has to stdout. 1: server's EOF; 0: more to come. */
static int drain_echo(int sock)
{
    char buf[PENDING_MAX];
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    if (n == 0)
        return 1;
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
            return 0;
        fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
        return -1;
    }
    return write_stdout(buf, (size_t)n) == -1 ? -1 : 0;
}

static int pump(int sock)
{
    static struct pending pb;   /* 64 KiB: keep it off the stack */
    bool stdin_open = true, shut = false;

    for (;;) {
        if (!stdin_open && pb.len == 0 && !shut) {
            if (shutdown(sock, SHUT_WR) == -1) {
                fprintf(stderr, "%s: shutdown: %s\n", prog, strerror(errno));
                return -1;
            }
            shut = true;
        }
        struct pollfd pf[2] = {
            { .fd = (stdin_open && pb.len < sizeof pb.data) ? STDIN_FILENO : -1, .events = POLLIN },
            { .fd = sock, .events = (short)(POLLIN | (pb.len > 0 ? POLLOUT : 0)) },
        };
        if (poll(pf, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
            return -1;
        }
        if (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            int r = drain_echo(sock);
            if (r == -1)
                return -1;
            if (r == 1) {
                if (!shut) {
                    fprintf(stderr, "%s: the server closed the connection before all input was echoed\n", prog);
                    return -1;
                }
                return 0;
            }
        }
        if ((pf[1].revents & POLLOUT) && pb.len > 0 && flush_some(sock, &pb) == -1)
            return -1;
        if ((pf[0].revents & (POLLIN | POLLHUP | POLLERR)) && fill_from_stdin(&pb, &stdin_open) == -1)
            return -1;
    }
}

int main(int argc, char **argv)
{
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (argc != 2 || strlen(argv[1]) == 0 || strlen(argv[1]) >= sizeof sun.sun_path) {
        fprintf(stderr, "usage: %s PATH  (PATH shorter than %zu bytes)\n", prog, sizeof sun.sun_path);
        return 2;
    }
    memcpy(sun.sun_path, argv[1], strlen(argv[1]) + 1);

    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return 1;
    }
    int status = 1;
    if (connect(sock, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, "%s: connect %s: %s\n", prog, sun.sun_path, strerror(errno));
    } else {
        /* Connected while blocking (so errors are immediate); now non-blocking. */
        int flags = fcntl(sock, F_GETFL);
        if (flags == -1 || fcntl(sock, F_SETFL, flags | O_NONBLOCK) == -1)
            fprintf(stderr, "%s: fcntl O_NONBLOCK: %s\n", prog, strerror(errno));
        else if (pump(sock) == 0)
            status = 0;
    }
    if (close(sock) == -1) {
        fprintf(stderr, "%s: close: %s\n", prog, strerror(errno));
        status = 1;
    }
    return status;
}
