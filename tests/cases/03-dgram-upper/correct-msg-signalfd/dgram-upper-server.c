/*
 * dgram-upper-server ENDPOINT, written differently: recvmsg/sendmsg; the
 * size of each datagram is learnt first with recv(MSG_PEEK | MSG_TRUNC) and
 * a buffer malloc'd to fit it; SIGINT and SIGTERM stay blocked and arrive
 * as reads on a signalfd that poll watches next to the socket, so no signal
 * can slip in between a check and a blocking call.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "dgram-upper-server";

enum { MAX_DGRAM = 65507 }; /* the largest UDP payload over IPv4 */

static int usage(void)
{
    fprintf(stderr, "usage: %s HOST:PORT | [IPV6]:PORT | PATH-WITH-A-SLASH\n", prog);
    return 2;
}

/* Split HOST:PORT or [IPV6]:PORT in place. PORT: decimal digits, 1-65535. */
static int split_endpoint(char *arg, char **host, char **port)
{
    char *colon = strrchr(arg, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    *port = colon + 1;
    size_t digits = strlen(*port);
    if (digits == 0 || strspn(*port, "0123456789") != digits)
        return -1;
    unsigned long n = strtoul(*port, NULL, 10); /* ULONG_MAX on overflow */
    if (n < 1 || n > 65535)
        return -1;
    *host = arg;
    if (arg[0] == '[') {               /* [IPv6]: strip the brackets */
        if (colon - arg < 2 || colon[-1] != ']')
            return -1;
        colon[-1] = '\0';
        *host = arg + 1;
    } else if (strchr(arg, ':') != NULL) {
        return -1;                     /* an IPv6 address needs brackets */
    }
    return **host ? 0 : -1;
}

static int open_udp(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res;
    int err = getaddrinfo(host, port, &hints, &res);
    if (err != 0) {
        fprintf(stderr, "%s: getaddrinfo %s: %s\n", prog, host, gai_strerror(err));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
    } else if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
        fprintf(stderr, "%s: bind %s port %s: %s\n", prog, host, port, strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* A stale socket file is removed; any other file is left alone. */
static int open_unix(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, "%s: %s exists and is not a socket\n", prog, path);
            return -1;
        }
        if (unlink(path) == -1) {
            fprintf(stderr, "%s: unlink %s: %s\n", prog, path, strerror(errno));
            return -1;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, "%s: lstat %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    memcpy(sun.sun_path, path, strlen(path) + 1); /* main checked the length */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
    } else if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, path, strerror(errno));
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Upper-case ASCII by hand: toupper() would follow an 8-bit locale. */
static void upcase(char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 'a' && p[i] <= 'z')
            p[i] = (char)(p[i] - 'a' + 'A');
}

/* Reply to the sender recvmsg filled in m. MSG_DONTWAIT: a Unix client
 * whose queue is full costs it its reply, never stalls the server. */
static void reply(int sock, struct msghdr *m, size_t len)
{
    if (m->msg_namelen <= sizeof(sa_family_t)) {
        fprintf(stderr, "%s: sender has no address (unbound Unix socket): not answered\n", prog);
        return;
    }
    upcase(m->msg_iov[0].iov_base, len);
    m->msg_iov[0].iov_len = len;
    if (sendmsg(sock, m, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
        fprintf(stderr, "%s: sendmsg: %s (reply dropped)\n", prog, strerror(errno));
}

/* Take one datagram off the queue and answer it. Never fatal. */
static void answer_one(int sock)
{
    ssize_t size = recv(sock, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size == -1) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
        return;
    }
    char *buf = size <= MAX_DGRAM ? malloc(size > 0 ? (size_t)size : 1) : NULL;
    if (buf == NULL) {                 /* too big (AF_UNIX allows it) or no memory */
        fprintf(stderr, "%s: %zd-byte datagram dropped\n", prog, size);
        if (recv(sock, NULL, 0, MSG_DONTWAIT) == -1) /* a 0-byte read discards it */
            fprintf(stderr, "%s: recv: %s\n", prog, strerror(errno));
        return;
    }
    struct sockaddr_storage from;
    struct iovec iov = { .iov_base = buf, .iov_len = (size_t)size };
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from,
                        .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t got = recvmsg(sock, &m, MSG_DONTWAIT);
    if (got == -1)
        fprintf(stderr, "%s: recvmsg: %s\n", prog, strerror(errno));
    else
        reply(sock, &m, (size_t)got);
    free(buf);
}

/* Serve until a signal can be read from sigfd. */
static int serve(int sock, int sigfd)
{
    struct pollfd pfd[2] = { { .fd = sock, .events = POLLIN }, { .fd = sigfd, .events = POLLIN } };
    for (;;) {
        if (poll(pfd, 2, -1) == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
            return 1;
        }
        if (pfd[1].revents != 0) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                fprintf(stderr, "%s: %s, exiting\n", prog, strsignal((int)si.ssi_signo));
            return 0;
        }
        if (pfd[0].revents != 0)
            answer_one(sock);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return usage();
    char *endpoint = argv[1], *host = NULL, *port = NULL;
    int is_unix = strchr(endpoint, '/') != NULL;
    if (is_unix ? strlen(endpoint) >= sizeof ((struct sockaddr_un *)0)->sun_path
                : split_endpoint(endpoint, &host, &port) == -1)
        return usage();

    /* Blocked from here on: the signals wait in the signalfd for us. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1) {
        fprintf(stderr, "%s: sigprocmask: %s\n", prog, strerror(errno));
        return 1;
    }
    int sigfd = signalfd(-1, &set, SFD_CLOEXEC);
    if (sigfd == -1) {
        fprintf(stderr, "%s: signalfd: %s\n", prog, strerror(errno));
        return 1;
    }
    int sock = is_unix ? open_unix(endpoint) : open_udp(host, port);
    int status = sock == -1 ? 1 : serve(sock, sigfd);
    if (sock != -1) {
        close(sock);
        if (is_unix && unlink(endpoint) == -1)
            fprintf(stderr, "%s: unlink %s: %s\n", prog, endpoint, strerror(errno));
    }
    close(sigfd);
    return status;
}
