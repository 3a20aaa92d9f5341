/*
 * fd-client, written differently: the request sent with sendmsg (name and
 * its NUL), the file copied to stdout with sendfile.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
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
        fprintf(stderr, "fd-client: connect %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct iovec out = { argv[2], strlen(argv[2]) + 1 };
    struct msghdr req = { .msg_iov = &out, .msg_iovlen = 1 };
    if (sendmsg(s, &req, MSG_NOSIGNAL) < 0) {
        perror("fd-client: sendmsg");
        return 1;
    }
    char data[1024];
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr h;
    } u;
    struct iovec in = { data, sizeof data - 1 };
    struct msghdr m = { .msg_iov = &in, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
    ssize_t n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
    close(s);
    if (n <= 0) {
        fputs("fd-client: no reply\n", stderr);
        return 1;
    }
    data[n] = '\0';
    int fd = -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (data[0] != 0 || fd < 0) {
        if (fd >= 0)
            close(fd);
        fprintf(stderr, "fd-client: %s\n", data + 1);
        return 1;
    }
    for (;;) {
        ssize_t w = sendfile(STDOUT_FILENO, fd, NULL, 1 << 20);
        if (w == 0)
            break;
        if (w < 0 && errno != EINTR) {
            perror("fd-client: sendfile");
            close(fd);
            return 1;
        }
    }
    close(fd);
    return 0;
}
