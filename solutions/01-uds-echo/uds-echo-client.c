// solution only begin: the skeleton has a header of its own
/*
 * uds-echo-client PATH
 *
 * Connects to the echo server at PATH, sends standard input, and prints
 * everything that comes back.
 *
 * Why lock-step: if we sent all of stdin before reading anything, a large
 * input would fill the server's send buffer (it echoes into our receive
 * queue, which we do not drain) and then ours; both sides would block in
 * send() for ever. So we send one chunk, read that many bytes back, and
 * repeat. At the end, shutdown(SHUT_WR) tells the server "no more data",
 * and we read until its EOF.
 */
// solution only stub:
// /*
//  * uds-echo-client PATH — lab 01. The task is in README.md beside this file.
//  *
//  * Connects to the echo server at PATH, sends standard input, prints
//  * everything that comes back, and exits 0 after the server's EOF.
//  *
//  * Fill in the TODOs in order; after each one, build and try it by hand
//  * against socat (README.md shows how), then run `make grade LAB=01`.
//  */
// solution only end
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "uds-echo-client";

enum { CHUNK = 64 * 1024 };

/*
 * TODO 1 begin — the address [04-addresses#path-length]: as in the
 * server, copy path into addr->sun_path, or return -1 if it does not fit
 * with its NUL.
 */
static int fill_address(const char *path, struct sockaddr_un *addr)
{
    size_t len = strlen(path);
    if (len >= sizeof addr->sun_path)
        return -1;
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}
// TODO 1 stub:
// static int fill_address(const char *path, struct sockaddr_un *addr)
// {
//     (void)path;
//     (void)addr;
//     return 0;
// }
// TODO 1 end

/*
 * TODO 3 begin — write everything [05-lifecycle#short-reads-and-short-writes].
 * write()/send() may write fewer bytes than asked: loop until all n bytes
 * are out. Retry on EINTR. Return 0, or -1 on error.
 */
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

/* The same for a socket; MSG_NOSIGNAL turns SIGPIPE into an EPIPE error. */
static int send_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t s = send(fd, buf, n, MSG_NOSIGNAL);
        if (s == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += s;
        n -= (size_t)s;
    }
    return 0;
}
// TODO 3 stub:
// static int write_all(int fd, const char *buf, size_t n)
// {
//     (void)fd;
//     (void)buf;
//     (void)n;
//     errno = ENOSYS;
//     return -1;
// }
// TODO 3 end

// solution only begin: a helper of the model solution
/*
 * Copy up to `limit` bytes from the socket to stdout (SIZE_MAX: until EOF).
 * Returns the number of bytes copied, or -1 on error.
 */
static long long copy_echo(int sock, size_t limit)
{
    char buf[CHUNK];
    size_t copied = 0;
    while (copied < limit) {
        size_t want = limit - copied < sizeof buf ? limit - copied : sizeof buf;
        ssize_t got = recv(sock, buf, want, 0);
        if (got == 0)
            break;
        if (got == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
            return -1;
        }
        if (write_all(STDOUT_FILENO, buf, (size_t)got) == -1) {
            fprintf(stderr, "%s: write to stdout: %s\n", prog, strerror(errno));
            return -1;
        }
        copied += (size_t)got;
    }
    return (long long)copied;
}
// solution only end

/*
 * TODO 2 begin — connect [05-lifecycle#client-lifecycle].
 * socket(AF_UNIX, SOCK_STREAM, 0) and connect to addr. If connect fails —
 * ENOENT (no such file) or ECONNREFUSED (nobody listening) — print a message
 * naming the call and the cause, e.g.
 *     uds-echo-client: connect /tmp/x.sock: No such file or directory
 * and return -1. Returns the connected socket.
 */
static int connect_to(const struct sockaddr_un *addr)
{
    int sock = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sock == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    if (connect(sock, (const struct sockaddr *)addr, sizeof *addr) == -1) {
        fprintf(stderr, "%s: connect %s: %s\n", prog, addr->sun_path, strerror(errno));
        close(sock);
        return -1;
    }
    return sock;
}
// TODO 2 stub:
// static int connect_to(const struct sockaddr_un *addr)
// {
//     (void)addr;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 4 begin — echo stdin [05-lifecycle#avoiding-deadlock-on-large-inputs 05-lifecycle#end-of-file-and-shutdown].
 * Do NOT send all of stdin before reading: with a large input both kernel
 * buffers fill up and client and server wait for each other for ever.
 * Instead: read a chunk of stdin, send it, read that many bytes of echo and
 * write them to stdout; repeat. At stdin's EOF, shutdown(sock, SHUT_WR) and
 * copy whatever still arrives to stdout until recv returns 0.
 * Data is bytes, not strings: no strlen, fgets or printf("%s") on it.
 * Return 0, or -1 on error (after printing it).
 */
/* Send stdin chunk by chunk, reading each chunk's echo before the next. */
static int echo_stdin(int sock)
{
    char buf[CHUNK];
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n == 0)
            break;
        if (n == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: read stdin: %s\n", prog, strerror(errno));
            return -1;
        }
        if (send_all(sock, buf, (size_t)n) == -1) {
            fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
            return -1;
        }
        long long back = copy_echo(sock, (size_t)n);
        if (back == -1)
            return -1;
        if (back < n) {
            fprintf(stderr, "%s: server closed the connection early\n", prog);
            return -1;
        }
    }
    if (shutdown(sock, SHUT_WR) == -1) {
        fprintf(stderr, "%s: shutdown: %s\n", prog, strerror(errno));
        return -1;
    }
    /* Anything the server still sends after our EOF, up to its own EOF. */
    return copy_echo(sock, (size_t)-1) == -1 ? -1 : 0;
}
// TODO 4 stub:
// static int echo_stdin(int sock)
// {
//     (void)sock;
//     (void)write_all;
//     fprintf(stderr, "%s: TODO 4 not written yet\n", prog);
//     return -1;
// }
// TODO 4 end

/* connect_to and echo_stdin report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", prog);
        return 2;
    }
    if (fill_address(argv[1], &addr) == -1) {
        fprintf(stderr, "usage: %s PATH (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }

    int sock = connect_to(&addr);
    if (sock == -1)
        return 1;
    int status = echo_stdin(sock) == 0 ? 0 : 1;
    close(sock);
    return status;
}
