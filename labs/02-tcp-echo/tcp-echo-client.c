/*
 * tcp-echo-client HOST PORT — lab 02. The task is in README.md beside this
 * file.
 *
 * Connects to the echo server at HOST PORT (trying every address
 * getaddrinfo gives), sends standard input, prints everything that comes
 * back, and exits 0 after the server's EOF.
 *
 * Fill in the TODOs in order; lab 01's client is a good place to start.
 */
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
 * TODO 1 — the port: 1 to 65535 in decimal digits, as in the server.
 * Return 1 if valid, 0 if not (main then exits 2).
 */
static int valid_port(const char *text)
{
    (void)text;
    return 1;
}

/*
 * TODO 2 — connect (Chapter 4, "getaddrinfo and getnameinfo").
 * getaddrinfo(host, port) with AF_UNSPEC and SOCK_STREAM; then for each
 * result IN ORDER: socket, connect; stop at the first that connects, and
 * close the socket of every failed try. `localhost` is often ::1 and
 * 127.0.0.1, and a server may listen on only one of them.
 * Unknown host: print gai_strerror's message and return -1. No address
 * connects: print "tcp-echo-client: connect HOST port PORT: strerror" and
 * return -1. freeaddrinfo in every case.
 */
static int connect_to(const char *host, const char *port)
{
    (void)host;
    (void)port;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 3 — move the data (Chapter 5, "Avoiding deadlock on large inputs",
 * "End of file and shutdown" and "Nagle and delayed ACKs").
 * Send stdin and copy the echo to stdout without deadlocking (16 MiB is
 * tested) and without crawling against a server that echoes in small
 * pieces: poll() the socket and read whatever has arrived while you send
 * (lock-step — send a chunk, read it all back — works, but against such a
 * server it waits about 40 ms per chunk, and TCP_NODELAY on your side does
 * not change that: use big chunks if you go that way).
 * At stdin's EOF: shutdown(SHUT_WR), read until the server's EOF.
 * Return 0 on success, -1 on error (after printing a message).
 */
static int echo_stdin(int sock)
{
    (void)sock;
    fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
    return -1;
}

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
