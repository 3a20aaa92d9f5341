/*
 * seqpacket-server PATH — lab 04. The task is in README.md beside this file.
 *
 * An AF_UNIX SOCK_SEQPACKET server: each message (1 to 65536 bytes) is
 * answered with one message holding it reversed. No framing: the kernel
 * keeps message boundaries, so one recv is one message.
 *
 * Much of frame-server carries over (signals, the listening socket, the
 * accept loop); what changes is the type and the reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MESSAGE (64 * 1024) /* the contract's largest message */

static const char *const prog = "seqpacket-server";

static volatile sig_atomic_t stop_requested;

/*
 * TODO 3 — signals, as in frame-server: SIGINT and SIGTERM end the server
 * cleanly (no lost signal), SIGPIPE never kills it.
 */
static int setup_signals(void)
{
    return 0;
}

/*
 * TODO 2 — one connection. Loop: recv one message into a buffer of
 * MAX_MESSAGE bytes (a smaller buffer silently cuts longer messages:
 * MSG_TRUNC), reverse it, send it back in ONE send. recv returning 0 is the
 * client's EOF (messages are never empty here). Returns when the client is
 * done or a stop signal came.
 */
static void serve_connection(int fd, unsigned conn)
{
    (void)fd;
    (void)conn;
}

/*
 * TODO 1 — the listening socket (Chapter 3, "Sequenced-packet sockets").
 * As in lab 01, but socket(AF_UNIX, SOCK_SEQPACKET, 0). Returns the
 * listening descriptor or -1 after a message naming the call.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
    return -1;
}

/*
 * TODO 4 — accept clients one after another until a stop signal.
 * Return 0 then, or -1 on an error (after printing it).
 */
static int serve(int listen_fd)
{
    (void)listen_fd;
    (void)serve_connection;
    fprintf(stderr, "%s: TODO 4 not written yet\n", prog);
    return -1;
}

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", prog);
        return 2;
    }
    /* TODO 5 — a PATH too long for sun_path (with its NUL) exits 2 too. */
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    /* TODO 6 — remove the socket file. */
    return status;
}
