/*
 * chat-peer: the grader's peer for lab 06, for what nc and socat cannot do
 * (many clients at once, a paced sender, counting every byte).
 *
 *   chat-peer crowd ENDPOINT N SECONDS
 *       N clients connect one after another and wait until all are
 *       accepted; each sends 3 lines (some in one write, some a byte at a
 *       time, some split mid-line); each must receive every other client's
 *       lines (its own coming back is left to another check); then half of
 *       them leave, one by one, and the others must see them go. Every client's events must be a subsequence of
 *       one global order.
 *   chat-peer flood ENDPOINT MIB SECONDS
 *       two readers, a client that never reads, and a sender: the sender
 *       sends MIB MiB of 1024-byte lines, never more than 256 KiB ahead of
 *       the slower reader. Both readers must get every line, intact and in
 *       order, and see the non-reader leave.
 *
 * ENDPOINT is a Unix socket path (it contains a '/') or HOST:PORT for TCP
 * (HOST may be [v6]). Exit status: 0 as expected, 1 not as expected (a line
 * on stdout says what was seen), 2 usage or set-up error.
 */
#include "common.h"

#include <poll.h>
#include <signal.h>

/* connect_to: a client of ENDPOINT; a refused connection is the server's
 * doing. */
static int connect_to(const char *endpoint)
{
    int fd = connect_endpoint(endpoint, SOCK_STREAM, NULL);
    if (fd == -1)
        outcome("connect %s: %s (is the server still running?)", endpoint, strerror(errno));
    return fd;
}

/* send_or_fail: all of buf for client WHO, or the check fails. */
static void send_or_fail(int fd, const char *buf, size_t n, const char *who)
{
    if (send_all(fd, buf, n) == -1)
        outcome("%s: send: %s (did the server close the connection?)", who, strerror(errno));
}

/* ---- a client's input, split into lines ---------------------------------- */

struct conn {
    int fd;
    char buf[8192];
    size_t len;
    int eof;
};

/* Read what is there (non-blocking); 1 if something came, 0 if not. */
static int fill(struct conn *c, const char *who)
{
    if (c->eof || c->len == sizeof c->buf)
        return 0;
    ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, MSG_DONTWAIT);
    if (r > 0) {
        c->len += (size_t)r;
        return 1;
    }
    if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        if (r == -1)
            fprintf(stderr, "chat-peer: %s: recv: %s\n", who, strerror(errno));
        c->eof = 1;
        return 1;
    }
    return 0;
}

/* The next complete line (without its '\n', NUL-terminated) into out, or 0. */
static int next_line(struct conn *c, char *out, size_t cap, const char *who)
{
    char *nl = memchr(c->buf, '\n', c->len);
    if (!nl) {
        if (c->len == sizeof c->buf)
            outcome("%s received a line of more than %zu bytes: %.60s...", who, sizeof c->buf, c->buf);
        return 0;
    }
    size_t n = (size_t)(nl - c->buf);
    if (n >= cap)
        outcome("%s received an unexpected line of %zu bytes: %.60s...", who, n, c->buf);
    memcpy(out, c->buf, n);
    out[n] = '\0';
    if (memchr(out, '\0', n))
        outcome("%s received a line holding a NUL byte where none was sent", who);
    memmove(c->buf, nl + 1, c->len - n - 1);
    c->len -= n + 1;
    return 1;
}

static void wait_readable(struct pollfd *fds, nfds_t n, double deadline)
{
    double left = deadline - now_s();
    int ms = left > 0 ? (int)(left * 1000) + 1 : 0;
    if (ms > 100)
        ms = 100;
    if (poll(fds, n, ms) == -1 && errno != EINTR)
        die("poll");
}

/* ---- crowd ----------------------------------------------------------------- */

#define LINES 3
#define MAX_EVENTS 4096

struct member {
    struct conn c;
    long number;        /* learned from the joins the first client sees */
    int *events;        /* the events it saw, as ids */
    int nevents;
    int joins, lefts, lines;
    int from[1000];     /* lines received from each other client */
    int gone;
    char name[32];
};

static int n_members;
static struct member *members;

/* Event ids: join of member i = i, leave of member i = n + i, line j of
 * member i = 2n + i * LINES + j. */
static int member_by_number(long number)
{
    for (int i = 0; i < n_members; i++)
        if (members[i].number == number)
            return i;
    return -1;
}

static void record(struct member *m, int event)
{
    if (m->nevents == MAX_EVENTS)
        outcome("%s received more than %d events", m->name, MAX_EVENTS);
    m->events[m->nevents++] = event;
}

/* Parse one line a member received. Joins before numbers are known give
 * the numbers (only member 0 sees every join). */
static void crowd_line(int self, const char *line)
{
    struct member *m = &members[self];
    long number;
    int idx, j, end = 0;
    if (sscanf(line, "* %ld joined%n", &number, &end) == 1 && line[end] == '\0') {
        int who = member_by_number(number);
        if (who == -1) {
            /* Joins arrive in accept order: the k-th join member 0 sees is member k. */
            if (self != 0 || m->joins + 1 >= n_members)
                outcome("%s received \"%s\": no client with that number is expected to join", m->name, line);
            who = m->joins + 1;
            members[who].number = number;
        }
        if (who <= self)
            outcome("%s received \"%s\" about a client that joined before it (a newcomer gets nothing about itself or earlier clients)",
                    m->name, line);
        m->joins++;
        record(m, who);
    } else if (sscanf(line, "* %ld left%n", &number, &end) == 1 && line[end] == '\0') {
        int who = member_by_number(number);
        if (who == -1 || !members[who].gone || who == self)
            outcome("%s received \"%s\" but no such client has left", m->name, line);
        m->lefts++;
        record(m, n_members + who);
    } else if (sscanf(line, "[%ld] c%d line %d%n", &number, &idx, &j, &end) == 3 && line[end] == '\0' &&
               idx >= 0 && idx < n_members && j >= 0 && j < LINES) {
        if (idx == self)
            return; /* judged by another check: here only the order counts */
        if (idx == 0 && members[0].number == -2 && member_by_number(number) == -1)
            members[0].number = number; /* the first client's number: no join announced it */
        if (members[idx].number != number)
            outcome("%s received \"%s\" but client c%d joined as number %ld", m->name, line, idx, members[idx].number);
        if (m->from[idx] != j)
            outcome("%s received \"%s\" but expected line %d of c%d next (lines lost, repeated or reordered)",
                    m->name, line, m->from[idx], idx);
        m->from[idx]++;
        m->lines++;
        record(m, 2 * n_members + idx * LINES + j);
    } else {
        outcome("%s received an unexpected line: \"%.80s\"", m->name, line);
    }
}

static int all_joined(void);

/* Read from every member until done() holds or the deadline passes. */
static void crowd_pump(int (*done)(void), double deadline, const char *waiting_for)
{
    struct pollfd *fds = calloc((size_t)n_members, sizeof *fds);
    if (!fds)
        die("calloc");
    char line[256];
    while (!done()) {
        if (now_s() > deadline)
            outcome("timed out waiting for %s", waiting_for);
        for (int i = 0; i < n_members; i++)
            fds[i] = (struct pollfd){ .fd = members[i].gone ? -1 : members[i].c.fd, .events = POLLIN };
        wait_readable(fds, (nfds_t)n_members, deadline);
        for (int i = 0; i < n_members; i++) {
            struct member *m = &members[i];
            if (m->gone || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            fill(&m->c, m->name);
            /* Until every join is known, only the first client parses what
             * it reads (the numbers come from the joins it sees); the
             * others keep it in their buffers. */
            if (i > 0 && !all_joined())
                continue;
            while (next_line(&m->c, line, sizeof line, m->name))
                crowd_line(i, line);
            if (m->c.eof)
                outcome("%s: the server closed the connection (it had received %d lines, %d joins)",
                        m->name, m->lines, m->joins);
        }
    }
    free(fds);
}

static int all_joined(void)
{
    return members[0].joins == n_members - 1;
}

static int all_lines(void)
{
    for (int i = 0; i < n_members; i++)
        if (members[i].lines < (n_members - 1) * LINES)
            return 0;
    return 1;
}

static int departed; /* members closed so far */

static int all_leaves(void)
{
    for (int i = 0; i < n_members; i++)
        if (!members[i].gone && members[i].lefts < departed)
            return 0;
    return 1;
}

/* Can the members' event lists be merged into one order? Kahn's algorithm
 * over the "came right before" edges. */
static int one_global_order(void)
{
    int nev = 2 * n_members + n_members * LINES;
    int *indeg = calloc((size_t)nev, sizeof *indeg);
    int *queue = calloc((size_t)nev, sizeof *queue);
    int *present = calloc((size_t)nev, sizeof *present);
    /* adjacency as a flat edge list */
    int total = 0;
    for (int i = 0; i < n_members; i++)
        total += members[i].nevents;
    int *efrom = calloc((size_t)total + 1, sizeof *efrom), *eto = calloc((size_t)total + 1, sizeof *eto);
    if (!indeg || !queue || !present || !efrom || !eto)
        die("calloc");
    int ne = 0;
    for (int i = 0; i < n_members; i++) {
        struct member *m = &members[i];
        for (int k = 0; k < m->nevents; k++) {
            present[m->events[k]] = 1;
            if (k > 0) {
                efrom[ne] = m->events[k - 1];
                eto[ne] = m->events[k];
                indeg[eto[ne]]++;
                ne++;
            }
        }
    }
    int head = 0, tail = 0, seen = 0, npresent = 0;
    for (int e = 0; e < nev; e++) {
        npresent += present[e];
        if (present[e] && indeg[e] == 0)
            queue[tail++] = e;
    }
    while (head < tail) {
        int e = queue[head++];
        seen++;
        for (int k = 0; k < ne; k++)
            if (efrom[k] == e && --indeg[eto[k]] == 0)
                queue[tail++] = eto[k];
    }
    free(indeg);
    free(queue);
    free(present);
    free(efrom);
    free(eto);
    return seen == npresent;
}

static const char *event_name(int e, char *buf, size_t cap)
{
    if (e < n_members)
        snprintf(buf, cap, "\"* %ld joined\"", members[e].number);
    else if (e < 2 * n_members)
        snprintf(buf, cap, "\"* %ld left\"", members[e - n_members].number);
    else
        snprintf(buf, cap, "\"[%ld] c%d line %d\"", members[(e - 2 * n_members) / LINES].number,
                 (e - 2 * n_members) / LINES, (e - 2 * n_members) % LINES);
    return buf;
}

/* Name two members that saw two events in opposite orders, if any. */
static void report_disorder(void)
{
    int nev = 2 * n_members + n_members * LINES;
    int *pos = malloc((size_t)nev * sizeof *pos);
    if (!pos)
        die("malloc");
    for (int a = 0; a < n_members; a++) {
        for (int e = 0; e < nev; e++)
            pos[e] = -1;
        for (int k = 0; k < members[a].nevents; k++)
            pos[members[a].events[k]] = k;
        for (int b = a + 1; b < n_members; b++) {
            int last = -1, last_event = -1;
            for (int k = 0; k < members[b].nevents; k++) {
                int e = members[b].events[k];
                if (pos[e] == -1)
                    continue;
                if (pos[e] < last) {
                    char x[64], y[64];
                    outcome("%s saw %s before %s, %s saw them the other way round (each client must see one global order)",
                            members[a].name, event_name(e, x, sizeof x), event_name(last_event, y, sizeof y),
                            members[b].name);
                }
                last = pos[e];
                last_event = e;
            }
        }
    }
    outcome("the clients' orders of events cannot be merged into one global order");
}

static void send_lines(int i)
{
    char text[LINES * 32];
    size_t n = 0;
    for (int j = 0; j < LINES; j++)
        n += (size_t)snprintf(text + n, sizeof text - n, "c%d line %d\n", i, j);
    switch (i % 3) {
    case 0: /* all in one write */
        send_or_fail(members[i].c.fd, text, n, members[i].name);
        break;
    case 1: /* a byte at a time */
        for (size_t k = 0; k < n; k++)
            send_or_fail(members[i].c.fd, text + k, 1, members[i].name);
        break;
    default: /* split in the middle of the second line */
        send_or_fail(members[i].c.fd, text, n / 2, members[i].name);
        send_or_fail(members[i].c.fd, text + n / 2, n - n / 2, members[i].name);
    }
}

static int crowd(const char *endpoint, int n, double seconds)
{
    double deadline = now_s() + seconds;
    if (n < 2 || n > 1000)
        return 2;
    n_members = n;
    members = calloc((size_t)n, sizeof *members);
    if (!members)
        die("calloc");
    for (int i = 0; i < n; i++) {
        members[i].number = i == 0 ? -2 : -1;
        members[i].events = malloc(MAX_EVENTS * sizeof(int));
        if (!members[i].events)
            die("malloc");
        snprintf(members[i].name, sizeof members[i].name, "client c%d", i);
    }
    /* One after another, so they are accepted in this order. */
    for (int i = 0; i < n; i++)
        members[i].c.fd = connect_to(endpoint);
    crowd_pump(all_joined, deadline, "the first client to see every other client join");
    for (int i = 0; i < n; i++)
        send_lines(i);
    crowd_pump(all_lines, deadline, "every client to receive every other client's lines");
    /* One at a time, each seen to leave before the next goes, so the server
     * never writes to a client that has gone (another check's business). */
    for (int i = 0; i < n; i += 2) {
        close(members[i].c.fd);
        members[i].gone = 1;
        departed++;
        crowd_pump(all_leaves, deadline, "every remaining client to see the others leave");
    }
    for (int i = 1; i < n; i += 2)
        close(members[i].c.fd);
    if (!one_global_order())
        report_disorder();
    for (int i = 0; i < n; i++)
        free(members[i].events);
    free(members);
    printf("%d clients: every line relayed to every other client, one global order\n", n);
    return 0;
}

/* ---- flood ------------------------------------------------------------------ */

#define FLOOD_LINE 1024            /* bytes per line, '\n' included */
#define AHEAD (256 * 1024 / FLOOD_LINE)

static void flood_text(long k, char *out)
{
    int n = snprintf(out, FLOOD_LINE, "%08ld ", k);
    for (int i = n; i < FLOOD_LINE - 1; i++)
        out[i] = (char)('a' + (k + i) % 26);
    out[FLOOD_LINE - 1] = '\n';
}

struct reader {
    struct conn c;
    long lines;
    int saw_left;
    const char *name;
};

static int flood(const char *endpoint, long mib, double seconds)
{
    double deadline = now_s() + seconds;
    long total = mib * 1024 * 1024 / FLOOD_LINE;
    struct reader r[2] = { { .name = "reader 1" }, { .name = "reader 2" } };
    r[0].c.fd = connect_to(endpoint);
    r[1].c.fd = connect_to(endpoint);
    int quiet = connect_to(endpoint);
    struct conn sender = { .fd = connect_to(endpoint) };

    /* Reader 1 learns the numbers of the others from their joins. */
    long numbers[3];
    char line[FLOOD_LINE + 64];
    int joins = 0;
    struct pollfd pfd[3];
    while (joins < 3) {
        if (now_s() > deadline)
            outcome("timed out waiting for reader 1 to see the other three clients join (it saw %d)", joins);
        pfd[0] = (struct pollfd){ .fd = r[0].c.fd, .events = POLLIN };
        wait_readable(pfd, 1, deadline);
        fill(&r[0].c, r[0].name);
        while (joins < 3 && next_line(&r[0].c, line, sizeof line, r[0].name)) {
            if (sscanf(line, "* %ld joined", &numbers[joins]) != 1)
                outcome("reader 1 received \"%.80s\" where a join was expected", line);
            joins++;
        }
        if (r[0].c.eof)
            outcome("reader 1: the server closed the connection");
    }
    long quiet_number = numbers[1], sender_number = numbers[2];
    char expected_left[64], prefix[32], want[FLOOD_LINE + 64], text[FLOOD_LINE];
    snprintf(expected_left, sizeof expected_left, "* %ld left", quiet_number);
    int plen = snprintf(prefix, sizeof prefix, "[%ld] ", sender_number);
    /* Reader 2 sees the join of the quiet client and the sender first. */
    int r2_joins = 0;

    long sent = 0, last_progress = -1;
    size_t off = 0; /* bytes of line `sent` already written */
    double stall_end = now_s() + 15;
    for (;;) {
        long slowest = r[0].lines < r[1].lines ? r[0].lines : r[1].lines;
        if (slowest == total && r[0].saw_left && r[1].saw_left)
            break;
        long progress = r[0].lines + r[1].lines + sent + r[0].saw_left;
        if (progress != last_progress) {
            last_progress = progress;
            stall_end = now_s() + 15; /* 15 s without a byte moving: stuck */
        }
        if (now_s() > deadline || now_s() > stall_end)
            outcome("timed out: the sender sent %ld of %ld lines, the readers received %ld and %ld%s "
                    "(a server that waits for a client that does not read stops relaying to everybody)",
                    sent, total, r[0].lines, r[1].lines,
                    r[0].saw_left ? "" : ", the client that never reads was not disconnected");
        int want_write = sent < total && sent - slowest < AHEAD;
        pfd[0] = (struct pollfd){ .fd = r[0].c.fd, .events = POLLIN };
        pfd[1] = (struct pollfd){ .fd = r[1].c.fd, .events = POLLIN };
        pfd[2] = (struct pollfd){ .fd = sender.fd, .events = POLLIN | (want_write ? POLLOUT : 0) };
        wait_readable(pfd, 3, deadline);
        if (pfd[2].revents & POLLOUT) {
            flood_text(sent, text);
            ssize_t w = send(sender.fd, text + off, FLOOD_LINE - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w == -1 && errno != EAGAIN && errno != EINTR)
                outcome("the sender: send: %s after %ld lines (did the server disconnect it?)", strerror(errno), sent);
            if (w > 0 && (off += (size_t)w) == FLOOD_LINE) {
                off = 0;
                sent++;
            }
        }
        if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)) {
            fill(&sender, "the sender");
            while (next_line(&sender, line, sizeof line, "the sender"))
                if (strcmp(line, expected_left) != 0 && strncmp(line, prefix, (size_t)plen) != 0)
                    outcome("the sender received \"%.80s\"", line);
            if (sender.eof)
                outcome("the sender: the server closed the connection after %ld lines", sent);
        }
        for (int i = 0; i < 2; i++) {
            if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            fill(&r[i].c, r[i].name);
            while (next_line(&r[i].c, line, sizeof line, r[i].name)) {
                if (i == 1 && r2_joins < 2 && strncmp(line, "* ", 2) == 0 && strstr(line, " joined")) {
                    r2_joins++;
                    continue;
                }
                if (strcmp(line, expected_left) == 0 && !r[i].saw_left) {
                    r[i].saw_left = 1;
                    continue;
                }
                flood_text(r[i].lines, text);
                snprintf(want, sizeof want, "%s%.*s", prefix, FLOOD_LINE - 1, text);
                if (r[i].lines >= total || strcmp(line, want) != 0) {
                    size_t at = 0;
                    while (line[at] && line[at] == want[at])
                        at++;
                    outcome("%s: line %ld differs from what was sent at byte %zu (%zu bytes received; "
                            "expected \"%.20s...\", got \"%.40s...\"): bytes lost or reordered",
                            r[i].name, r[i].lines + 1, at, strlen(line), want, line);
                }
                r[i].lines++;
            }
            if (r[i].c.eof)
                outcome("%s: the server closed the connection after %ld lines (a reader that keeps up must not be dropped)",
                        r[i].name, r[i].lines);
        }
    }
    close(r[0].c.fd);
    close(r[1].c.fd);
    close(sender.fd);
    close(quiet);
    printf("%ld MiB relayed to both readers; the client that never read was disconnected\n", mib);
    return 0;
}

int main(int argc, char *argv[])
{
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 5 && strcmp(argv[1], "crowd") == 0)
        return crowd(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 5 && strcmp(argv[1], "flood") == 0)
        return flood(argv[2], atol(argv[3]), atof(argv[4]));
    fprintf(stderr, "usage: chat-peer crowd ENDPOINT N SECONDS | flood ENDPOINT MIB SECONDS\n");
    return 2;
}
