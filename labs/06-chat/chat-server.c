/*
 * chat-server ENDPOINT — lab 06. The task is in README.md beside this file.
 *
 * ENDPOINT is a PORT (digits only: TCP on every local address, IPv4 and
 * IPv6) or a path containing '/' (AF_UNIX SOCK_STREAM). Clients are numbered
 * 1, 2, 3, ...; each line a client sends goes to every other client as
 * "[N] LINE\n"; joins and departures are announced as "* N joined\n" and
 * "* N left\n".
 *
 * Given: the command line and the signal set-up (SIGINT/SIGTERM blocked
 * except inside ppoll, SIGPIPE ignored). Fill in the TODOs in order, 1 to 8;
 * each names the section of the book that explains it. Each TODO stands
 * where its code goes, and C wants a function defined before its callers,
 * so they do not come in that order in this file. After each one, build
 * and try it by hand (README.md shows how), then run `make grade LAB=06`.
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
#include <time.h>
#include <unistd.h>

#define MAX_LINE 4096            /* bytes in a line, its '\n' not counted */
#define OUT_LIMIT (1024 * 1024)  /* queued output before a client is dropped */
#define MAX_MESSAGE (MAX_LINE + 32) /* "[N] " + line + "\n" */

static const char *const prog = "chat-server";

/* ---- signals ------------------------------------------------------------- */

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

/* ---- clients ------------------------------------------------------------- */

struct client {
    int fd;
    unsigned long id;           /* 1, 2, 3, ... never reused */
    char in[MAX_LINE + 1];      /* a partial line, room for its '\n' */
    size_t in_len;
    /* TODO 5: an output queue (what the socket did not take yet). */
};

/*
 * TODO 5 — per-client output (Chapter 9, "Per-client buffers" and
 * "Slow and vanished clients").
 * To give a message to a client: if nothing is queued for it, send() what
 * the socket takes now (MSG_NOSIGNAL); queue whatever is left, in order.
 * Flush the queue when poll says POLLOUT. EAGAIN is not an error; EPIPE or
 * ECONNRESET means the client is gone. More than OUT_LIMIT bytes queued: the
 * client is not reading — disconnect it rather than wait for it.
 */

/*
 * TODO 6 — leaving (Chapter 9, "Slow and vanished clients").
 * However a client goes (EOF, an error, a line too long, too much output),
 * close its descriptor, free its buffers, remove it from the list, and send
 * "* N left\n" to everyone still there. Careful: that announcement may make
 * another client's queue overflow, so that one leaves too.
 */

/*
 * TODO 2 — a new client (Chapter 9, "Non-blocking sockets and EAGAIN").
 * accept(), make the socket non-blocking (fcntl O_NONBLOCK, or accept4 with
 * SOCK_NONBLOCK), give it the next number, send "* N joined\n" to every
 * client already there (not to the newcomer), then add it to your list.
 * EAGAIN means nobody is waiting after all. EMFILE/ENFILE: see TODO 7.
 */

/*
 * TODO 4 — lines from a stream (Chapter 9, "Lines from a stream").
 * recv() into c->in after the c->in_len bytes already there. Every complete
 * line (up to a '\n', found with memchr: NULs and '\r' are ordinary bytes)
 * goes to every other client as "[N] LINE\n"; keep the rest for the next
 * read. If the buffer is full and holds no '\n', the line is too long:
 * "* line too long\n" to that client, then disconnect it (TODO 6).
 * recv returning 0 (EOF) or an error: the client leaves; its unfinished
 * line is dropped.
 */

/* ---- the event loop ------------------------------------------------------ */

/*
 * TODO 7 — out of descriptors (Chapter 9, "Running out of descriptors").
 * accept() failing with EMFILE leaves the connection waiting, so the
 * listening socket stays readable and poll returns at once, forever. Stop
 * watching it (fd -1 in the pollfd) until a client leaves or a moment has
 * passed.
 */

/*
 * TODO 3 — the event loop (Chapter 9, "The event loop with poll").
 * Until stop_requested: build a pollfd array (the listening socket with
 * POLLIN; each client with POLLIN, plus POLLOUT while its queue is not
 * empty), call ppoll(fds, n, NULL, &wait_mask) (EINTR: loop again), then
 * handle what is ready: accept, read, flush queues, drop clients.
 */
/* Serve until a stop signal. 0, or -1 when ppoll itself fails. */
static int serve(int listen_fd)
{
    (void)listen_fd;
    return 0;
}

/* ---- listening ----------------------------------------------------------- */

/*
 * TODO 1 — listening, as lab 02 and lab 01 did (Chapter 4,
 * "Dual stack and IPV6_V6ONLY" and "Stale socket files").
 * For a port: one AF_INET6 socket with IPV6_V6ONLY off (or two sockets),
 * SO_REUSEADDR, bind, listen. For a path: lstat it; a socket file is
 * removed, anything else refused (message, return -1); then AF_UNIX
 * SOCK_STREAM, bind, listen. Make the listening socket non-blocking too.
 * Returns the descriptor, or -1 after printing "chat-server: CALL: cause".
 */
static int listen_on(uint16_t port, const struct sockaddr_un *addr)
{
    (void)port;
    (void)addr;
    fprintf(stderr, "%s: listen: not written yet (TODO 1)\n", prog);
    return -1;
}

/* ---- the command line ---------------------------------------------------- */

/* ENDPOINT: a path (it contains '/', shorter than sun_path) or a PORT
 * (decimal digits, 1 to 65535). Fills *port or addr; -1 if neither. */
static int parse_endpoint(const char *arg, uint16_t *port, struct sockaddr_un *addr)
{
    size_t len = strlen(arg);
    *port = 0;
    if (strchr(arg, '/')) {
        if (len >= sizeof addr->sun_path)
            return -1;
        memcpy(addr->sun_path, arg, len + 1);
        return 0;
    }
    if (len == 0 || len > 5 || strspn(arg, "0123456789") != len)
        return -1;
    unsigned long value = strtoul(arg, NULL, 10);
    if (value < 1 || value > 65535)
        return -1;
    *port = (uint16_t)value;
    return 0;
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    uint16_t port;
    if (argc != 2 || parse_endpoint(argv[1], &port, &addr) == -1) {
        fprintf(stderr, "usage: %s PORT|PATH (PORT 1 to 65535; PATH contains '/', under %zu bytes)\n",
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

    /* TODO 8 (Chapter 5, "Clean shutdown on signals"): close every client
     * and free its buffers, close the listening socket, and unlink the
     * socket file (a path only). */
    close(listen_fd);
    return status;
}
