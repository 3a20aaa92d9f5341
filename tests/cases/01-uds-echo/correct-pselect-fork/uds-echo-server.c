/*
 * uds-echo-server PATH -- a correct lab-01 server written differently from
 * the reference: fork-per-client instead of iterative. The contract asks
 * for one client at a time, but serving clients concurrently is a superset
 * of that and just as correct. The parent only accepts: after fork() it
 * closes its copy of the client descriptor at once, and it reaps children
 * with waitpid() when SIGCHLD says one has ended. Each child closes its copy
 * of the listening socket, echoes its client with read()/write() (SIGPIPE
 * ignored, so a vanished client is EPIPE/ECONNRESET) and _exit()s; children
 * never unlink the socket file. Waiting is done with pselect(): SIGINT,
 * SIGTERM and SIGCHLD stay blocked except inside pselect(), so no signal
 * can slip in between checking a flag and going to sleep. On a stop signal
 * the parent closes the listener, unlinks PATH, passes SIGTERM on to the
 * children still serving, waits until every one of them is gone, and exits
 * 0. At most MAX_CHILDREN clients are served at once; beyond that, new ones
 * wait in the backlog until a child ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROG "uds-echo-server"
#define MAX_CHILDREN 32

static volatile sig_atomic_t stop_flag, child_flag;

static void note_signal(int signo)
{
    if (signo == SIGCHLD)
        child_flag = 1;
    else
        stop_flag = 1;
}

static sigset_t wait_mask;      /* the mask inside pselect: signals let in */

static pid_t children[MAX_CHILDREN];
static size_t nchildren;

static void close_logged(int fd)
{
    if (close(fd) == -1)
        fprintf(stderr, PROG ": close: %s\n", strerror(errno));
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int setup_signals(void)
{
    sigset_t block;
    if (sigemptyset(&block) == -1 || sigaddset(&block, SIGINT) == -1 ||
        sigaddset(&block, SIGTERM) == -1 || sigaddset(&block, SIGCHLD) == -1)
        return -1;
    if (sigprocmask(SIG_BLOCK, &block, &wait_mask) == -1)
        return -1;
    if (sigdelset(&wait_mask, SIGINT) == -1 || sigdelset(&wait_mask, SIGTERM) == -1 ||
        sigdelset(&wait_mask, SIGCHLD) == -1)
        return -1;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note_signal;
    sa.sa_mask = block;
    sa.sa_flags = SA_NOCLDSTOP;
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1 ||
        sigaction(SIGCHLD, &sa, NULL) == -1)
        return -1;
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    if (sigemptyset(&ign.sa_mask) == -1)
        return -1;
    return sigaction(SIGPIPE, &ign, NULL);
}

/* Collect every child that has ended, without waiting. */
static void reap_children(void)
{
    child_flag = 0;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) {
            if (pid == -1 && errno != ECHILD && errno != EINTR)
                fprintf(stderr, PROG ": waitpid: %s\n", strerror(errno));
            return;
        }
        for (size_t i = 0; i < nchildren; i++) {
            if (children[i] == pid) {
                children[i] = children[--nchildren];
                break;
            }
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            fprintf(stderr, PROG ": child %ld ended abnormally (status 0x%x)\n", (long)pid,
                    (unsigned)status);
    }
}

/* Tell the children to stop and wait until every one has gone. */
static void stop_children(void)
{
    for (size_t i = 0; i < nchildren; i++)
        if (kill(children[i], SIGTERM) == -1 && errno != ESRCH)
            fprintf(stderr, PROG ": kill %ld: %s\n", (long)children[i], strerror(errno));
    while (nchildren > 0) {
        int status;
        pid_t pid = waitpid(children[nchildren - 1], &status, 0);
        if (pid == -1 && errno == EINTR)
            continue;
        if (pid == -1)
            fprintf(stderr, PROG ": waitpid %ld: %s\n", (long)children[nchildren - 1],
                    strerror(errno));
        nchildren--;
    }
}

/* Wait with pselect for fd to be readable (or writable). 1 ready, 0 stop, -1 error. */
static int wait_ready(int fd, int for_write)
{
    for (;;) {
        if (stop_flag)
            return 0;
        fd_set set;
        FD_ZERO(&set);
        FD_SET(fd, &set);
        int n = pselect(fd + 1, for_write ? NULL : &set, for_write ? &set : NULL, NULL, NULL,
                        &wait_mask);
        if (n > 0)
            return 1;
        if (n == -1 && errno != EINTR)
            return -1;
    }
}

/* The child: echo one client until its EOF (or a stop signal). */
static int child_echo(int fd)
{
    char buf[16384];
    if (set_nonblock(fd) == -1) {
        fprintf(stderr, PROG ": fcntl: %s\n", strerror(errno));
        return 1;
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0)
            return 0;
        if (n == -1) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                int r = wait_ready(fd, 0);
                if (r == -1) {
                    fprintf(stderr, PROG ": pselect: %s\n", strerror(errno));
                    return 1;
                }
                if (r == 0)
                    return 0;
                continue;
            }
            fprintf(stderr, PROG ": read: %s (client gone)\n", strerror(errno));
            return 0;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(fd, buf + done, (size_t)(n - done));
            if (w >= 0) {
                done += w;
            } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                int r = wait_ready(fd, 1);
                if (r == -1) {
                    fprintf(stderr, PROG ": pselect: %s\n", strerror(errno));
                    return 1;
                }
                if (r == 0)
                    return 0;
            } else {
                fprintf(stderr, PROG ": write: %s (client gone)\n", strerror(errno));
                return 0;
            }
        }
    }
}

/* Fork a child for client fd; the parent keeps no copy of fd. */
static void hand_off(int listen_fd, int fd)
{
    if (fd >= FD_SETSIZE) {
        fprintf(stderr, PROG ": descriptor %d too large for select; dropping client\n", fd);
        close_logged(fd);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close_logged(listen_fd);
        int status = child_echo(fd);
        close_logged(fd);
        _exit(status);          /* no atexit handlers, no unlink: the parent owns PATH */
    }
    if (pid == -1)
        fprintf(stderr, PROG ": fork: %s (dropping client)\n", strerror(errno));
    else
        children[nchildren++] = pid;
    close_logged(fd);
}

static int open_listener(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            fprintf(stderr, PROG ": %s exists and is not a socket; not touching it\n", path);
            return -1;
        }
        if (unlink(path) == -1) {
            fprintf(stderr, PROG ": unlink %s: %s\n", path, strerror(errno));
            return -1;
        }
    } else if (errno != ENOENT) {
        fprintf(stderr, PROG ": lstat %s: %s\n", path, strerror(errno));
        return -1;
    }

    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);   /* length checked by main */

    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd == -1) {
        fprintf(stderr, PROG ": socket: %s\n", strerror(errno));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
        fprintf(stderr, PROG ": bind %s: %s\n", path, strerror(errno));
        close_logged(fd);
        return -1;
    }
    if (listen(fd, 32) == -1 || set_nonblock(fd) == -1 || fd >= FD_SETSIZE) {
        fprintf(stderr, PROG ": listen %s: %s\n", path,
                fd >= FD_SETSIZE ? "descriptor too large for select" : strerror(errno));
        close_logged(fd);
        if (unlink(path) == -1)
            fprintf(stderr, PROG ": unlink %s: %s\n", path, strerror(errno));
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '\0' ||
        strlen(argv[1]) >= sizeof ((struct sockaddr_un *)NULL)->sun_path) {
        fprintf(stderr, "usage: " PROG " PATH  (PATH at most 107 bytes)\n");
        return 2;
    }
    const char *path = argv[1];

    if (setup_signals() == -1) {
        fprintf(stderr, PROG ": signal setup: %s\n", strerror(errno));
        return 1;
    }
    int lfd = open_listener(path);
    if (lfd == -1)
        return 1;

    int status = 0;
    while (!stop_flag) {
        if (child_flag)
            reap_children();
        fd_set rd;
        FD_ZERO(&rd);
        if (nchildren < MAX_CHILDREN)   /* full: wait for a SIGCHLD instead */
            FD_SET(lfd, &rd);
        int n = pselect(lfd + 1, &rd, NULL, NULL, NULL, &wait_mask);
        if (n == -1) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, PROG ": pselect: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (n > 0 && FD_ISSET(lfd, &rd)) {
            int c = accept(lfd, NULL, NULL);
            if (c == -1) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED ||
                    errno == EINTR)
                    continue;
                fprintf(stderr, PROG ": accept: %s\n", strerror(errno));
                status = 1;
                break;
            }
            hand_off(lfd, c);
        }
    }

    close_logged(lfd);
    if (unlink(path) == -1) {
        fprintf(stderr, PROG ": unlink %s: %s\n", path, strerror(errno));
        status = 1;
    }
    stop_children();
    return status;
}
