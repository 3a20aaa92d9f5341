/*
 * icmp-peer: the grader's own echo responder for lab 08, run as root in a
 * network namespace where the kernel's own replies are turned off
 * (net.ipv4.icmp_echo_ignore_all, net.ipv6.icmp.echo_ignore_all).
 *
 *   icmp-peer 4|6 [-d MS[,MS...]] [-2] [-n]
 *
 * Reads every echo request on a raw socket and prints, line-buffered,
 * "request id=ID seq=SEQ ms=T", T in ms since the peer started, taken from
 * the kernel's receive timestamp (SO_TIMESTAMPNS): on loopback that is when
 * the request was sent, even if this peer was slow to read it. Answers each
 * with an echo reply (same identifier, sequence and payload) after a delay:
 * the k-th request waits the k-th MS of the list (cycled; default 0). -2
 * sends every reply twice (a duplicate); -n never answers. Prints "ready"
 * once its socket is open. Runs until killed; exit 2 on a set-up error.
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_PENDING 4096
#define MAX_DELAYS 64

struct pending {
    int64_t due_ms;
    struct sockaddr_storage to;
    socklen_t tolen;
    size_t len;
    uint8_t msg[1500];
};

static struct pending queue[MAX_PENDING];
static int queued;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t realtime_ms(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000 + ts->tv_nsec / 1000000;
}

static uint16_t checksum(const uint8_t *b, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (len % 2)
        sum += (uint32_t)b[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

int main(int argc, char **argv)
{
    int64_t delays[MAX_DELAYS] = {0};
    int ndelays = 1, copies = 1;
    bool answer = true;
    if (argc < 2 || (strcmp(argv[1], "4") != 0 && strcmp(argv[1], "6") != 0)) {
        fprintf(stderr, "usage: icmp-peer 4|6 [-d MS[,MS...]] [-2] [-n]\n");
        return 2;
    }
    bool v6 = argv[1][0] == '6';
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-2") == 0) {
            copies = 2;
        } else if (strcmp(argv[i], "-n") == 0) {
            answer = false;
        } else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            char *s = argv[++i], *end;
            for (ndelays = 0; ndelays < MAX_DELAYS;) {
                delays[ndelays++] = strtoll(s, &end, 10);
                if (*end != ',')
                    break;
                s = end + 1;
            }
        } else {
            fprintf(stderr, "icmp-peer: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
    if (fd < 0)
        die("socket");
    if (v6) {
        struct icmp6_filter filter;
        ICMP6_FILTER_SETBLOCKALL(&filter);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &filter);
        if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) < 0)
            die("setsockopt ICMP6_FILTER");
    }
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0)
        die("setsockopt SO_TIMESTAMPNS");
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct timespec started;
    clock_gettime(CLOCK_REALTIME, &started); /* the timestamps' clock */
    printf("ready\n");
    long requests = 0;
    for (;;) {
        int64_t timeout = -1;
        for (int i = 0; i < queued; i++) {
            int64_t left = queue[i].due_ms - now_ms();
            if (left < 0)
                left = 0;
            if (timeout < 0 || left < timeout)
                timeout = left;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)timeout) < 0 && errno != EINTR)
            die("poll");
        /* Send what is due, in order of arrival. */
        for (int i = 0; i < queued;) {
            if (queue[i].due_ms > now_ms()) {
                i++;
                continue;
            }
            for (int c = 0; c < copies; c++)
                if (sendto(fd, queue[i].msg, queue[i].len, 0, (struct sockaddr *)&queue[i].to,
                           queue[i].tolen) < 0)
                    die("sendto");
            memmove(&queue[i], &queue[i + 1], (size_t)(queued - i - 1) * sizeof queue[0]);
            queued--;
        }
        if (!(pfd.revents & POLLIN))
            continue;
        uint8_t buf[1600];
        char control[256];
        struct sockaddr_storage from;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof buf};
        struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov,
                             .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
        if (n < 0)
            continue;
        socklen_t fromlen = msg.msg_namelen;
        struct timespec arrived;
        clock_gettime(CLOCK_REALTIME, &arrived); /* if no timestamp came */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
                c->cmsg_len >= CMSG_LEN(sizeof arrived))
                memcpy(&arrived, CMSG_DATA(c), sizeof arrived);
        uint8_t *icmp = buf;
        size_t len = (size_t)n;
        if (!v6) {
            size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
            if (len < ihl + 8)
                continue;
            icmp += ihl;
            len -= ihl;
        } else if (len < 8) {
            continue;
        }
        if (icmp[0] != (v6 ? ICMP6_ECHO_REQUEST : 8))
            continue;
        printf("request id=%u seq=%u ms=%lld\n", icmp[4] << 8 | icmp[5], icmp[6] << 8 | icmp[7],
               (long long)(realtime_ms(&arrived) - realtime_ms(&started)));
        if (!answer || queued == MAX_PENDING || len > sizeof queue[0].msg)
            continue;
        struct pending *p = &queue[queued++];
        p->due_ms = now_ms() + delays[requests++ % ndelays];
        p->to = from;
        p->tolen = fromlen;
        p->len = len;
        memcpy(p->msg, icmp, len);
        p->msg[0] = v6 ? ICMP6_ECHO_REPLY : 0;
        if (!v6) { /* the kernel computes an ICMPv6 checksum itself */
            p->msg[2] = p->msg[3] = 0;
            uint16_t sum = checksum(p->msg, len);
            memcpy(p->msg + 2, &sum, 2);
        }
    }
}
