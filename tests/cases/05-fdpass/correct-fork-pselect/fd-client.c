/*
 * fd-client, written differently: the name sent with its NUL, a plain
 * char array (of ample size) for the control data walked with CMSG_NXTHDR,
 * and pread at growing offsets to copy the file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 3 || strlen(argv[1]) >= sizeof a.sun_path) {
        fputs("usage: fd-client PATH NAME\n", stderr);
        return 2;
    }
    strcpy(a.sun_path, argv[1]);
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        fprintf(stderr, "fd-client: connect: %s\n", strerror(errno));
        return 1;
    }
    if (send(s, argv[2], strlen(argv[2]) + 1, 0) < 0) {
        fprintf(stderr, "fd-client: send: %s\n", strerror(errno));
        return 1;
    }
    char status[512];
    union {
        struct cmsghdr h;
        char b[256];
    } ctl;
    struct iovec iov = { status, sizeof status - 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
    ssize_t n = recvmsg(s, &m, 0);
    close(s);
    int fd = -1;
    for (struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && fd < 0)
            memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (n <= 0 || status[0] != 0 || fd < 0) {
        status[n > 0 ? n : 0] = '\0';
        fprintf(stderr, "fd-client: refused: %s\n", n > 1 ? status + 1 : "no answer");
        if (fd >= 0)
            close(fd);
        return 1;
    }
    char buf[32768];
    off_t off = 0;
    for (;;) {
        ssize_t r = pread(fd, buf, sizeof buf, off);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            perror("fd-client: pread");
            close(fd);
            return 1;
        }
        off += r;
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(1, buf + w, (size_t)(r - w));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                close(fd);
                return 1;
            }
            w += k;
        }
    }
    close(fd);
    return 0;
}
