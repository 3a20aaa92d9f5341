/*
 * fd-peer: the grader's client for a descriptor-passing server (lab 05's
 * fd-server). Requests are one SOCK_SEQPACKET message holding a file name
 * (sent without a NUL); a reply is a byte 0 with one descriptor in
 * SCM_RIGHTS, or a byte 1 followed by an error text and no descriptor.
 *
 *   fd-peer get PATH NAME FILE [NAME FILE]...  each NAME answered with a
 *       read-only descriptor whose contents are FILE's (one connection)
 *   fd-peer refuse PATH TEXT NAME...  each NAME answered with status 1, an
 *       error text (containing TEXT unless TEXT is empty) and no descriptor;
 *       a NAME of \0 is one NUL byte
 *   fd-peer creds PATH NAME   print "PID UID GID" of this process, then
 *       request NAME (any answer will do)
 *   fd-peer many PATH NAME COUNT  COUNT requests on one connection, each
 *       answered with one descriptor (whatever the status byte), which is
 *       closed at once
 *   fd-peer long PATH SIZE    a name of SIZE bytes ('a'), more than any
 *       file name may have, answered with status 1 and no descriptor
 *   fd-peer leave PATH NAME   send the request and close at once, without
 *       waiting for the answer
 *
 * Every wait is bounded (10 s). Exit status: 0 as expected, 1 not as
 * expected (a line on stdout says what was seen), 2 usage error.
 */
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>

__attribute__((noreturn)) static void usage(void)
{
    fprintf(stderr, "usage: fd-peer get PATH NAME FILE... | refuse PATH TEXT NAME... |"
                    " creds PATH NAME | many PATH NAME COUNT | long PATH SIZE | leave PATH NAME\n");
    exit(2);
}

static int connect_to(const char *path)
{
    int fd = connect_endpoint(path, SOCK_SEQPACKET, NULL);
    if (fd == -1)
        outcome("connect %s (SOCK_SEQPACKET): %s", path, strerror(errno));
    set_timeouts(fd, 10);
    return fd;
}

struct reply {
    unsigned char data[4097];
    ssize_t len;
    int fds[8];
    int nfds;
};

/* Send name as one message and receive one reply, descriptors included. */
static void request(int sock, const char *name, size_t len, struct reply *r)
{
    if (send(sock, name, len, MSG_NOSIGNAL) != (ssize_t)len)
        outcome("sending the request \"%s\": %s", name, strerror(errno));
    union {
        char buf[CMSG_SPACE(8 * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { r->data, sizeof r->data - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.buf, .msg_controllen = sizeof control.buf };
    while ((r->len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
        ;
    if (r->len == -1)
        outcome("no reply to \"%s\": %s", name, errno == EAGAIN ? "nothing for 10 s" : strerror(errno));
    if (r->len == 0)
        outcome("the server closed the connection instead of answering \"%s\"", name);
    r->data[r->len] = '\0';
    r->nfds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n && r->nfds < 8; i++)
            memcpy(&r->fds[r->nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
}

static void close_all(struct reply *r)
{
    for (int i = 0; i < r->nfds; i++)
        close(r->fds[i]);
}

/* A status 0 reply with exactly one descriptor, opened read-only. */
static int expect_descriptor(struct reply *r, const char *name)
{
    if (r->data[0] != 0) {
        close_all(r);
        if (r->data[0] == '0')
            outcome("the reply to \"%s\" starts with the character '0' (0x30), not a byte of value 0", name);
        outcome("the reply to \"%s\" has status %d (%s)", name, r->data[0], (char *)r->data + 1);
    }
    if (r->len != 1) {
        close_all(r);
        outcome("the reply to \"%s\" is %zd bytes, not the single status byte", name, r->len);
    }
    if (r->nfds != 1) {
        close_all(r);
        outcome("the reply to \"%s\" carries %d descriptors in SCM_RIGHTS, not 1", name, r->nfds);
    }
    int flags = fcntl(r->fds[0], F_GETFL);
    if (flags == -1 || (flags & O_ACCMODE) != O_RDONLY) {
        close_all(r);
        outcome("the descriptor for \"%s\" is not opened read-only", name);
    }
    return r->fds[0];
}

/* The descriptor's contents are the file's, byte for byte. */
static void same_contents(int fd, const char *file, const char *name)
{
    FILE *want = fopen(file, "rb");
    if (!want) {
        perror(file);
        exit(2);
    }
    unsigned char got[65536], exp[65536];
    size_t offset = 0;
    for (;;) {
        ssize_t n = read(fd, got, sizeof got);
        if (n == -1)
            outcome("reading the descriptor for \"%s\": %s", name, strerror(errno));
        size_t m = fread(exp, 1, (size_t)n, want);
        if ((size_t)n != m || memcmp(got, exp, m) != 0)
            outcome("the descriptor for \"%s\" does not read as that file (differs at byte %zu)", name, offset);
        if (n == 0)
            break;
        offset += (size_t)n;
    }
    if (fgetc(want) != EOF)
        outcome("the descriptor for \"%s\" ends after %zu bytes, before the file does", name, offset);
    fclose(want);
}

static int get(const char *path, char **pairs, int count)
{
    int sock = connect_to(path);
    for (int i = 0; i + 1 < count; i += 2) {
        struct reply r;
        request(sock, pairs[i], strlen(pairs[i]), &r);
        int fd = expect_descriptor(&r, pairs[i]);
        same_contents(fd, pairs[i + 1], pairs[i]);
        close(fd);
    }
    close(sock);
    printf("%d file(s) received through passed descriptors\n", count / 2);
    return 0;
}

static int refuse(const char *path, const char *text, char **names, int count)
{
    int sock = connect_to(path);
    for (int i = 0; i < count; i++) {
        const char *name = strcmp(names[i], "\\0") == 0 ? "" : names[i];
        size_t len = strcmp(names[i], "\\0") == 0 ? 1 : strlen(name);
        struct reply r;
        request(sock, name, len, &r);
        int nfds = r.nfds;
        close_all(&r);
        if (nfds > 0 || r.data[0] == 0)
            outcome("the request \"%s\" was answered with %s: it must be refused", names[i],
                    nfds > 0 ? "a descriptor" : "status 0");
        if (r.data[0] != 1)
            outcome("the refusal of \"%s\" has status %d, not 1", names[i], r.data[0]);
        if (r.len < 2)
            outcome("the refusal of \"%s\" holds no error text after the status byte", names[i]);
        if (*text && !strstr((char *)r.data + 1, text))
            outcome("the refusal of \"%s\" says \"%s\", without \"%s\"", names[i], (char *)r.data + 1, text);
    }
    close(sock);
    printf("%d request(s) refused with status 1 and a reason\n", count);
    return 0;
}

static int creds(const char *path, const char *name)
{
    printf("%ld %ld %ld\n", (long)getpid(), (long)getuid(), (long)getgid());
    fflush(stdout);
    int sock = connect_to(path);
    struct reply r;
    request(sock, name, strlen(name), &r);
    close_all(&r);
    close(sock);
    return 0;
}

static int many(const char *path, const char *name, long count)
{
    int sock = connect_to(path);
    for (long i = 0; i < count; i++) {
        struct reply r;
        request(sock, name, strlen(name), &r);
        /* Only the descriptor counts here: the status byte is get's to judge. */
        if (r.nfds != 1) {
            close_all(&r);
            outcome("request %ld of %ld for \"%s\" was answered with %d descriptors, not 1", i + 1, count, name, r.nfds);
        }
        close(r.fds[0]);
    }
    close(sock);
    printf("%ld descriptors received\n", count);
    return 0;
}

static int long_name(const char *path, long size)
{
    if (size < 1 || size > 200000)
        usage();
    char *name = malloc((size_t)size);
    if (name == NULL)
        outcome("malloc: %s", strerror(errno));
    memset(name, 'a', (size_t)size);
    int sock = connect_to(path);
    struct reply r;
    request(sock, name, (size_t)size, &r);
    free(name);
    if (r.nfds != 0 || r.len < 1 || r.data[0] != 1) {
        int nfds = r.nfds;
        close_all(&r);
        outcome("a name of %ld bytes was answered with status byte %d and %d descriptor(s), not status 1 and none",
                size, r.len < 1 ? -1 : r.data[0], nfds);
    }
    close(sock);
    printf("a name of %ld bytes was refused\n", size);
    return 0;
}

static int leave(const char *path, const char *name)
{
    int sock = connect_to(path);
    if (send(sock, name, strlen(name), MSG_NOSIGNAL) == -1)
        outcome("send: %s", strerror(errno));
    close(sock); /* the answer, when it comes, goes to a closed socket */
    return 0;
}

int main(int argc, char *argv[])
{
    if (argc < 4)
        usage();
    const char *cmd = argv[1], *path = argv[2];
    if (strcmp(cmd, "get") == 0 && argc % 2 == 1)
        return get(path, argv + 3, argc - 3);
    if (strcmp(cmd, "refuse") == 0 && argc >= 5)
        return refuse(path, argv[3], argv + 4, argc - 4);
    if (strcmp(cmd, "creds") == 0 && argc == 4)
        return creds(path, argv[3]);
    if (strcmp(cmd, "long") == 0 && argc == 4)
        return long_name(path, strtol(argv[3], NULL, 10));
    if (strcmp(cmd, "leave") == 0 && argc == 4)
        return leave(path, argv[3]);
    if (strcmp(cmd, "many") == 0 && argc == 5)
        return many(path, argv[3], strtol(argv[4], NULL, 10));
    usage();
}
