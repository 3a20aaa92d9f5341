/*
 * fd-client PATH NAME — lab 05. The task is in README.md beside this file.
 *
 * Asks fd-server for NAME and copies the file to stdout through the
 * descriptor the server passes (SCM_RIGHTS). The client never opens the
 * file by name: the grader runs it where it cannot even see the directory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "fd-client";

/*
 * TODO 3 — copy everything from fd to stdout (short writes!). 0 or -1
 * (after printing why).
 */
static int copy_to_stdout(int fd)
{
    (void)fd;
    fprintf(stderr, "%s: TODO 3 not written yet\n", prog);
    return -1;
}

/*
 * TODO 2 — the reply (Chapter 8, "Passing descriptors"). recvmsg
 * with a data buffer (status byte and error text) and an aligned control
 * buffer of CMSG_SPACE(sizeof(int)). Walk the control messages with
 * CMSG_FIRSTHDR/CMSG_NXTHDR; an SCM_RIGHTS one holds the descriptor.
 * Status 0 with a descriptor: return it. Status 1: print the server's text
 * on stderr and return -1.
 */
static int receive_reply(int sock)
{
    (void)sock;
    fprintf(stderr, "%s: TODO 2 not written yet\n", prog);
    return -1;
}

/*
 * TODO 1 — connect: socket(AF_UNIX, SOCK_SEQPACKET, 0) and connect to
 * PATH. On failure: "fd-client: connect PATH: strerror(errno)", return -1.
 */
static int connect_to(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
    return -1;
}

/* connect_to, receive_reply and copy_to_stdout report their own errors. */
int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    /* TODO 4 — a PATH too long for sun_path: usage, exit 2. */
    if (argc != 3) {
        fprintf(stderr, "usage: %s PATH NAME\n", prog);
        return 2;
    }
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);

    int sock = connect_to(&addr);
    if (sock == -1)
        return 1;
    /* TODO 5 — send NAME as one message (no NUL needed). */
    int fd = receive_reply(sock);
    close(sock);
    if (fd == -1)
        return 1;
    int status = copy_to_stdout(fd) == 0 ? 0 : 1;
    close(fd);
    return status;
}
