/*
 * mini-dockerd PATH — lab 07. The task is in README.md beside this file.
 *
 * An HTTP/1.1 server on an AF_UNIX SOCK_STREAM socket that answers a
 * read-only corner of the Docker Engine API: GET/HEAD /_ping, /version and
 * /containers/json, with or without a /vN.NN prefix. Chapter 10 explains
 * every step; the TODOs name the section.
 *
 * Provided: the command line, the signal set-up (SIGINT and SIGTERM are
 * blocked except inside ppoll, SIGPIPE is ignored) and the JSON bodies.
 * Fill in the TODOs in order, 1 to 8. Each stands where its code goes, and
 * C wants a function defined before its callers, so they do not come in
 * that order in this file. After each one, build and try it with curl
 * (README.md shows how), then run `make grade LAB=07`.
 */
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

/* ---- Parsing one request ------------------------------------------------- */

/*
 * TODO 3 — the request (Chapter 10, "An HTTP/1.1 message").
 * The head is "METHOD SP TARGET SP HTTP/1.x CRLF", then "Name: value CRLF"
 * lines. Fill method and path (without the query string: cut at '?'), and
 * *keep_alive: HTTP/1.1 keeps the connection unless a Connection header says
 * close; HTTP/1.0 closes unless it says keep-alive. Return -1 for anything
 * malformed (a missing part, another version, a header line without a
 * colon): the caller answers 400 and closes.
 */
static int parse_request(char *head, char *method, size_t method_size, char *path,
                         size_t path_size, bool *http10, bool *keep_alive)
{
    (void)head;
    (void)method;
    (void)method_size;
    (void)path;
    (void)path_size;
    *http10 = false;
    *keep_alive = false;
    return -1;
}

/* ---- Building answers ---------------------------------------------------- */

/*
 * TODO 4 — the answer (Chapter 10, "Content-Length and HEAD").
 * Append to c->out: the status line, Content-Type, Content-Length (the
 * exact number of body bytes), any extra header lines, an empty line, then
 * the body — but no body at all for HEAD. Never write past OUT_MAX (check
 * snprintf's result). Add "Connection: close" and set c->closing when the
 * connection must end (Chapter 10, "Keep-alive and Connection: close").
 */
static void add_answer(struct client *c, bool head_only, bool keep_alive, int status,
                       const char *reason, const char *type, const char *body,
                       const char *extra_headers)
{
    (void)c;
    (void)head_only;
    (void)keep_alive;
    (void)status;
    (void)reason;
    (void)type;
    (void)body;
    (void)extra_headers;
}

/*
 * TODO 5 — routing (Chapter 10, "API versions" and "Status codes and errors").
 * Drop a /vN.NN prefix first (/v1.41/version is /version). Then:
 *   /_ping            GET or HEAD: 200, ping_body, text/plain, and the
 *                     header "Api-Version: " API_VERSION
 *   /version          GET or HEAD: 200, version_json
 *   /containers/json  GET or HEAD: 200, containers_json
 *   one of those with another method: 405, {"message":"..."}
 *   anything else: 404 with a JSON body {"message":"..."}
 */
static void route(struct client *c, const char *method, const char *path, bool keep_alive)
{
    (void)c;
    (void)method;
    (void)path;
    (void)keep_alive;
    (void)add_answer;
    (void)version_json;
    (void)containers_json;
    (void)ping_body;
}

/*
 * TODO 2 — one whole request head (Chapter 10,
 * "Parsing a request that arrives in pieces").
 * c->in holds c->in_len bytes read so far: maybe half a request, maybe
 * three. Look for the end of the head, "\r\n\r\n" (memmem: the buffer is
 * not a C string). Found: copy the head out (NUL-terminated), remove it from
 * c->in, return its length. Not found: return 0 — unless c->in is full
 * (IN_MAX bytes and still no end): then the head is too long, return -1
 * (the caller answers 431 and closes; never grow the buffer for a client).
 */
static long take_head(struct client *c, char *head, size_t head_size)
{
    (void)c;
    (void)head;
    (void)head_size;
    return 0;
}

/*
 * TODO 6 — answer everything that has arrived, pipelining (Chapter 10,
 * "Parsing a request that arrives in pieces").
 * While take_head() gives a head (and c->out has room for an answer):
 * parse it (400 and close if malformed), route it. take_head() == -1: 431
 * and close.
 */
static void handle_requests(struct client *c)
{
    (void)c;
    (void)take_head;
    (void)parse_request;
    (void)route;
}

/* ---- I/O ------------------------------------------------------------------ */

/*
 * TODO 7 — the event loop (Chapter 9, "The event loop with poll"; Chapter 10,
 * "Clients: curl, nc and docker").
 * ppoll(..., &wait_mask) on the listening socket and every client: accept
 * new clients into free slots; read what a ready client sent into c->in
 * (recv 0 is its EOF); handle_requests(); send c->out with MSG_NOSIGNAL,
 * keeping what did not fit for POLLOUT; close a client when it has gone,
 * or when c->closing and c->out is empty. Return 0 once stop_requested.
 */
/* The event loop: returns 0 after a stop signal, -1 on a fatal error. */
static int serve(int listen_fd)
{
    (void)listen_fd;
    (void)handle_requests;
    (void)clients;
    return 0;
}

/* ---- The socket file ------------------------------------------------------ */

/*
 * TODO 1 — the socket file, stale ones as in lab 01 (Chapter 10,
 * "The socket file is the access control").
 * If PATH exists and lstat says it is a socket, unlink it; anything else:
 * print why and return -1 (main exits 1). Then socket(AF_UNIX, SOCK_STREAM),
 * bind, chmod(path, 0660) — bind made the file 0777 & ~umask, and its mode
 * is who may connect — listen, and make the socket non-blocking. Returns the
 * listening descriptor or -1 after "mini-dockerd: CALL PATH: strerror".
 */
static int listen_on(const struct sockaddr_un *addr)
{
    (void)addr;
    fprintf(stderr, "%s: TODO 1 not written yet\n", prog);
    return -1;
}

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

    /* TODO 8 — clean exit (Chapter 5, "Clean shutdown on signals"): close
     * every client, the listening socket, and unlink the socket file. */
    close(listen_fd);
    fprintf(stderr, "%s: stopped\n", prog);
    return status;
}
