/*
 * icmp-ping [-c COUNT] [-i SECONDS] HOST — lab 08. The task is in README.md
 * beside this file.
 *
 * Sends ICMP echo requests (ICMPv6 for an IPv6 HOST) every SECONDS, prints
 * one line per reply and the statistics at the end, in the format of iputils
 * ping. Tries an unprivileged ping socket first, a raw socket second.
 *
 * Fill in the TODOs in order (1 to 5 ping 127.0.0.1 through a ping socket;
 * 6 and 7 add the raw fallback; 8 the statistics). Each stands where its
 * code goes, and C wants a function defined before its callers, so they do
 * not come in that order in this file. After each one, build and try it by
 * hand (README.md shows how), then run `make grade LAB=08`.
 * Build: cc -std=c17 -D_GNU_SOURCE -Wall -Wextra -g -O1 -o icmp-ping icmp-ping.c -lm
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 56            /* bytes after the 8-byte ICMP header */
#define MAX_COUNT 100000
#define SEQ_SLOTS 65536       /* icmp_seq is 16 bits */

struct pinger {
    int fd;
    int family;               /* AF_INET or AF_INET6 */
    bool raw;                 /* raw socket: filter and checksum ourselves */
    uint16_t ident;           /* our identifier on a raw socket */
    struct sockaddr_storage to;
    socklen_t tolen;
    char addr[INET6_ADDRSTRLEN];
    const char *host;
    long count;               /* 0: until SIGINT */
    int64_t interval_ns;
    /* what was sent and received, by sequence number */
    long sent, received, duplicates;
    int64_t sent_at[SEQ_SLOTS];
    bool answered[SEQ_SLOTS];
    /* round-trip statistics, in ms */
    double min, max, sum, sum_sq;
    int64_t start_ns;
};

/* The time on a clock that never jumps, in nanoseconds. */
static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail with this clock */
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * TODO 1 — the arguments (Chapter 5, "Errors and exit statuses").
 * getopt with "+c:i:". COUNT: digits only, 1 to 100000. SECONDS: digits,
 * optionally '.' and more digits, at least 0.01. Exactly one HOST after the
 * options. Anything else: a usage line on stderr, exit 2.
 */

/*
 * TODO 7 — the Internet checksum (Chapter 11, "The Internet checksum").
 * The one's complement of the one's complement sum of the message's 16-bit
 * words, computed with the checksum field at zero.
 */

/*
 * TODO 2 — the host (Chapter 4, "getaddrinfo and getnameinfo").
 * getaddrinfo(HOST, NULL, ...) with AF_UNSPEC; keep the first result's
 * family and address, and its numeric form (inet_ntop) for the output.
 * Unknown host: "icmp-ping: HOST: <gai_strerror>" on stderr, exit 2.
 */

/*
 * TODO 3 — the socket (Chapter 11, "Ping sockets").
 * socket(family, SOCK_DGRAM, IPPROTO_ICMP or IPPROTO_ICMPV6). Ask for the
 * TTL of what you read: IP_RECVTTL, or IPV6_RECVHOPLIMIT (Chapter 11,
 * "TTL and hop limit").
 */

/*
 * TODO 6 — the raw fallback (Chapter 11, "Raw sockets and CAP_NET_RAW").
 * If the ping socket is refused (EACCES or EPERM), open SOCK_RAW. Neither
 * allowed: a message naming the cause, exit 2. On a raw IPv4 socket the
 * ICMP checksum is yours (TODO 7), and what you read starts with the IP
 * header (skip IHL x 4 bytes). Pick an identifier of your own.
 */

/*
 * TODO 4 — one request (Chapter 11, "ICMP echo").
 * 8 header bytes (type 8 or 128, code 0, checksum, identifier, sequence in
 * network byte order) and 56 payload bytes; remember when it left.
 */

/*
 * TODO 8 — which replies count (Chapter 11, "What a raw socket receives"), and
 * the summary (Chapter 11, "Round-trip statistics").
 * A raw socket reads every ICMP message: keep only echo replies with your
 * identifier and a sequence number you sent; a second reply to the same
 * sequence is a duplicate. At the end print
 *     --- HOST ping statistics ---
 *     S packets transmitted, R received, P% packet loss
 *     rtt min/avg/max/mdev = a/b/c/d ms        (only when R > 0)
 * mdev = sqrt(mean of squares - square of mean). Exit 0 if R > 0, else 1.
 */

/*
 * TODO 5 — the loop (Chapter 11, "Round-trip statistics").
 * Send when the next send time has come; otherwise ppoll until then for a
 * reply. For each reply: recvmsg, the TTL from its control message, the
 * RTT, and the line
 *     64 bytes from ADDR: icmp_seq=N ttl=T time=X ms
 * After the last request, read until every request is answered or
 * max(1 s, 2 x the largest RTT) has passed since it was sent.
 * SIGINT stops the loop: block it, and let ppoll unblock it while it waits.
 */

int main(int argc, char **argv)
{
    static struct pinger p; /* large tables: not on the stack */
    (void)argc;
    (void)argv;
    (void)p;
    (void)now_ns;
    fprintf(stderr, "icmp-ping: not written yet (see the TODOs)\n");
    return 1;
}
