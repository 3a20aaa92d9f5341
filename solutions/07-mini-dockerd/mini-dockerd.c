// solution only begin: the skeleton has a header of its own
/*
 * mini-dockerd PATH
 *
 * A tiny HTTP/1.1 server on an AF_UNIX SOCK_STREAM socket that answers a
 * read-only corner of the Docker Engine API, enough for curl, the Docker
 * CLI (`docker -H unix://PATH version` and `ps`) and the Docker SDK:
 *
 *   GET|HEAD /_ping             200 "OK", with an Api-Version header
 *   GET|HEAD /version           200, a JSON object
 *   GET|HEAD /containers/json   200, a JSON array of two made-up containers
 *
 * each also under a /vN.NN prefix. Anything else: 404, 405 or 400 with a
 * JSON {"message": ...} body.
 *
 * Design: one thread, one ppoll() loop over the listening socket and every
 * client. Each client has a fixed input buffer (a request's head may not be
 * longer than IN_MAX, so a hostile client cannot make us grow) and a fixed
 * output buffer. Requests are cut out of the input buffer only when a whole
 * head has arrived, however many reads that took, and as many as are there
 * (pipelining). SIGINT and SIGTERM are blocked except inside ppoll(), so a
 * stop signal cannot slip in between "check the flag" and "wait".
 */
// solution only stub:
// /*
//  * mini-dockerd PATH — lab 07. The task is in README.md beside this file.
//  *
//  * An HTTP/1.1 server on an AF_UNIX SOCK_STREAM socket that answers a
//  * read-only corner of the Docker Engine API: GET/HEAD /_ping, /version and
//  * /containers/json, with or without a /vN.NN prefix. Chapter 10 explains
//  * every step; the TODOs name the section.
//  *
//  * Provided: the command line, the signal set-up (SIGINT and SIGTERM are
//  * blocked except inside ppoll, SIGPIPE is ignored) and the JSON bodies.
//  * Fill in the TODOs in order, 1 to 8. Each stands where its code goes, and
//  * C wants a function defined before its callers, so they do not come in
//  * that order in this file. After each one, build and try it with curl
//  * (README.md shows how), then run `make grade LAB=07`.
//  */
// solution only end
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const prog = "mini-dockerd";

enum {
    MAX_CLIENTS = 64,
    IN_MAX = 8192,     /* longest request head (request line + headers) */
    OUT_MAX = 16384,   /* answers waiting to be sent to one client */
    ANSWER_MAX = 4096, /* longest single answer we ever build */
};

#define API_VERSION "1.43"

/* ---- The answers (the contract pins the containers) ---------------------- */

static const char version_json[] =
    "{\"Platform\":{\"Name\":\"mini-dockerd\"},"
    "\"Version\":\"24.0.0-mini\",\"ApiVersion\":\"" API_VERSION "\","
    "\"MinAPIVersion\":\"1.12\",\"GitCommit\":\"0000000\",\"GoVersion\":\"none\","
    "\"Os\":\"linux\",\"Arch\":\"amd64\",\"KernelVersion\":\"unknown\","
    "\"BuildTime\":\"2023-11-14T22:13:20.000000000+00:00\"}";

static const char containers_json[] =
    "[{\"Id\":\"4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2\","
    "\"Names\":[\"/web\"],\"Image\":\"nginx:1.25\","
    "\"Command\":\"/docker-entrypoint.sh nginx -g 'daemon off;'\","
    "\"Created\":1700000000,\"Ports\":[{\"PrivatePort\":80,\"Type\":\"tcp\"}],"
    "\"Labels\":{},\"State\":\"running\",\"Status\":\"Up 2 hours\"},"
    "{\"Id\":\"7bdc25d1694ef984782a16f6f1710c1c6bc83ba7a131b515baf532bea021d011\","
    "\"Names\":[\"/db\"],\"Image\":\"postgres:16\","
    "\"Command\":\"docker-entrypoint.sh postgres\","
    "\"Created\":1699990000,\"Ports\":[{\"PrivatePort\":5432,\"Type\":\"tcp\"}],"
    "\"Labels\":{},\"State\":\"running\",\"Status\":\"Up 3 hours\"}]";

static const char ping_body[] = "OK";

/* ---- Signals ----------------------------------------------------------- */

static volatile sig_atomic_t stop_requested;

static void request_stop(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* The mask ppoll() waits with: ours, with SIGINT and SIGTERM unblocked. */
static sigset_t wait_mask;

/*
 * Block SIGINT and SIGTERM (they are delivered only inside ppoll) and
 * ignore SIGPIPE: a client that hangs up before its answer makes send()
 * fail with EPIPE instead of killing the server.
 */
static int setup_signals(void)
{
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask) == -1)
        return -1;
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGTERM);

    struct sigaction sa = { .sa_handler = request_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        return -1;
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGPIPE, &ignore, NULL);
}

/* ---- Clients ----------------------------------------------------------- */

struct client {
    int fd;                /* -1: free slot */
    char in[IN_MAX];
    size_t in_len;
    char out[OUT_MAX];
    size_t out_len;
    bool peer_done;        /* the client sent EOF: answer what we have */
    bool closing;          /* close once out[] is sent; read nothing more */
};

static struct client clients[MAX_CLIENTS];

// solution only begin: the model's helper
static void drop_client(struct client *c)
{
    close(c->fd);
    c->fd = -1;
}
// solution only end

/* ---- Parsing one request ------------------------------------------------- */

/*
 * TODO 3 begin — the request [10-http-over-unix#an-http1.1-message].
 * The head is "METHOD SP TARGET SP HTTP/1.x CRLF", then "Name: value CRLF"
 * lines. Fill method and path (without the query string: cut at '?'), and
 * *keep_alive: HTTP/1.1 keeps the connection unless a Connection header says
 * close; HTTP/1.0 closes unless it says keep-alive. Return -1 for anything
 * malformed (a missing part, another version, a header line without a
 * colon): the caller answers 400 and closes.
 */
struct request {
    char method[16];
    char path[256];       /* without the query string and version prefix */
    bool http10;
    bool keep_alive;
    bool bad;              /* malformed: answer 400 and close */
};

/* A token (method) is made of visible characters that are not separators. */
static bool is_token(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 127 || strchr("()<>@,;:\\\"/[]?={}", s[i]))
            return false;
    return true;
}

/* Does the comma-separated header value contain the token `word`? */
static bool has_token(const char *value, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (trimmed == n && strncasecmp(p, word, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/*
 * Drop a /vN.NN prefix (any digits, a dot, any digits) from the path:
 * "/v1.41/version" becomes "/version".
 */
static const char *strip_version(const char *path)
{
    if (path[0] != '/' || path[1] != 'v')
        return path;
    const char *p = path + 2;
    size_t major = strspn(p, "0123456789");
    if (major == 0 || p[major] != '.')
        return path;
    p += major + 1;
    size_t minor = strspn(p, "0123456789");
    if (minor == 0 || p[minor] != '/')
        return path;
    return p + minor;
}

/*
 * Parse the request line. `line` is NUL-terminated, without its CRLF.
 * "METHOD SP TARGET SP HTTP/1.x"
 */
static void parse_request_line(char *line, struct request *req)
{
    char *sp1 = strchr(line, ' ');
    char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strchr(sp2 + 1, ' ')) {
        req->bad = true;
        return;
    }
    size_t method_len = (size_t)(sp1 - line);
    size_t target_len = (size_t)(sp2 - sp1 - 1);
    const char *version = sp2 + 1;
    if (!is_token(line, method_len) || method_len >= sizeof req->method ||
        target_len == 0 || sp1[1] != '/') {
        req->bad = true;
        return;
    }
    if (strcmp(version, "HTTP/1.1") == 0) {
        req->http10 = false;
    } else if (strcmp(version, "HTTP/1.0") == 0) {
        req->http10 = true;
    } else {
        req->bad = true;
        return;
    }
    memcpy(req->method, line, method_len);
    req->method[method_len] = '\0';

    *sp2 = '\0';
    char *target = sp1 + 1;
    target[strcspn(target, "?#")] = '\0'; /* the query string is ignored */
    const char *path = strip_version(target);
    /* A longer path is no path we serve: keep a prefix, it gets 404. */
    snprintf(req->path, sizeof req->path, "%s", path);
}

/*
 * Parse a whole request head: `head` holds `len` bytes ending in the blank
 * line (CRLF CRLF), made NUL-terminated by the caller. HTTP/1.1 keeps the
 * connection open unless told "close"; HTTP/1.0 closes unless "keep-alive".
 */
static void parse_request(char *head, struct request *req)
{
    memset(req, 0, sizeof *req);
    char *line = head;
    char *end = strstr(line, "\r\n");
    *end = '\0';
    parse_request_line(line, req);
    if (req->bad)
        return;

    bool saw_host = false, say_close = false, say_keep = false;
    for (line = end + 2; *line != '\r'; line = end + 2) {
        end = strstr(line, "\r\n");
        *end = '\0';
        char *colon = strchr(line, ':');
        if (!colon || !is_token(line, (size_t)(colon - line))) {
            req->bad = true;
            return;
        }
        *colon = '\0';
        char *value = colon + 1 + strspn(colon + 1, " \t");
        if (strcasecmp(line, "Host") == 0)
            saw_host = true;
        else if (strcasecmp(line, "Connection") == 0) {
            say_close |= has_token(value, "close");
            say_keep |= has_token(value, "keep-alive");
        } else if (strcasecmp(line, "Content-Length") == 0) {
            /* We serve no request with a body; a body would be read as the
             * next request, so refuse one rather than misread it. */
            if (strspn(value, "0") != strlen(value) || *value == '\0')
                req->bad = true;
        } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
            req->bad = true;
        }
    }
    if (!req->http10 && !saw_host)
        req->bad = true; /* RFC 9112: an HTTP/1.1 request must carry Host */
    req->keep_alive = req->http10 ? (say_keep && !say_close) : !say_close;
}
// TODO 3 stub:
// static int parse_request(char *head, char *method, size_t method_size, char *path,
//                          size_t path_size, bool *http10, bool *keep_alive)
// {
//     (void)head;
//     (void)method;
//     (void)method_size;
//     (void)path;
//     (void)path_size;
//     *http10 = false;
//     *keep_alive = false;
//     return -1;
// }
// TODO 3 end

/* ---- Building answers ---------------------------------------------------- */

/*
 * TODO 4 begin — the answer [10-http-over-unix#content-length-and-head].
 * Append to c->out: the status line, Content-Type, Content-Length (the
 * exact number of body bytes), any extra header lines, an empty line, then
 * the body — but no body at all for HEAD. Never write past OUT_MAX (check
 * snprintf's result). Add "Connection: close" and set c->closing when the
 * connection must end [10-http-over-unix#keep-alive-and-connection-close].
 */
/*
 * Append one whole answer to the client's output buffer. The caller made
 * sure ANSWER_MAX bytes are free. Content-Length is always the body's
 * length; a HEAD answer carries the same headers and no body.
 */
static void add_answer(struct client *c, const struct request *req, int status,
                       const char *reason, const char *type, const char *body,
                       const char *extra_headers)
{
    bool head_only = strcmp(req->method, "HEAD") == 0;
    const char *connection = "";
    if (!req->keep_alive)
        connection = "Connection: close\r\n";
    else if (req->http10)
        connection = "Connection: keep-alive\r\n";
    size_t body_len = strlen(body);
    int n = snprintf(c->out + c->out_len, OUT_MAX - c->out_len,
                     "HTTP/1.%d %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Server: mini-dockerd\r\n"
                     "%s%s\r\n%s",
                     req->http10 ? 0 : 1, status, reason, type, body_len,
                     connection, extra_headers, head_only ? "" : body);
    if (n < 0 || (size_t)n >= OUT_MAX - c->out_len) {
        /* Cannot happen with ANSWER_MAX free; never send half an answer. */
        fprintf(stderr, "%s: answer too long, closing\n", prog);
        c->closing = true;
        return;
    }
    c->out_len += (size_t)n;
    if (!req->keep_alive)
        c->closing = true;
}

static void add_error(struct client *c, const struct request *req, int status,
                      const char *reason, const char *message, const char *extra)
{
    char body[256];
    snprintf(body, sizeof body, "{\"message\":\"%s\"}", message);
    add_answer(c, req, status, reason, "application/json", body, extra);
}
// TODO 4 stub:
// static void add_answer(struct client *c, bool head_only, bool keep_alive, int status,
//                        const char *reason, const char *type, const char *body,
//                        const char *extra_headers)
// {
//     (void)c;
//     (void)head_only;
//     (void)keep_alive;
//     (void)status;
//     (void)reason;
//     (void)type;
//     (void)body;
//     (void)extra_headers;
// }
// TODO 4 end

/*
 * TODO 5 begin — routing [10-http-over-unix#api-versions 10-http-over-unix#status-codes-and-errors].
 * Drop a /vN.NN prefix first (/v1.41/version is /version). Then:
 *   /_ping            GET or HEAD: 200, ping_body, text/plain, and the
 *                     header "Api-Version: " API_VERSION
 *   /version          GET or HEAD: 200, version_json
 *   /containers/json  GET or HEAD: 200, containers_json
 *   one of those with another method: 405, {"message":"..."}
 *   anything else: 404 with a JSON body {"message":"..."}
 */
/* Route a well-formed request to its answer. */
static void answer(struct client *c, const struct request *req)
{
    static const struct {
        const char *path, *type, *body, *extra;
    } routes[] = {
        { "/_ping", "text/plain; charset=utf-8", ping_body,
          "Api-Version: " API_VERSION "\r\nOstype: linux\r\n"
          "Docker-Experimental: false\r\nCache-Control: no-cache, no-store, must-revalidate\r\n"
          "Pragma: no-cache\r\n" },
        { "/version", "application/json", version_json, "" },
        { "/containers/json", "application/json", containers_json, "" },
    };
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(req->path, routes[i].path) != 0)
            continue;
        if (get)
            add_answer(c, req, 200, "OK", routes[i].type, routes[i].body, routes[i].extra);
        else
            add_error(c, req, 405, "Method Not Allowed", "method not allowed",
                      "Allow: GET, HEAD\r\n");
        return;
    }
    add_error(c, req, 404, "Not Found", "page not found", "");
}
// TODO 5 stub:
// static void route(struct client *c, const char *method, const char *path, bool keep_alive)
// {
//     (void)c;
//     (void)method;
//     (void)path;
//     (void)keep_alive;
//     (void)add_answer;
//     (void)version_json;
//     (void)containers_json;
//     (void)ping_body;
// }
// TODO 5 end

/*
 * TODO 2 begin — one whole request head [10-http-over-unix#parsing-a-request-that-arrives-in-pieces].
 * c->in holds c->in_len bytes read so far: maybe half a request, maybe
 * three. Look for the end of the head, "\r\n\r\n" (memmem: the buffer is
 * not a C string). Found: copy the head out (NUL-terminated), remove it from
 * c->in, return its length. Not found: return 0 — unless c->in is full
 * (IN_MAX bytes and still no end): then the head is too long, return -1
 * (the caller answers 431 and closes; never grow the buffer for a client).
 */
// TODO 2 stub:
// static long take_head(struct client *c, char *head, size_t head_size)
// {
//     (void)c;
//     (void)head;
//     (void)head_size;
//     return 0;
// }
// TODO 2 end

/*
 * TODO 6 begin — answer everything that has arrived, pipelining [10-http-over-unix#parsing-a-request-that-arrives-in-pieces].
 * While take_head() gives a head (and c->out has room for an answer):
 * parse it (400 and close if malformed), route it. take_head() == -1: 431
 * and close.
 */
/*
 * Answer every complete request in the input buffer, as long as there is
 * room for the answer (otherwise wait until the output drains).
 */
static void handle_requests(struct client *c)
{
    while (!c->closing && OUT_MAX - c->out_len >= ANSWER_MAX) {
        char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!end) {
            if (c->in_len == IN_MAX) {
                /* The head does not fit: refuse it rather than grow. */
                struct request req = { .method = "GET" };
                add_error(c, &req, 431, "Request Header Fields Too Large",
                          "request header too large", "");
                c->closing = true;
            } else if (c->peer_done) {
                c->closing = true; /* EOF in the middle of a request */
            }
            return;
        }
        size_t head_len = (size_t)(end - c->in) + 4;
        char head[IN_MAX + 1];
        memcpy(head, c->in, head_len);
        head[head_len] = '\0';
        memmove(c->in, c->in + head_len, c->in_len - head_len);
        c->in_len -= head_len;

        struct request req;
        if (memchr(head, '\0', head_len)) {
            req = (struct request){ .bad = true };
        } else {
            parse_request(head, &req);
        }
        if (req.bad) {
            req.keep_alive = false;
            add_error(c, &req, 400, "Bad Request", "malformed request", "");
            c->closing = true;
        } else {
            answer(c, &req);
        }
    }
    if (c->peer_done && !c->closing && c->out_len == 0 && c->in_len == 0)
        c->closing = true;
}
// TODO 6 stub:
// static void handle_requests(struct client *c)
// {
//     (void)c;
//     (void)take_head;
//     (void)parse_request;
//     (void)route;
// }
// TODO 6 end

/* ---- I/O ------------------------------------------------------------------ */

/*
 * TODO 7 begin — the event loop [09-many-clients#the-event-loop-with-poll 10-http-over-unix#clients-curl-nc-and-docker].
 * ppoll(..., &wait_mask) on the listening socket and every client: accept
 * new clients into free slots; read what a ready client sent into c->in
 * (recv 0 is its EOF); handle_requests(); send c->out with MSG_NOSIGNAL,
 * keeping what did not fit for POLLOUT; close a client when it has gone,
 * or when c->closing and c->out is empty. Return 0 once stop_requested.
 */
/* Read what is there. Returns false if the connection is dead. */
static bool read_more(struct client *c)
{
    for (;;) {
        if (c->in_len == IN_MAX)
            return true; /* handle_requests() decides */
        ssize_t got = recv(c->fd, c->in + c->in_len, IN_MAX - c->in_len, 0);
        if (got > 0) {
            c->in_len += (size_t)got;
            return true;
        }
        if (got == 0) {
            c->peer_done = true;
            return true;
        }
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK;
    }
}

/* Send as much of the output as the socket takes. False: connection dead. */
static bool write_some(struct client *c)
{
    while (c->out_len > 0) {
        ssize_t sent = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
        if (sent > 0) {
            memmove(c->out, c->out + sent, c->out_len - (size_t)sent);
            c->out_len -= (size_t)sent;
        } else if (sent == -1 && errno == EINTR) {
            continue;
        } else if (sent == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        } else {
            return false; /* EPIPE, ECONNRESET: the client is gone */
        }
    }
    return true;
}

/* One round of work for a client that poll() says is ready. */
static void serve_client(struct client *c, short revents)
{
    bool alive = true;
    if (revents & (POLLIN | POLLHUP | POLLERR))
        alive = read_more(c);
    while (alive) {
        handle_requests(c);
        size_t before = c->out_len;
        alive = write_some(c);
        /* Output drained and room again: there may be queued requests. */
        if (c->out_len == before || c->closing || c->in_len == 0)
            break;
    }
    if (!alive || (c->closing && c->out_len == 0))
        drop_client(c);
}

static void accept_clients(int listen_fd)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd == -1) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED &&
                errno != EINTR)
                fprintf(stderr, "%s: accept: %s\n", prog, strerror(errno));
            if (errno == ECONNABORTED || errno == EINTR)
                continue;
            return;
        }
        struct client *slot = NULL;
        for (size_t i = 0; i < MAX_CLIENTS && !slot; i++)
            if (clients[i].fd == -1)
                slot = &clients[i];
        if (!slot) {
            fprintf(stderr, "%s: too many clients, refusing one\n", prog);
            close(fd);
            continue;
        }
        slot->fd = fd;
        slot->in_len = slot->out_len = 0;
        slot->peer_done = slot->closing = false;
    }
}

/* The event loop: returns 0 after a stop signal, -1 on a fatal error. */
static int serve(int listen_fd)
{
    struct pollfd pfds[MAX_CLIENTS + 1];
    struct client *owner[MAX_CLIENTS + 1];
    while (!stop_requested) {
        nfds_t n = 0;
        pfds[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
        for (size_t i = 0; i < MAX_CLIENTS; i++) {
            struct client *c = &clients[i];
            if (c->fd == -1)
                continue;
            short events = 0;
            /* Read only when there is room to answer: back-pressure. */
            if (!c->closing && !c->peer_done && c->in_len < IN_MAX &&
                OUT_MAX - c->out_len >= ANSWER_MAX)
                events |= POLLIN;
            if (c->out_len > 0)
                events |= POLLOUT;
            owner[n] = c;
            pfds[n++] = (struct pollfd){ .fd = c->fd, .events = events };
        }
        int ready = ppoll(pfds, n, NULL, &wait_mask);
        if (ready == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "%s: ppoll: %s\n", prog, strerror(errno));
            return -1;
        }
        for (nfds_t i = 1; i < n; i++)
            if (pfds[i].revents)
                serve_client(owner[i], pfds[i].revents);
        if (pfds[0].revents & POLLIN)
            accept_clients(listen_fd);
    }
    return 0;
}
// TODO 7 stub:
// /* The event loop: returns 0 after a stop signal, -1 on a fatal error. */
// static int serve(int listen_fd)
// {
//     (void)listen_fd;
//     (void)handle_requests;
//     (void)clients;
//     return 0;
// }
// TODO 7 end

/* ---- The socket file ------------------------------------------------------ */

/*
 * TODO 1 begin — the socket file, stale ones as in lab 01 [10-http-over-unix#the-socket-file-is-the-access-control].
 * If PATH exists and lstat says it is a socket, unlink it; anything else:
 * print why and return -1 (main exits 1). Then socket(AF_UNIX, SOCK_STREAM),
 * bind, chmod(path, 0660) — bind made the file 0777 & ~umask, and its mode
 * is who may connect — listen, and make the socket non-blocking. Returns the
 * listening descriptor or -1 after "mini-dockerd: CALL PATH: strerror".
 */
/*
 * A socket file left by a server that was killed would make bind() fail
 * with EADDRINUSE: remove it. Anything else at PATH is not ours: refuse.
 */
static int remove_stale_socket(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    return unlink(path);
}

/*
 * socket, bind, chmod 0660, listen. The mode of the socket file decides who
 * may connect (it is the Docker daemon's access control); bind() creates it
 * with 0777 & ~umask, so set it explicitly before anyone may connect: a
 * connect() before listen() is refused anyway.
 */
static int listen_on(const struct sockaddr_un *addr)
{
    const char *path = addr->sun_path;
    if (remove_stale_socket(path) == -1) {
        fprintf(stderr, "%s: %s: %s; not removing it\n", prog, path,
                errno == EEXIST ? "exists and is not a socket" : strerror(errno));
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) == -1) {
        fprintf(stderr, "%s: bind %s: %s\n", prog, path, strerror(errno));
        close(fd);
        return -1;
    }
    if (chmod(path, 0660) == -1 || listen(fd, SOMAXCONN) == -1) {
        fprintf(stderr, "%s: chmod/listen %s: %s\n", prog, path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}
// TODO 1 stub:
// static int listen_on(const struct sockaddr_un *addr)
// {
//     (void)addr;
//     fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
//     return -1;
// }
// TODO 1 end

static void usage(void)
{
    fprintf(stderr, "usage: %s PATH   (PATH shorter than %zu bytes)\n", prog,
            sizeof ((struct sockaddr_un *)0)->sun_path);
    exit(2);
}

int main(int argc, char *argv[])
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (argc != 2 || argv[1][0] == '\0' || strlen(argv[1]) >= sizeof addr.sun_path)
        usage();
    memcpy(addr.sun_path, argv[1], strlen(argv[1]) + 1);

    if (setup_signals() == -1) {
        fprintf(stderr, "%s: signals: %s\n", prog, strerror(errno));
        return 1;
    }
    for (size_t i = 0; i < MAX_CLIENTS; i++)
        clients[i].fd = -1;

    int listen_fd = listen_on(&addr);
    if (listen_fd == -1)
        return 1;
    fprintf(stderr, "%s: listening on %s\n", prog, addr.sun_path);

    int status = serve(listen_fd) == 0 ? 0 : 1;

    /* TODO 8 begin — clean exit [05-lifecycle#clean-shutdown-on-signals]: close
     * every client, the listening socket, and unlink the socket file. */
    for (size_t i = 0; i < MAX_CLIENTS; i++)
        if (clients[i].fd != -1)
            drop_client(&clients[i]);
    close(listen_fd);
    unlink(addr.sun_path);
    // TODO 8 stub:
    // close(listen_fd);
    // TODO 8 end
    fprintf(stderr, "%s: stopped\n", prog);
    return status;
}
