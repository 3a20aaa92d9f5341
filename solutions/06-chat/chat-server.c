// solution only begin: the skeleton has a header of its own
/*
 * chat-server ENDPOINT
 *
 * ENDPOINT is a PORT (decimal digits only: TCP on every local address, IPv4
 * and IPv6) or a path containing '/' (AF_UNIX SOCK_STREAM).
 *
 * Every client gets a number, 1, 2, 3, ... in the order it is accepted,
 * never reused. Each line a client sends goes to every other client as
 * "[N] LINE\n"; joins and departures are announced as "* N joined\n" and
 * "* N left\n". Everything a client sees comes out of one sequence of
 * events, so all clients see them in the same order.
 *
 * One thread, one event loop over ppoll(), every client socket non-blocking.
 * Each client has an input buffer (a partial line, at most 4096 bytes plus
 * its '\n') and an output queue (what its socket buffer could not take yet,
 * at most 1 MiB): a client that stops reading is disconnected instead of
 * delaying everybody else or eating all our memory.
 *
 * Shutdown: SIGINT and SIGTERM stay blocked except inside ppoll(), which
 * unblocks them atomically while we wait, so a signal cannot slip in
 * between "check the flag" and "start waiting".
 */
// solution only stub:
// /*
//  * chat-server ENDPOINT — lab 06. The task is in README.md beside this file.
//  *
//  * ENDPOINT is a PORT (digits only: TCP on every local address, IPv4 and
//  * IPv6) or a path containing '/' (AF_UNIX SOCK_STREAM). Clients are numbered
//  * 1, 2, 3, ...; each line a client sends goes to every other client as
//  * "[N] LINE\n"; joins and departures are announced as "* N joined\n" and
//  * "* N left\n".
//  *
//  * Given: the command line and the signal set-up (SIGINT/SIGTERM blocked
//  * except inside ppoll, SIGPIPE ignored). Fill in the TODOs in order, 1 to 8;
//  * each names the section of the book that explains it. Each TODO stands
//  * where its code goes, and C wants a function defined before its callers,
//  * so they do not come in that order in this file. After each one, build
//  * and try it by hand (README.md shows how), then run `make grade LAB=06`.
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
    // solution only begin: the model's output queue and leaving mark
    int doomed;                 /* to be closed and announced as gone */
    char *out;                  /* output queue: out[out_start..out_len) */
    size_t out_start, out_len, out_cap;
    // solution only stub:
    // /* TODO 5: an output queue (what the socket did not take yet). */
    // solution only end
};

// solution only begin: the model's list of clients
static struct client **clients; /* in the order they were accepted */
static size_t nclients, clients_cap;
static unsigned long next_id = 1; /* never reused */
// solution only end

/*
 * TODO 5 begin — per-client output [09-many-clients#per-client-buffers 09-many-clients#slow-and-vanished-clients].
 * To give a message to a client: if nothing is queued for it, send() what
 * the socket takes now (MSG_NOSIGNAL); queue whatever is left, in order.
 * Flush the queue when poll says POLLOUT. EAGAIN is not an error; EPIPE or
 * ECONNRESET means the client is gone. More than OUT_LIMIT bytes queued: the
 * client is not reading — disconnect it rather than wait for it.
 */
static size_t queued(const struct client *c)
{
    return c->out_len - c->out_start;
}

/* Send as much of the queue as the socket takes now. 0, or -1 when the
 * connection is broken (the caller dooms the client). */
static int flush_client(struct client *c)
{
    while (queued(c) > 0) {
        ssize_t sent = send(c->fd, c->out + c->out_start, queued(c), MSG_NOSIGNAL);
        if (sent > 0) {
            c->out_start += (size_t)sent;
        } else if (sent == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else if (sent == -1 && errno != EINTR) {
            return -1;
        }
    }
    c->out_start = c->out_len = 0;
    return 0;
}

/* Append bytes to the queue, growing it (at most to OUT_LIMIT plus one
 * message). -1 if the client is over its limit or memory ran out. */
static int enqueue(struct client *c, const char *msg, size_t len)
{
    if (queued(c) + len > OUT_LIMIT)
        return -1;
    if (c->out_start > 0 && c->out_len + len > c->out_cap) {
        memmove(c->out, c->out + c->out_start, queued(c)); /* reuse the front */
        c->out_len -= c->out_start;
        c->out_start = 0;
    }
    if (c->out_len + len > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4 * MAX_MESSAGE;
        while (cap < c->out_len + len)
            cap *= 2;
        char *grown = realloc(c->out, cap);
        if (!grown)
            return -1;
        c->out = grown;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, msg, len);
    c->out_len += len;
    return 0;
}

/* Give one message to one client: straight to its socket when nothing is
 * queued before it, else behind what is (order is kept). */
static void deliver(struct client *c, const char *msg, size_t len)
{
    if (c->doomed)
        return;
    if (queued(c) == 0) {
        ssize_t sent = send(c->fd, msg, len, MSG_NOSIGNAL);
        if (sent == -1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            c->doomed = 1;
            return;
        }
        if (sent > 0) {
            msg += sent;
            len -= (size_t)sent;
        }
    }
    if (len > 0 && enqueue(c, msg, len) == -1) {
        fprintf(stderr, "%s: client %lu: more than %d bytes waiting; disconnecting it\n",
                prog, c->id, OUT_LIMIT);
        c->doomed = 1;
    }
}

/* Give one message to every client but one (NULL: to all). */
static void broadcast(const struct client *from, const char *msg, size_t len)
{
    for (size_t i = 0; i < nclients; i++)
        if (clients[i] != from)
            deliver(clients[i], msg, len);
}
// TODO 5 end

/*
 * TODO 6 begin — leaving [09-many-clients#slow-and-vanished-clients].
 * However a client goes (EOF, an error, a line too long, too much output),
 * close its descriptor, free its buffers, remove it from the list, and send
 * "* N left\n" to everyone still there. Careful: that announcement may make
 * another client's queue overflow, so that one leaves too.
 */
static void free_client(struct client *c)
{
    if (close(c->fd) == -1)
        fprintf(stderr, "%s: close client %lu: %s\n", prog, c->id, strerror(errno));
    free(c->out);
    free(c);
}

/* Close every doomed client and announce it. An announcement may doom
 * another client (its queue overflows), so repeat until none is left. */
static void reap_doomed(void)
{
    for (size_t i = 0; i < nclients;) {
        struct client *c = clients[i];
        if (!c->doomed) {
            i++;
            continue;
        }
        memmove(&clients[i], &clients[i + 1], (nclients - i - 1) * sizeof *clients);
        nclients--;
        char msg[64];
        int len = snprintf(msg, sizeof msg, "* %lu left\n", c->id);
        fprintf(stderr, "%s: client %lu left\n", prog, c->id);
        free_client(c);
        broadcast(NULL, msg, (size_t)len);
        i = 0; /* the announcement may have doomed an earlier client */
    }
}
// TODO 6 end

/*
 * TODO 2 begin — a new client [09-many-clients#non-blocking-sockets-and-eagain].
 * accept(), make the socket non-blocking (fcntl O_NONBLOCK, or accept4 with
 * SOCK_NONBLOCK), give it the next number, send "* N joined\n" to every
 * client already there (not to the newcomer), then add it to your list.
 * EAGAIN means nobody is waiting after all. EMFILE/ENFILE: see TODO 7.
 */
static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Take the next pending connection. 1 accepted, 0 none waiting (or it gave
 * up), -1 out of descriptors or memory: stop accepting for a while. */
static int accept_client(int listen_fd)
{
    int fd = accept(listen_fd, NULL, NULL);
    if (fd == -1) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EINTR ||
            errno == EPROTO)
            return 0;
        fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
        return -1;
    }
    struct client *c = calloc(1, sizeof *c);
    if (nclients == clients_cap) {
        size_t cap = clients_cap ? 2 * clients_cap : 16;
        struct client **grown = realloc(clients, cap * sizeof *clients);
        if (grown) {
            clients = grown;
            clients_cap = cap;
        }
    }
    if (!c || nclients == clients_cap || set_nonblocking(fd) == -1) {
        fprintf(stderr, "%s: new client: %s\n", prog, strerror(errno));
        free(c);
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->id = next_id++;
    char msg[64];
    int len = snprintf(msg, sizeof msg, "* %lu joined\n", c->id);
    broadcast(NULL, msg, (size_t)len); /* before adding: not to the newcomer */
    clients[nclients++] = c;
    fprintf(stderr, "%s: client %lu joined\n", prog, c->id);
    return 1;
}
// TODO 2 end

/*
 * TODO 4 begin — lines from a stream [09-many-clients#lines-from-a-stream].
 * recv() into c->in after the c->in_len bytes already there. Every complete
 * line (up to a '\n', found with memchr: NULs and '\r' are ordinary bytes)
 * goes to every other client as "[N] LINE\n"; keep the rest for the next
 * read. If the buffer is full and holds no '\n', the line is too long:
 * "* line too long\n" to that client, then disconnect it (TODO 6).
 * recv returning 0 (EOF) or an error: the client leaves; its unfinished
 * line is dropped.
 */
/* Relay every complete line in c's input buffer, keep the rest. */
static void relay_lines(struct client *c)
{
    char msg[MAX_MESSAGE];
    size_t start = 0;
    char *nl;
    while (!c->doomed && (nl = memchr(c->in + start, '\n', c->in_len - start)) != NULL) {
        size_t line_len = (size_t)(nl - (c->in + start));
        int head = snprintf(msg, sizeof msg, "[%lu] ", c->id);
        memcpy(msg + head, c->in + start, line_len); /* NULs and \r included */
        msg[head + line_len] = '\n';
        broadcast(c, msg, (size_t)head + line_len + 1);
        start += line_len + 1;
    }
    memmove(c->in, c->in + start, c->in_len - start);
    c->in_len -= start;
}

/* Read what c sent. At EOF or on an error the client is doomed (its
 * unterminated bytes dropped); a line over MAX_LINE gets it refused. */
static void read_client(struct client *c)
{
    ssize_t got = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (got <= 0) {
        c->doomed = 1;
        return;
    }
    c->in_len += (size_t)got;
    relay_lines(c);
    if (c->in_len == sizeof c->in) { /* full, and no '\n' in it */
        static const char refusal[] = "* line too long\n";
        fprintf(stderr, "%s: client %lu: line longer than %d bytes; disconnecting it\n",
                prog, c->id, MAX_LINE);
        /* A best-effort goodbye: a client that misbehaves does not get to
         * keep a descriptor open by not reading it. */
        deliver(c, refusal, sizeof refusal - 1);
        if (flush_client(c) == -1 && errno != EPIPE && errno != ECONNRESET)
            fprintf(stderr, "%s: send to client %lu: %s\n", prog, c->id, strerror(errno));
        c->doomed = 1;
    }
}
// TODO 4 end

/* ---- the event loop ------------------------------------------------------ */

/*
 * TODO 7 begin — out of descriptors [09-many-clients#running-out-of-descriptors].
 * accept() failing with EMFILE leaves the connection waiting, so the
 * listening socket stays readable and poll returns at once, forever. Stop
 * watching it (fd -1 in the pollfd) until a client leaves or a moment has
 * passed.
 */
// TODO 7 end

/*
 * TODO 3 begin — the event loop [09-many-clients#the-event-loop-with-poll].
 * Until stop_requested: build a pollfd array (the listening socket with
 * POLLIN; each client with POLLIN, plus POLLOUT while its queue is not
 * empty), call ppoll(fds, n, NULL, &wait_mask) (EINTR: loop again), then
 * handle what is ready: accept, read, flush queues, drop clients.
 */
/* Serve until a stop signal. 0, or -1 when ppoll itself fails. */
static int serve(int listen_fd)
{
    struct pollfd *fds = NULL;
    size_t fds_cap = 0;
    struct timespec pause_end = { 0, 0 }; /* accept() paused until then */
    int status = 0;

    while (!stop_requested) {
        if (fds_cap < nclients + 1) {
            struct pollfd *grown = realloc(fds, (nclients + 1) * sizeof *fds);
            if (!grown) {
                fprintf(stderr, "%s: realloc: %s\n", prog, strerror(errno));
                status = -1;
                break;
            }
            fds = grown;
            fds_cap = nclients + 1;
        }
        /* After EMFILE and friends the listening socket stays readable:
         * watching it would spin. Leave it out until a client goes or a
         * second has passed. */
        struct timespec now, timeout = { 1, 0 };
        clock_gettime(CLOCK_MONOTONIC, &now);
        int paused = now.tv_sec < pause_end.tv_sec;
        fds[0] = (struct pollfd){ .fd = paused ? -1 : listen_fd, .events = POLLIN };
        for (size_t i = 0; i < nclients; i++)
            fds[i + 1] = (struct pollfd){ .fd = clients[i]->fd,
                                          .events = POLLIN | (queued(clients[i]) ? POLLOUT : 0) };
        size_t watched = nclients;
        int n = ppoll(fds, watched + 1, paused ? &timeout : NULL, &wait_mask);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: ppoll: %s\n", prog, strerror(errno));
            status = -1;
            break;
        }
        /* clients[0..watched) are the ones polled: new ones go after them. */
        for (size_t i = 0; i < watched; i++) {
            struct client *c = clients[i];
            short ev = fds[i + 1].revents;
            if ((ev & POLLOUT) && !c->doomed && flush_client(c) == -1)
                c->doomed = 1;
            if ((ev & (POLLIN | POLLHUP | POLLERR)) && !c->doomed)
                read_client(c);
        }
        if (fds[0].revents & POLLIN) {
            for (int k = 0; k < 64; k++) { /* a batch, then the others' turn */
                int got = accept_client(listen_fd);
                if (got == -1)
                    pause_end.tv_sec = now.tv_sec + 2;
                if (got != 1)
                    break;
            }
        }
        size_t before = nclients;
        reap_doomed();
        if (nclients < before)
            pause_end.tv_sec = 0; /* a descriptor came free */
    }
    free(fds);
    return status;
}
// TODO 3 stub:
// /* Serve until a stop signal. 0, or -1 when ppoll itself fails. */
// static int serve(int listen_fd)
// {
//     (void)listen_fd;
//     return 0;
// }
// TODO 3 end

/* ---- listening ----------------------------------------------------------- */

/*
 * TODO 1 begin — listening, as lab 02 and lab 01 did [04-addresses#dual-stack-and-ipv6_v6only 04-addresses#stale-socket-files].
 * For a port: one AF_INET6 socket with IPV6_V6ONLY off (or two sockets),
 * SO_REUSEADDR, bind, listen. For a path: lstat it; a socket file is
 * removed, anything else refused (message, return -1); then AF_UNIX
 * SOCK_STREAM, bind, listen. Make the listening socket non-blocking too.
 * Returns the descriptor, or -1 after printing "chat-server: CALL: cause".
 */
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

/* A port: TCP on every address; a path: AF_UNIX. -1 after printing why. */
static int listen_on(uint16_t port, const struct sockaddr_un *addr)
{
    return port ? listen_tcp(port) : listen_unix(addr);
}
// TODO 1 stub:
// static int listen_on(uint16_t port, const struct sockaddr_un *addr)
// {
//     (void)port;
//     (void)addr;
//     fprintf(stderr, "%s: listen: not written yet (TODO 1)\n", prog);
//     return -1;
// }
// TODO 1 end

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

    /* TODO 8 begin [05-lifecycle#clean-shutdown-on-signals]: close every client
     * and free its buffers, close the listening socket, and unlink the
     * socket file (a path only). */
    for (size_t i = 0; i < nclients; i++)
        free_client(clients[i]);
    free(clients);
    close(listen_fd);
    if (!port && unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    // TODO 8 stub:
    // close(listen_fd);
    // TODO 8 end
    return status;
}
