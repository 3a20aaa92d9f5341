/*
 * uds-echo-client PATH — lab 01. The task is in README.md beside this file.
 *
 * Connects to the echo server at PATH, sends standard input, prints
 * everything that comes back, and exits 0 after the server's EOF.
 *
 * Fill in the TODOs in order; after each one, build and try it by hand
 * against socat (README.md shows how), then run `make grade LAB=01`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "uds-echo-client";

enum { CHUNK = 64 * 1024 };

/*
 * TODO 1 — the address (Chapter 4, "Path length"): as in the
 * server, copy path into addr->sun_path, or return -1 if it does not fit
 * with its NUL.
 */
static int fill_address(const char *path, struct sockaddr_un *addr)
{
    (void)path;
    (void)addr;
    return 0;
}

/*
 * TODO 3 — write everything (Chapter 5, "Short reads and short writes").
 * write()/send() may write fewer bytes than asked: loop until all n bytes
 * are out. Retry on EINTR. Return 0, or -1 on error.
 */
static int write_all(int fd, const char *buf, size_t n)
{
    (void)fd;
    (void)buf;
    (void)n;
    errno = ENOSYS;
    return -1;
}

/*
 * TODO 2 — connect (Chapter 5, "Client lifecycle").
 * socket(AF_UNIX, SOCK_STREAM, 0) and connect to addr. If connect fails —
 * ENOENT (no such file) or ECONNREFUSED (nobody listening) — print a message
 * naming the call and the cause, e.g.
 *     uds-echo-client: connect /tmp/x.sock: No such file or directory
 * and return -1. Returns the connected socket.
 */
static int connect_to(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 4 — echo stdin (Chapter 5, "Avoiding deadlock on large inputs" and
 * "End of file and shutdown").
 * Do NOT send all of stdin before reading: with a large input both kernel
 * buffers fill up and client and server wait for each other for ever.
 * Instead: read a chunk of stdin, send it, read that many bytes of echo and
 * write them to stdout; repeat. At stdin's EOF, shutdown(sock, SHUT_WR) and
 * copy whatever still arrives to stdout until recv returns 0.
 * Data is bytes, not strings: no strlen, fgets or printf("%s") on it.
 * Return 0, or -1 on error (after printing it).
 */
static int echo_stdin(int sock)
{
    (void)sock;
    (void)write_all;
    fprintf(stderr, "%s: TODO 4 not written yet\n", prog);
    return -1;
}

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
