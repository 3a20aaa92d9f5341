// solution only begin: the skeleton has a header of its own
/*
 * fd-client PATH NAME
 *
 * Asks fd-server at PATH for the file NAME and copies it to stdout through
 * the descriptor the server passes back (SCM_RIGHTS). The client never
 * opens the file by name: it may have no permission to, and that is the
 * point — the server decides, the kernel hands over an open file.
 *
 * The reply is one message: a status byte of value 0 with one descriptor
 * attached, or a byte of value 1 followed by the server's error text.
 * Exit 0 when the file was copied, 1 on a refusal or any runtime error,
 * 2 on a usage error.
 */
// solution only stub:
// /*
//  * fd-client PATH NAME — lab 05. The task is in README.md beside this file.
//  *
//  * Asks fd-server for NAME and copies the file to stdout through the
//  * descriptor the server passes (SCM_RIGHTS). The client never opens the
//  * file by name: the grader runs it where it cannot even see the directory.
//  */
// solution only end
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "fd-client";

/*
 * TODO 3 begin — copy everything from fd to stdout (short writes!). 0 or -1
 * (after printing why).
 */
/* Write all n bytes to fd, however many calls it takes. */
static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w == -1 && errno == EINTR)
            continue;
        if (w == -1)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy everything from fd to stdout. 0 or -1 (message printed). */
static int copy_to_stdout(int fd)
{
    char buf[64 * 1024];
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);
        if (got == 0)
            return 0;
        if (got == -1 && errno == EINTR)
            continue;
        if (got == -1) {
            fprintf(stderr, "%s: read: %s\n", prog, strerror(errno));
            return -1;
        }
        if (write_all(STDOUT_FILENO, buf, (size_t)got) == -1) {
            fprintf(stderr, "%s: write: %s\n", prog, strerror(errno));
            return -1;
        }
    }
}
// TODO 3 stub:
// static int copy_to_stdout(int fd)
// {
//     (void)fd;
//     fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
//     return -1;
// }
// TODO 3 end

/*
 * TODO 2 begin — the reply [08-unix-superpowers#passing-descriptors]. recvmsg
 * with a data buffer (status byte and error text) and an aligned control
 * buffer of CMSG_SPACE(sizeof(int)). Walk the control messages with
 * CMSG_FIRSTHDR/CMSG_NXTHDR; an SCM_RIGHTS one holds the descriptor.
 * Status 0 with a descriptor: return it. Status 1: print the server's text
 * on stderr and return -1.
 */
/* The descriptor in an SCM_RIGHTS control message, or -1. Any extra
 * descriptors (a server sending more than one) are closed, not leaked. */
static int passed_fd(struct msghdr *msg)
{
    int fd = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int one;
            memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof one);
            if (fd == -1)
                fd = one;
            else
                close(one);
        }
    }
    return fd;
}

/* Receive the reply; print an error reply. Returns the descriptor or -1. */
static int receive_reply(int sock)
{
    char data[4096 + 1];
    union {
        char buf[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { .iov_base = data, .iov_len = sizeof data - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    ssize_t got;
    while ((got = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
        ;
    if (got <= 0) {
        fprintf(stderr, "%s: recvmsg: %s\n", prog, got == 0 ? "the server closed the connection" : strerror(errno));
        return -1;
    }
    int fd = passed_fd(&msg);
    if (data[0] == 0 && fd != -1)
        return fd;
    if (fd != -1)
        close(fd);
    data[got] = '\0';
    if (data[0] == 1)
        fprintf(stderr, "%s: the server refused: %s\n", prog, data + 1);
    else
        fprintf(stderr, "%s: a reply without a descriptor (status %d)\n", prog, data[0]);
    return -1;
}
// TODO 2 stub:
// static int receive_reply(int sock)
// {
//     (void)sock;
//     fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
//     return -1;
// }
// TODO 2 end

/*
 * TODO 1 begin — connect: socket(AF_UNIX, SOCK_SEQPACKET, 0) and connect to
 * PATH. On failure: "fd-client: connect PATH: strerror(errno)", return -1.
 */
static int connect_to(const struct sockaddr_un *addr)
{
    int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
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
// TODO 1 stub:
// static int connect_to(const struct sockaddr_un *addr)
// {
//     (void)addr;
//     fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
//     return -1;
// }
// TODO 1 end

/* connect_to, receive_reply and copy_to_stdout report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    /* TODO 4 begin — a PATH too long for sun_path: usage, exit 2. */
    if (argc != 3 || strlen(argv[1]) >= sizeof addr.sun_path) {
        fprintf(stderr, "usage: %s PATH NAME (PATH shorter than %zu bytes)\n", prog, sizeof addr.sun_path);
        return 2;
    }
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);
    // TODO 4 stub:
    // if (argc != 3) {
    //     fprintf(stderr, "usage: %s PATH NAME\n", prog);
    //     return 2;
    // }
    // strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    // TODO 4 end

    int sock = connect_to(&addr);
    if (sock == -1)
        return 1;
    /* TODO 5 begin — send NAME as one message (no NUL needed). */
    const char *name = argv[2];
    /* One message is one request: a seqpacket send is never split. */
    if (send(sock, name, strlen(name), MSG_NOSIGNAL) != (ssize_t)strlen(name)) {
        fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
        close(sock);
        return 1;
    }
    // TODO 5 end
    int fd = receive_reply(sock);
    close(sock);
    if (fd == -1)
        return 1;
    int status = copy_to_stdout(fd) == 0 ? 0 : 1;
    close(fd);
    return status;
}
