/*
 * fd-client, written differently: write() for the request, a control
 * buffer aligned with alignas, read()/write() to copy.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int copy(int from)
{
    char buf[8192];
    ssize_t n;
    while ((n = read(from, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(1, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                return -1;
            if (w > 0)
                off += w;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (argc != 3 || strlen(argv[1]) >= sizeof a.sun_path) {
        fprintf(stderr, "usage: fd-client PATH NAME\n");
        return 2;
    }
    memcpy(a.sun_path, argv[1], strlen(argv[1]));
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
        fprintf(stderr, "fd-client: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if (write(s, argv[2], strlen(argv[2])) < 0) {
        perror("fd-client: write");
        return 1;
    }
    char data[600];
    alignas(struct cmsghdr) char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { data, sizeof data - 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl };
    ssize_t n = recvmsg(s, &m, 0);
    close(s);
    if (n < 1) {
        fprintf(stderr, "fd-client: the server did not answer\n");
        return 1;
    }
    data[n] = '\0';
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    int fd = -1;
    if (c && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (data[0] == 1 || fd < 0) {
        fprintf(stderr, "fd-client: %s\n", data[0] == 1 ? data + 1 : "no descriptor");
        if (fd >= 0)
            close(fd);
        return 1;
    }
    int r = copy(fd);
    close(fd);
    if (r < 0) {
        perror("fd-client: copy");
        return 1;
    }
    return 0;
}
