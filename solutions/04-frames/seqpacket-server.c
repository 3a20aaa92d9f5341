// solution only begin: the skeleton has a header of its own
/*
 * seqpacket-server PATH
 *
 * An AF_UNIX SOCK_SEQPACKET server. Each message (1 to 65536 bytes) is
 * answered with one message holding it reversed. No framing is needed: the
 * kernel keeps the boundaries, so one recv returns exactly one message, and
 * one send delivers exactly one. A message too large for our buffer would
 * be cut short silently; recvmsg's MSG_TRUNC flag tells us, and we end that
 * connection instead of answering half a message.
 *
 * One connection at a time; SIGINT/SIGTERM handled with ppoll as in
 * frame-server (blocked except while waiting, so no signal is lost).
 */
// solution only stub:
// /*
//  * seqpacket-server PATH — lab 04. The task is in README.md beside this file.
//  *
//  * An AF_UNIX SOCK_SEQPACKET server: each message (1 to 65536 bytes) is
//  * answered with one message holding it reversed. No framing: the kernel
//  * keeps message boundaries, so one recv is one message.
//  *
//  * Much of frame-server carries over (signals, the listening socket, the
//  * accept loop); what changes is the type and the reading.
//  */
// solution only end
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
 * TODO 3 begin — signals, as in frame-server: SIGINT and SIGTERM end the server
 * cleanly (no lost signal), SIGPIPE never kills it.
 */
static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

static sigset_t wait_mask;

/* Block SIGINT/SIGTERM outside ppoll, catch them; ignore SIGPIPE. */
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
// TODO 3 stub:
// static int setup_signals(void)
// {
//     return 0;
// }
// TODO 3 end

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

/*
 * TODO 2 begin — one connection. Loop: recv one message into a buffer of
 * MAX_MESSAGE bytes (a smaller buffer silently cuts longer messages:
 * MSG_TRUNC), reverse it, send it back in ONE send. recv returning 0 is the
 * client's EOF (messages are never empty here). Returns when the client is
 * done or a stop signal came.
 */
static void reverse(unsigned char *p, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        unsigned char t = p[i];
        p[i] = p[j - 1];
        p[j - 1] = t;
    }
}

/* Receive one whole message. Returns its length, 0 at EOF (messages are
 * never empty here), -1 on error or a stop signal, -2 if it was truncated. */
static ssize_t recv_message(int fd, unsigned char *buf, size_t size)
{
    for (;;) {
        struct iovec iov = { .iov_base = buf, .iov_len = size };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t got = recvmsg(fd, &msg, 0);
        if (got >= 0)
            return (msg.msg_flags & MSG_TRUNC) ? -2 : got;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(fd, POLLIN) <= 0)
                return -1;
        } else if (errno != EINTR) {
            if (errno != ECONNRESET)
                fprintf(stderr, "%s: recvmsg: %s\n", prog, strerror(errno));
            return -1;
        }
    }
}

/* Send one message: a seqpacket send is all or nothing, never short. */
static int send_message(int fd, const unsigned char *buf, size_t n)
{
    for (;;) {
        if (send(fd, buf, n, MSG_NOSIGNAL) == (ssize_t)n)
            return 0;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(fd, POLLOUT) <= 0)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
}

/* Answer messages until EOF, an error or a stop signal. */
static void serve_connection(int fd, unsigned conn)
{
    static unsigned char buf[MAX_MESSAGE];
    for (;;) {
        ssize_t n = recv_message(fd, buf, sizeof buf);
        if (n == -2)
            fprintf(stderr, "%s: connection %u: a message over %d bytes; closing it\n",
                    prog, conn, MAX_MESSAGE);
        if (n <= 0)
            return;
        reverse(buf, (size_t)n);
        if (send_message(fd, buf, (size_t)n) == -1) {
            if (!stop_requested)
                fprintf(stderr, "%s: connection %u: send: %s; closing it\n", prog, conn, strerror(errno));
            return;
        }
    }
}
// TODO 2 stub:
// static void serve_connection(int fd, unsigned conn)
// {
//     (void)fd;
//     (void)conn;
// }
// TODO 2 end

/*
 * TODO 1 begin — the listening socket [03-types#sequenced-packet-sockets].
 * As in lab 01, but socket(AF_UNIX, SOCK_SEQPACKET, 0). Returns the
 * listening descriptor or -1 after a message naming the call.
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

static int listen_on(const struct sockaddr_un *addr)
{
    if (remove_stale_socket(addr->sun_path) == -1) {
        fprintf(stderr, "%s: %s: %s; not removing it\n", prog, addr->sun_path,
                errno == EEXIST ? "exists and is not a socket" : strerror(errno));
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, addr->sun_path, strerror(errno));
        close(fd);
        return -1;
    }
    if (listen(fd, SOMAXCONN) == -1 || set_nonblocking(fd) == -1) {
        fprintf(stderr, "%s: listen %s: %s\n", prog, addr->sun_path, strerror(errno));
        close(fd);
        unlink(addr->sun_path);
        return -1;
    }
    return fd;
}
// TODO 1 stub:
// static int listen_on(const struct sockaddr_un *addr)
// {
//     (void)addr;
//     fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
//     return -1;
// }
// TODO 1 end

/*
 * TODO 4 begin — accept clients one after another until a stop signal.
 * Return 0 then, or -1 on an error (after printing it).
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
// TODO 4 stub:
// static int serve(int listen_fd)
// {
//     (void)listen_fd;
//     (void)serve_connection;
//     fprintf(stderr, "%s: TODO 4 not written yet\n", prog);
//     return -1;
// }
// TODO 4 end

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", prog);
        return 2;
    }
    /* TODO 5 begin — a PATH too long for sun_path (with its NUL) exits 2 too. */
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);
    // TODO 5 stub:
    // strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    // TODO 5 end

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1)
        return 1;
    int status = serve(listen_fd) == 0 ? 0 : 1;
    close(listen_fd);
    /* TODO 6 begin — remove the socket file. */
    if (unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    // TODO 6 end
    return status;
}
