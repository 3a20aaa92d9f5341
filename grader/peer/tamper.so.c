/* tamper.so: an LD_PRELOAD shim that meddles with what lab 09's sockbench
 * moves between its two processes, so that the grader can judge what it
 * does with a bad byte, a short datagram, a short read, a lost datagram,
 * and how it turns trip times into a median and a 99th percentile.
 *
 * Why a shim: sockbench's traffic runs between a parent and a child of its
 * own, over sockets only they hold; no test peer can stand in the middle.
 * The shim sits in both processes (fork keeps it) and changes what read,
 * recv, recvfrom and recvmsg return, what send, sendto, sendmsg and write
 * send on a UDP socket, and what clock_gettime(CLOCK_MONOTONIC) says. Only
 * sockets and pipes are touched (and stdout, stderr and files never).
 * Counters are per thread: each process (or thread) counts what it reads.
 *
 * GRADER_TAMPER picks one thing to do:
 *   corrupt      flip one byte: the one at offset GRADER_TAMPER_AT of what
 *                this process reads from sockets and pipes (counted from 0)
 *   short-dgram  the GRADER_TAMPER_AT-th datagram or SOCK_SEQPACKET message
 *                of GRADER_TAMPER_SIZE bytes this process reads comes one
 *                byte short (counted from 1)
 *   short-reads  each read on a stream socket or a pipe returns at most a
 *                few thousand bytes (pseudo-random, 1 to 4093), as a busy
 *                kernel may; MSG_WAITALL is left alone
 *   drop         UDP datagrams of GRADER_TAMPER_SIZE bytes that this process
 *                sends are not sent (the call says they were): every
 *                GRADER_TAMPER_EVERY-th, or only the GRADER_TAMPER_AT-th
 *   stall        the GRADER_TAMPER_AT-th write of GRADER_TAMPER_SIZE bytes this
 *                process makes on a socket or a pipe waits (pause) until a
 *                signal comes, then fails with EINTR: the run stops at a
 *                known point, the other process waiting for those bytes
 *   clock        CLOCK_MONOTONIC stands still except when this process has
 *                read a whole message of GRADER_TAMPER_SIZE bytes from a
 *                stream socket: it then moves on by the next value of
 *                GRADER_TAMPER_DELAYS (microseconds, comma-separated; the
 *                last repeats), plus 1 ns per call so that it never stands
 *                quite still. So each round trip lasts exactly the delay
 *                given for its reply, and the median and p99 are known.
 * What it did is appended to GRADER_TAMPER_LOG, one line each:
 *   "corrupted pid offset", "shortened pid bytes", "dropped pid n",
 *   "stalled pid", and in
 *   clock mode, at exit, "clock pid calls messages": how often the process
 *   asked for CLOCK_MONOTONIC and how many whole messages it read (the
 *   grader takes the last COUNT of them as the timed ones: the warm-up
 *   comes first, whatever its length).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

enum action { NONE, CORRUPT, SHORT_DGRAM, SHORT_READS, DROP, STALL, CLOCK };
enum kind { OTHER, STREAM, MESSAGE };

#define MAX_DELAYS 4096
#define MAX_CHUNK 4093

static enum action action;
static uint64_t at, every, size;
static const char *log_path;
static int64_t delays_ns[MAX_DELAYS];
static size_t delay_count;

/* Per thread (a process after fork keeps its parent's values). */
static __thread uint64_t bytes_read;      /* corrupt, clock */
static __thread bool corrupted;
static __thread uint64_t messages_read;   /* short-dgram */
static __thread uint64_t datagrams_sent;  /* drop */
static __thread uint64_t messages_sent;   /* stall */
static __thread uint32_t chunk_state = 12345;
static __thread uint64_t stream_bytes;    /* clock: bytes read from stream sockets */
static __thread int64_t virtual_ns;
static __thread int64_t clock_base;
static __thread bool clock_started;
static __thread uint64_t clock_calls;

static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_clock_gettime)(clockid_t, struct timespec *);

static uint64_t env_number(const char *name)
{
    const char *text = getenv(name);
    return text != NULL ? strtoull(text, NULL, 10) : 0;
}

__attribute__((constructor)) static void start(void)
{
    real_read = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    real_recv = (ssize_t(*)(int, void *, size_t, int))dlsym(RTLD_NEXT, "recv");
    real_recvfrom = (ssize_t(*)(int, void *, size_t, int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "recvfrom");
    real_recvmsg = (ssize_t(*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    real_send = (ssize_t(*)(int, const void *, size_t, int))dlsym(RTLD_NEXT, "send");
    real_sendto = (ssize_t(*)(int, const void *, size_t, int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "sendto");
    real_sendmsg = (ssize_t(*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
    real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");

    const char *what = getenv("GRADER_TAMPER");
    if (what == NULL)
        return;
    static const char *const names[] = { "", "corrupt", "short-dgram", "short-reads", "drop", "stall", "clock" };
    for (size_t i = 1; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(what, names[i]) == 0)
            action = (enum action)i;
    at = env_number("GRADER_TAMPER_AT");
    every = env_number("GRADER_TAMPER_EVERY");
    size = env_number("GRADER_TAMPER_SIZE");
    log_path = getenv("GRADER_TAMPER_LOG");
    const char *delays = getenv("GRADER_TAMPER_DELAYS");
    for (const char *p = delays; p != NULL && *p != '\0' && delay_count < MAX_DELAYS;) {
        char *end;
        delays_ns[delay_count++] = (int64_t)strtoll(p, &end, 10) * 1000;
        p = *end == ',' ? end + 1 : NULL;
    }
}

static void note(const char *format, ...)
{
    if (log_path == NULL)
        return;
    char line[160];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd == -1 || n <= 0)
        return;
    if (real_write(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
        /* nothing more to do: the grader then sees no line */
    }
    close(fd);
}

static enum kind kind_of(int fd, bool *udp, bool *socket_fd)
{
    struct stat st;
    *udp = *socket_fd = false;
    if (fstat(fd, &st) == -1)
        return OTHER;
    if (S_ISFIFO(st.st_mode))
        return STREAM;
    if (!S_ISSOCK(st.st_mode))
        return OTHER;
    *socket_fd = true;
    int type = 0, protocol = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
        return OTHER;
    len = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) == 0)
        *udp = type == SOCK_DGRAM && protocol == IPPROTO_UDP;
    return type == SOCK_STREAM ? STREAM : MESSAGE;
}

/* short-reads: how much this read may return. */
static size_t cap(enum kind kind, size_t len, int flags)
{
    if (action != SHORT_READS || kind != STREAM || (flags & MSG_WAITALL) || len <= 1)
        return len;
    chunk_state = chunk_state * 1103515245u + 12345u;
    size_t most = 1 + (chunk_state >> 8) % MAX_CHUNK;
    return len < most ? len : most;
}

/* After a read of n bytes into the places iov describes: corrupt, shorten,
 * or move the clock. Returns the length the caller sees. */
static ssize_t after_read(int fd, enum kind kind, bool socket_fd, const struct iovec *iov, size_t iovcnt, ssize_t n)
{
    if (kind == OTHER || n <= 0)
        return n;
    uint64_t before = bytes_read;
    bytes_read += (uint64_t)n;
    if (action == CORRUPT && !corrupted && at >= before && at < bytes_read) {
        uint64_t k = at - before;
        for (size_t i = 0; i < iovcnt; i++) {
            if (k < iov[i].iov_len) {
                ((unsigned char *)iov[i].iov_base)[k] ^= 0x5a;
                break;
            }
            k -= iov[i].iov_len;
        }
        corrupted = true;
        note("corrupted %d %llu fd=%d\n", (int)getpid(), (unsigned long long)at, fd);
    }
    if (action == SHORT_DGRAM && kind == MESSAGE && (uint64_t)n == size && ++messages_read == at) {
        note("shortened %d %zd\n", (int)getpid(), n);
        return n - 1;
    }
    if (action == CLOCK && kind == STREAM && socket_fd && size > 0) {
        uint64_t done_before = stream_bytes / size;
        stream_bytes += (uint64_t)n;
        for (uint64_t m = done_before; m < stream_bytes / size; m++) {
            size_t i = m < delay_count ? (size_t)m : delay_count - 1;
            virtual_ns += delay_count > 0 ? delays_ns[i] : 0;
        }
    }
    return n;
}

ssize_t read(int fd, void *buf, size_t len)
{
    bool udp, socket_fd;
    enum kind kind = action == NONE ? OTHER : kind_of(fd, &udp, &socket_fd);
    ssize_t n = real_read(fd, buf, cap(kind, len, 0));
    struct iovec iov = { buf, len };
    return after_read(fd, kind, socket_fd, &iov, 1, n);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    bool udp, socket_fd;
    enum kind kind = action == NONE ? OTHER : kind_of(fd, &udp, &socket_fd);
    ssize_t n = real_recv(fd, buf, cap(kind, len, flags), flags);
    struct iovec iov = { buf, len };
    return (flags & MSG_PEEK) ? n : after_read(fd, kind, socket_fd, &iov, 1, n);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    bool udp, socket_fd;
    enum kind kind = action == NONE ? OTHER : kind_of(fd, &udp, &socket_fd);
    ssize_t n = real_recvfrom(fd, buf, cap(kind, len, flags), flags, from, fromlen);
    struct iovec iov = { buf, len };
    return (flags & MSG_PEEK) ? n : after_read(fd, kind, socket_fd, &iov, 1, n);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    bool udp, socket_fd;
    enum kind kind = action == NONE ? OTHER : kind_of(fd, &udp, &socket_fd);
    size_t total = 0;
    for (size_t i = 0; i < msg->msg_iovlen; i++)
        total += msg->msg_iov[i].iov_len;
    size_t allowed = cap(kind, total, flags);
    ssize_t n;
    if (allowed < total && msg->msg_iovlen > 0) {
        /* The same places, fewer bytes: a copy of the iovec array, cut. */
        struct iovec cut[64];
        size_t count = 0, left = allowed;
        for (size_t i = 0; i < msg->msg_iovlen && i < 64 && left > 0; i++) {
            cut[count] = msg->msg_iov[i];
            if (cut[count].iov_len > left)
                cut[count].iov_len = left;
            left -= cut[count++].iov_len;
        }
        struct iovec *saved = msg->msg_iov;
        size_t saved_len = msg->msg_iovlen;
        msg->msg_iov = cut;
        msg->msg_iovlen = count;
        n = real_recvmsg(fd, msg, flags);
        msg->msg_iov = saved;
        msg->msg_iovlen = saved_len;
    } else {
        n = real_recvmsg(fd, msg, flags);
    }
    return (flags & MSG_PEEK) ? n : after_read(fd, kind, socket_fd, msg->msg_iov, msg->msg_iovlen, n);
}

/* stall: the at-th write of size bytes on a socket or pipe waits for a
 * signal; true then (the write fails with EINTR). */
static bool stalled(int fd, size_t len)
{
    bool udp, socket_fd;
    if (action != STALL || len != size || kind_of(fd, &udp, &socket_fd) == OTHER || ++messages_sent != at)
        return false;
    note("stalled %d\n", (int)getpid());
    pause();
    errno = EINTR;
    return true;
}

/* drop: true when this datagram of len bytes is not to be sent. */
static bool dropped(int fd, size_t len)
{
    bool udp, socket_fd;
    if (action != DROP || len != size || kind_of(fd, &udp, &socket_fd) != MESSAGE || !udp)
        return false;
    datagrams_sent++;
    if ((every > 0 && datagrams_sent % every == 0) || (at > 0 && datagrams_sent == at)) {
        note("dropped %d %llu\n", (int)getpid(), (unsigned long long)datagrams_sent);
        return true;
    }
    return false;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    if (stalled(fd, len))
        return -1;
    return dropped(fd, len) ? (ssize_t)len : real_write(fd, buf, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    if (stalled(fd, len))
        return -1;
    return dropped(fd, len) ? (ssize_t)len : real_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
    if (stalled(fd, len))
        return -1;
    return dropped(fd, len) ? (ssize_t)len : real_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
    size_t total = 0;
    for (size_t i = 0; i < msg->msg_iovlen; i++)
        total += msg->msg_iov[i].iov_len;
    if (stalled(fd, total))
        return -1;
    return dropped(fd, total) ? (ssize_t)total : real_sendmsg(fd, msg, flags);
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    if (action != CLOCK || clock != CLOCK_MONOTONIC)
        return real_clock_gettime(clock, ts);
    if (!clock_started) {
        struct timespec now;
        real_clock_gettime(CLOCK_MONOTONIC, &now);
        clock_base = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
        clock_started = true;
    }
    clock_calls++;
    int64_t t = clock_base + virtual_ns++;
    ts->tv_sec = (time_t)(t / 1000000000);
    ts->tv_nsec = (long)(t % 1000000000);
    return 0;
}

__attribute__((destructor)) static void finish(void)
{
    if (action == CLOCK)
        note("clock %d %llu %llu\n", (int)getpid(), (unsigned long long)clock_calls,
             (unsigned long long)(size > 0 ? stream_bytes / size : 0));
}
