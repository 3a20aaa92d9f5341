// solution only begin: the skeleton has a header of its own
/*
 * fd-server PATH DIR
 *
 * An AF_UNIX SOCK_SEQPACKET server that hands out open files. Each request
 * is one message holding a file name (a trailing NUL is allowed). The
 * server logs who asked (the peer's pid, uid and gid from SO_PEERCRED: the
 * kernel's word, not the client's), opens DIR/NAME read-only and replies
 * with one byte of value 0 carrying the descriptor in an SCM_RIGHTS control
 * message; then it closes its own copy, which the client no longer needs
 * from us: the kernel gave the client a descriptor of its own. On failure
 * the reply is a byte of value 1 followed by the error text, and no
 * descriptor.
 *
 * Names are untrusted: with '/', or "." or "..", or empty, they could reach
 * outside DIR (or DIR itself), so they are refused before any open. The
 * open goes through a descriptor for DIR (openat), so DIR is resolved once.
 *
 * One connection at a time, several requests per connection until EOF.
 * SIGINT/SIGTERM: blocked except inside ppoll, so none is lost.
 */
// solution only stub:
// /*
//  * fd-server PATH DIR — lab 05. The task is in README.md beside this file.
//  *
//  * An AF_UNIX SOCK_SEQPACKET server that hands out open files: each request
//  * is one message holding a file name; the reply is one byte of value 0
//  * carrying a read-only descriptor for DIR/NAME in SCM_RIGHTS, or a byte of
//  * value 1 followed by the error text. Every request is logged with the
//  * client's pid, uid and gid (SO_PEERCRED).
//  *
//  * Fill in the TODOs in order; after each one, try it by hand (README.md
//  * shows how), then run `make grade LAB=05`.
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

#define NAME_SIZE 256 /* NAME_MAX (255) and a trailing NUL */

static const char *const prog = "fd-server";

static volatile sig_atomic_t stop_requested;

/*
 * TODO 6 begin — signals as in lab 04 (no lost SIGTERM, no death by SIGPIPE).
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

/*
 * TODO 2 begin — pass a descriptor [08-unix-superpowers#passing-descriptors].
 * sendmsg one message of len bytes of data and, unless fd is -1, a control
 * message: cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, cmsg_len
 * CMSG_LEN(sizeof fd), fd copied into CMSG_DATA. The control buffer must be
 * CMSG_SPACE(sizeof fd) bytes and aligned (a union with struct cmsghdr does
 * it). A descriptor travels with one byte of value 0 (not '0'). 0 or -1.
 */
/* Send one message, optionally carrying fd (-1: none). 0 or -1. */
static int send_reply(int sock, const char *data, size_t len, int fd)
{
    struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    union { /* aligned room for one control message holding one int */
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    if (fd != -1) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof control.buf;
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    }
    for (;;) {
        if (sendmsg(sock, &msg, MSG_NOSIGNAL) == (ssize_t)len)
            return 0;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (wait_for(sock, POLLOUT) <= 0)
                return -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
}
// TODO 2 stub:
// static int send_reply(int sock, const char *data, size_t len, int fd)
// {
//     (void)sock;
//     (void)data;
//     (void)len;
//     (void)fd;
//     return -1;
// }
// TODO 2 end

/*
 * TODO 3 begin — a refusal: one message, a byte of value 1 then the name and
 * the reason (e.g. strerror(errno)), no descriptor. 0 or -1.
 */
/* Status 1 and the reason, as one message: "\1open x: No such file...". */
static int send_error(int sock, const char *name, const char *reason)
{
    char text[NAME_SIZE + 128];
    int n = snprintf(text, sizeof text, "%c%s: %s", 1, name, reason);
    if (n < 0)
        return -1;
    return send_reply(sock, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1, -1);
}
// TODO 3 stub:
// static int send_error(int sock, const char *name, const char *reason)
// {
//     (void)sock;
//     (void)name;
//     (void)reason;
//     return -1;
// }
// TODO 3 end

// solution only begin: a helper of the model solution
/* A name that stays inside DIR: not empty, not "." or "..", no '/'. */
static const char *name_problem(const char *name)
{
    if (name[0] == '\0')
        return "an empty name is not a file name";
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "'.' and '..' are not files in the directory";
    if (strchr(name, '/'))
        return "a name must not contain '/'";
    return NULL;
}
// solution only end

/*
 * TODO 4 begin — who is asking [08-unix-superpowers#peer-credentials].
 * getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) fills a struct
 * ucred: log "pid P uid U gid G" (decimal, in that order) on stderr.
 */
/* Log the peer's credentials: the kernel's record of who connected. */
static void log_peer(int sock, const char *name)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
        fprintf(stderr, "%s: SO_PEERCRED: %s\n", prog, strerror(errno));
        return;
    }
    fprintf(stderr, "%s: request for \"%s\" from pid %ld uid %lu gid %lu\n", prog, name,
            (long)cred.pid, (unsigned long)cred.uid, (unsigned long)cred.gid);
}
// TODO 4 stub:
// static void log_peer(int sock, const char *name)
// {
//     (void)sock;
//     (void)name;
// }
// TODO 4 end

/*
 * TODO 5 begin — one request: the len bytes of name (room for a NUL after them).
 * The name is untrusted: refuse it if it is empty, "." or "..", or
 * contains '/' (it could reach outside DIR). Otherwise open it read-only
 * in DIR (openat(dir_fd, ...)); on failure send_error(strerror(errno)); on
 * success send the descriptor and then CLOSE your copy (the client has its
 * own now). 0, or -1 to end the connection.
 */
/* Answer one request: a descriptor, or status 1 and why. 0, or -1 to end
 * the connection. */
static int answer(int sock, int dir_fd, char *name, size_t len)
{
    if (len > 0 && name[len - 1] == '\0')
        len--; /* a C string sent with its NUL */
    if (memchr(name, '\0', len))
        len = 0; /* a NUL inside: refuse it as not a name */
    name[len] = '\0';
    log_peer(sock, name);
    const char *problem = name_problem(name);
    if (problem) {
        fprintf(stderr, "%s: refused \"%s\": %s\n", prog, name, problem);
        return send_error(sock, name, problem);
    }
    int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd == -1)
        return send_error(sock, name, strerror(errno));
    int status = send_reply(sock, "", 1, fd); /* "" is one byte: the value 0 */
    close(fd); /* the client has its own descriptor now */
    return status;
}
// TODO 5 stub:
// static int answer(int sock, int dir_fd, char *name, size_t len)
// {
//     (void)sock;
//     (void)dir_fd;
//     (void)name;
//     (void)len;
//     (void)send_reply;
//     (void)send_error;
//     (void)log_peer;
//     return -1;
// }
// TODO 5 end

// solution only begin: a helper of the model solution (TODO 7)
/* Requests until EOF, an error or a stop signal. */
static void serve_connection(int sock, int dir_fd)
{
    for (;;) {
        char name[NAME_SIZE + 1];
        struct iovec iov = { .iov_base = name, .iov_len = NAME_SIZE };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
        ssize_t got = recvmsg(sock, &msg, 0);
        if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(sock, POLLIN) <= 0)
                return;
            continue;
        }
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0)
            return; /* EOF (requests are never empty) or a reset */
        if (msg.msg_flags & MSG_TRUNC) {
            name[NAME_SIZE] = '\0';
            if (send_error(sock, "(name)", strerror(ENAMETOOLONG)) == -1)
                return;
            continue;
        }
        if (answer(sock, dir_fd, name, (size_t)got) == -1)
            return;
    }
}
// solution only end

/*
 * TODO 1 begin — the listening socket [03-types#sequenced-packet-sockets]:
 * as in lab 04's seqpacket-server: remove a stale socket file, then
 * socket(AF_UNIX, SOCK_SEQPACKET, 0), bind, listen. -1 after a message.
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
 * TODO 7 begin — the loop: accept a client, recv one request per message
 * (recv returning 0 is EOF), answer it, until EOF; close; next client;
 * until a stop signal (return 0), or an error (print it, return -1).
 * A request longer than your buffer comes cut short: use recvmsg with the
 * buffer's real size, and refuse one with MSG_TRUNC in msg_flags (status 1).
 */
/* Accept and serve clients one after another until a stop signal. */
static int serve(int listen_fd, int dir_fd)
{
    for (;;) {
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
            serve_connection(client, dir_fd);
        close(client);
        if (stop_requested)
            return 0;
    }
}
// TODO 7 stub:
// static int serve(int listen_fd, int dir_fd)
// {
//     (void)listen_fd;
//     (void)dir_fd;
//     (void)answer;
//     fprintf(stderr, "%s: TODO 7 not written yet\n", prog);
//     return -1;
// }
// TODO 7 end

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH DIR\n", prog);
        return 2;
    }
    /* TODO 8 begin — PATH too long for sun_path: usage, exit 2. */
    if (strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH DIR (PATH must be shorter than %zu bytes)\n",
                prog, sizeof addr.sun_path);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);
    // TODO 8 stub:
    // strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    // TODO 8 end

    int dir_fd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd == -1) {
        fprintf(stderr, "%s: open %s: %s\n", prog, argv[2], strerror(errno));
        return 1;
    }
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        close(dir_fd);
        return 1;
    }
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1) {
        close(dir_fd);
        return 1;
    }
    int status = serve(listen_fd, dir_fd) == 0 ? 0 : 1;
    close(listen_fd);
    close(dir_fd);
    /* TODO 9 begin — remove the socket file. */
    if (unlink(addr.sun_path) == -1) {
        fprintf(stderr, "%s: unlink %s: %s\n", prog, addr.sun_path, strerror(errno));
        status = 1;
    }
    // TODO 9 end
    return status;
}
