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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define NAME_SIZE 256 /* NAME_MAX (255) and a NUL */

static const char *const prog = "fd-server";

static volatile sig_atomic_t stop_requested;

/*
 * TODO 1 — the listening socket (Chapter 3, "Sequenced-packet sockets"):
 * as in lab 04's seqpacket-server: remove a stale socket file, then
 * socket(AF_UNIX, SOCK_SEQPACKET, 0), bind, listen. -1 after a message.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    (void)addr;
    errno = ENOSYS;
    return -1;
}

/*
 * TODO 2 — pass a descriptor (Chapter 8 explains SCM_RIGHTS).
 * sendmsg one byte of value 0 (not '0') with a control message:
 * cmsg_level SOL_SOCKET, cmsg_type SCM_RIGHTS, cmsg_len CMSG_LEN(sizeof fd),
 * fd copied into CMSG_DATA. The control buffer must be CMSG_SPACE(sizeof fd)
 * bytes and aligned (a union with struct cmsghdr does it). 0 or -1.
 */
static int send_descriptor(int sock, int fd)
{
    (void)sock;
    (void)fd;
    return -1;
}

/*
 * TODO 3 — a refusal: one message, a byte of value 1 then the reason
 * (e.g. strerror(errno)), no descriptor. 0 or -1.
 */
static int send_error(int sock, const char *reason)
{
    (void)sock;
    (void)reason;
    return -1;
}

/*
 * TODO 4 — who is asking (Chapter 8, peer credentials).
 * getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) fills a struct
 * ucred: log "pid P uid U gid G" (decimal, in that order) on stderr.
 */
static void log_peer(int sock, const char *name)
{
    (void)sock;
    (void)name;
}

/*
 * TODO 5 — one request. The name is untrusted: refuse it if it is empty,
 * "." or "..", or contains '/' (it could reach outside DIR). Otherwise open
 * DIR/NAME read-only; on failure send_error(strerror(errno)); on success
 * send_descriptor and then CLOSE your copy (the client has its own now).
 */
static int answer(int sock, const char *dir, const char *name)
{
    (void)sock;
    (void)dir;
    (void)name;
    (void)send_descriptor;
    (void)send_error;
    (void)log_peer;
    return -1;
}

/*
 * TODO 6 — signals as in lab 04 (no lost SIGTERM, no death by SIGPIPE),
 * and TODO 7 — the loop: accept a client, recv one request per message
 * (recv returning 0 is EOF), answer it, until EOF; close; next client.
 */
static int setup_signals(void)
{
    return 0;
}

static int serve(int listen_fd, const char *dir)
{
    (void)listen_fd;
    (void)dir;
    (void)answer;
    return 0;
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    /* TODO 8: PATH too long for sun_path: usage, exit 2. */
    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH DIR\n", prog);
        return 2;
    }
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    int listen_fd = listen_on(&addr);
    if (listen_fd == -1) {
        fprintf(stderr, "%s: listen: %s\n", prog, strerror(errno));
        return 1;
    }
    int status = serve(listen_fd, argv[2]) == 0 ? 0 : 1;
    close(listen_fd);
    /* TODO 9: remove the socket file. */
    return status;
}
