/*
 * fd-server PATH DIR — lab 05. The task is in README.md beside this file.
 *
 * An AF_UNIX SOCK_SEQPACKET server that hands out open files: each request
 * is one message holding a file name; the reply is one byte of value 0
 * carrying a read-only descriptor for DIR/NAME in SCM_RIGHTS, or a byte of
 * value 1 followed by the error text. Every request is logged with the
 * client's pid, uid and gid (SO_PEERCRED).
 *
 * Fill in the TODOs in order; after each one, try it by hand (README.md
 * shows how), then run `make grade LAB=05`.
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

#define NAME_SIZE 256 /* NAME_MAX (255) and a trailing NUL */

static const char *const prog = "fd-server";

static volatile sig_atomic_t stop_requested;

/*
 * TODO 6 — signals as in lab 04 (no lost SIGTERM, no death by SIGPIPE).
 */
static int setup_signals(void)
{
    return 0;
}

/*
 * TODO 2 — pass a descriptor (Chapter 8, "Passing descriptors").
 * sendmsg one message of len bytes of data and, unless fd is -1, a control
 * message: cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, cmsg_len
 * CMSG_LEN(sizeof fd), fd copied into CMSG_DATA. The control buffer must be
 * CMSG_SPACE(sizeof fd) bytes and aligned (a union with struct cmsghdr does
 * it). A descriptor travels with one byte of value 0 (not '0'). 0 or -1.
 */
static int send_reply(int sock, const char *data, size_t len, int fd)
{
    (void)sock;
    (void)data;
    (void)len;
    (void)fd;
    return -1;
}

/*
 * TODO 3 — a refusal: one message, a byte of value 1 then the name and
 * the reason (e.g. strerror(errno)), no descriptor. 0 or -1.
 */
static int send_error(int sock, const char *name, const char *reason)
{
    (void)sock;
    (void)name;
    (void)reason;
    return -1;
}

/*
 * TODO 4 — who is asking (Chapter 8, "Peer credentials").
 * getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) fills a struct
 * ucred: log "pid P uid U gid G" (decimal, in that order) on stderr.
 */
static void log_peer(int sock, const char *name)
{
    (void)sock;
    (void)name;
}

/*
 * TODO 5 — one request: the len bytes of name (room for a NUL after them).
 * The name is untrusted: refuse it if it is empty, "." or "..", or
 * contains '/' (it could reach outside DIR). Otherwise open it read-only
 * in DIR (openat(dir_fd, ...)); on failure send_error(strerror(errno)); on
 * success send the descriptor and then CLOSE your copy (the client has its
 * own now). 0, or -1 to end the connection.
 */
static int answer(int sock, int dir_fd, char *name, size_t len)
{
    (void)sock;
    (void)dir_fd;
    (void)name;
    (void)len;
    (void)send_reply;
    (void)send_error;
    (void)log_peer;
    return -1;
}

/*
 * TODO 1 — the listening socket (Chapter 3, "Sequenced-packet sockets"):
 * as in lab 04's seqpacket-server: remove a stale socket file, then
 * socket(AF_UNIX, SOCK_SEQPACKET, 0), bind, listen. -1 after a message.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
    return -1;
}

/*
 * TODO 7 — the loop: accept a client, recv one request per message
 * (recv returning 0 is EOF), answer it, until EOF; close; next client;
 * until a stop signal (return 0), or an error (print it, return -1).
 * A request longer than your buffer comes cut short: use recvmsg with the
 * buffer's real size, and refuse one with MSG_TRUNC in msg_flags (status 1).
 */
static int serve(int listen_fd, int dir_fd)
{
    (void)listen_fd;
    (void)dir_fd;
    (void)answer;
    fprintf(stderr, "%s: TODO 7 not written yet\n", prog);
    return -1;
}

/* listen_on and serve report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH DIR\n", prog);
        return 2;
    }
    /* TODO 8 — PATH too long for sun_path: usage, exit 2. */
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);

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
    /* TODO 9 — remove the socket file. */
    return status;
}
