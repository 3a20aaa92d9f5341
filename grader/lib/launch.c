/*
 * launch: start one process for the grader: under a time limit in a session
 * of its own, and, for a student's code, in the sandbox. One exec instead of
 * the seven of `setsid timeout -k 1 LIMIT sandbox...` (setsid, timeout, the
 * sandbox script, setpriv, unshare, a PID 1 shell, env), which dominated
 * grading time on a small VM where a fork and an exec cost about 5 ms.
 *
 *   launch [-n] [-t SECONDS [-k SECONDS]] [-s] [--] COMMAND [ARG...]
 *
 * -n          a network namespace of its own with only loopback, up (needs
 *             root): grader/grade runs each lab's checks in one, so that
 *             the ports, abstract socket names and listeners of gradings
 *             that run at once never meet, and nothing leaves the machine
 *             (a DNS lookup fails at once instead of waiting on a server).
 * -t SECONDS  a new session (so a process group of its own, whose id is this
 *             process's pid); at the limit the group gets SIGTERM, and
 *             SIGKILL -k SECONDS (default 1) later. Exit status: COMMAND's,
 *             128+N when it was killed by signal N, 124 when the limit was
 *             reached (as timeout(1)), 137 when SIGKILL was needed.
 * -s          the sandbox, set up from the environment grader/grade exports:
 *
 *   GRADER_DROP_UID  set when the grader is root: COMMAND runs as this uid,
 *                    unused by any account, with no supplementary groups, no
 *                    capabilities (bounding, inheritable and ambient sets
 *                    cleared) and no_new_privs, so RLIMIT_NPROC binds,
 *                    kill(-1) reaches only this submission, and nothing
 *                    outside the check's directory is writable
 *   GRADER_PIDNS     root | userns | none: a PID namespace of its own (as
 *                    root; through a user namespace; not at all, e.g. in a
 *                    container without CAP_SYS_ADMIN), with /proc mounted
 *                    for it. This process's child is PID 1 there and
 *                    COMMAND its child: COMMAND keeps ordinary signal
 *                    semantics (PID 1 ignores signals it has no handler
 *                    for), and whatever COMMAND leaves running, daemons
 *                    that left its group included, dies with PID 1 when
 *                    COMMAND has exited. COMMAND's PID there is this
 *                    process's own (outside), not 2: PIDs stay as unique
 *                    as on an ordinary system, so two runs that share a
 *                    network namespace and name abstract sockets or files
 *                    after getpid() do not collide.
 *   GRADER_MAX_FILE_MIB (64), GRADER_MAX_CPU_SECONDS (60),
 *   GRADER_MAX_MEMORY_MIB (8192), GRADER_MAX_PROCESSES (512, only with a
 *                    dropped uid): RLIMIT_FSIZE, RLIMIT_CPU, RLIMIT_AS,
 *                    RLIMIT_NPROC; no core files; umask 022; TMPDIR set to
 *                    the current directory (the check's own).
 *
 * COMMAND starts with every signal at its default action and none blocked
 * (a background job of a shell would otherwise start with SIGINT and
 * SIGQUIT ignored). launch's own failures exit 125 with a message; a
 * COMMAND that cannot be run exits 127 (not found) or 126.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_LAUNCH = 125, EXIT_CANNOT_RUN = 126, EXIT_NOT_FOUND = 127, EXIT_TIMED_OUT = 124 };
enum pidns { PIDNS_NONE, PIDNS_ROOT, PIDNS_USERNS };

struct options {
  bool network;
  bool timed;
  double limit, kill_after;
  bool sandbox;
  char **command;
};

static _Noreturn void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("launch: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  _exit(EXIT_LAUNCH);
}

static double parse_seconds(const char *text) {
  char *end;
  errno = 0;
  double seconds = strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(seconds > 0) || seconds > 86400)
    die("not a time limit in seconds: %s", text);
  return seconds;
}

static struct options parse_options(int argc, char **argv) {
  struct options options = {.kill_after = 1};
  int option;
  /* '+': options end at the command, whose own options are its own. */
  while ((option = getopt(argc, argv, "+nt:k:s")) != -1) {
    switch (option) {
    case 'n': options.network = true; break;
    case 't': options.timed = true; options.limit = parse_seconds(optarg); break;
    case 'k': options.kill_after = parse_seconds(optarg); break;
    case 's': options.sandbox = true; break;
    default: die("usage: launch [-n] [-t SECONDS [-k SECONDS]] [-s] [--] COMMAND [ARG...]");
    }
  }
  if (optind >= argc)
    die("usage: launch [-n] [-t SECONDS [-k SECONDS]] [-s] [--] COMMAND [ARG...]");
  options.command = argv + optind;
  return options;
}

/* A number from the environment, or FALLBACK when unset or empty. */
static long env_number(const char *name, long fallback) {
  const char *text = getenv(name);
  if (text == NULL || *text == '\0')
    return fallback;
  char *end;
  errno = 0;
  long value = strtol(text, &end, 10);
  if (errno != 0 || *end != '\0' || value < 0)
    die("%s is not a number: %s", name, text);
  return value;
}

static void set_limit(int resource, rlim_t value, const char *what) {
  struct rlimit limit = {.rlim_cur = value, .rlim_max = value};
  if (setrlimit(resource, &limit) != 0)
    die("cannot set the %s limit: %s", what, strerror(errno));
}

/* Soft and hard limits alike (as bash's ulimit does): the code cannot raise
 * them again. */
static void set_limits(bool dropping_uid) {
  const rlim_t mib = 1024 * 1024;
  set_limit(RLIMIT_CORE, 0, "core file");
  set_limit(RLIMIT_FSIZE, (rlim_t)env_number("GRADER_MAX_FILE_MIB", 64) * mib, "file size");
  set_limit(RLIMIT_CPU, (rlim_t)env_number("GRADER_MAX_CPU_SECONDS", 60), "CPU time");
  set_limit(RLIMIT_AS, (rlim_t)env_number("GRADER_MAX_MEMORY_MIB", 8192) * mib, "address space");
  /* RLIMIT_NPROC counts the processes of a uid, and never binds root. */
  if (dropping_uid)
    set_limit(RLIMIT_NPROC, (rlim_t)env_number("GRADER_MAX_PROCESSES", 512), "process count");
}

static void set_tmpdir_here(void) {
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL)
    die("cannot read the current directory: %s", strerror(errno));
  if (setenv("TMPDIR", cwd, 1) != 0)
    die("cannot set TMPDIR: %s", strerror(errno));
}

static enum pidns pidns_from_env(void) {
  const char *mode = getenv("GRADER_PIDNS");
  if (mode == NULL || *mode == '\0' || strcmp(mode, "none") == 0)
    return PIDNS_NONE;
  if (strcmp(mode, "root") == 0)
    return PIDNS_ROOT;
  if (strcmp(mode, "userns") == 0)
    return PIDNS_USERNS;
  die("GRADER_PIDNS must be root, userns or none, not %s", mode);
}

static void write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    die("cannot open %s: %s", path, strerror(errno));
  size_t length = strlen(text);
  ssize_t written = write(fd, text, length);
  if (written < 0 || (size_t)written != length)
    die("cannot write %s: %s", path, written < 0 ? strerror(errno) : "short write");
  if (close(fd) != 0)
    die("cannot close %s: %s", path, strerror(errno));
}

/* A network namespace of this process's own, its loopback interface up
 * (SIOCSIFFLAGS, as `ip link set lo up`): 127.0.0.1 and ::1 work, nothing
 * else does. */
static void own_network(void) {
  if (unshare(CLONE_NEWNET) != 0)
    die("cannot make a network namespace: %s", strerror(errno));
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die("cannot make a socket: %s", strerror(errno));
  struct ifreq request = {0};
  snprintf(request.ifr_name, sizeof request.ifr_name, "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &request) != 0)
    die("cannot read loopback's flags: %s", strerror(errno));
  request.ifr_flags |= IFF_UP;
  if (ioctl(fd, SIOCSIFFLAGS, &request) != 0)
    die("cannot bring loopback up: %s", strerror(errno));
  if (close(fd) != 0)
    die("cannot close a socket: %s", strerror(errno));
}

/* New PID and mount namespaces for this process's children; through a user
 * namespace mapping this uid and gid to themselves when not root (as
 * `unshare --user --map-current-user`). */
static void unshare_pid_namespace(enum pidns pidns) {
  int flags = CLONE_NEWPID | CLONE_NEWNS;
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (pidns == PIDNS_USERNS)
    flags |= CLONE_NEWUSER;
  if (unshare(flags) != 0)
    die("cannot make a PID namespace: %s", strerror(errno));
  if (pidns == PIDNS_USERNS) {
    char map[64];
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    write_file("/proc/self/gid_map", map);
  }
}

/* In the new namespaces: a /proc that shows this PID namespace, mounted where
 * no other mount namespace sees it. */
static void mount_own_proc(void) {
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    die("cannot make the mounts private: %s", strerror(errno));
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
    die("cannot mount /proc: %s", strerror(errno));
}

/* Become UID for good: groups first and the capability bounding set while
 * still root (both need privileges), the uid last; then clear the
 * inheritable set (setuid keeps it) and forbid gaining privileges by exec. */
static void drop_privileges(uid_t uid) {
  if (setgroups(0, NULL) != 0)
    die("cannot clear supplementary groups: %s", strerror(errno));
  if (setresgid(uid, uid, uid) != 0)
    die("cannot set gid %u: %s", (unsigned)uid, strerror(errno));
  for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      die("cannot drop capability %d: %s", cap, strerror(errno));
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    die("cannot clear ambient capabilities: %s", strerror(errno));
  if (setresuid(uid, uid, uid) != 0)
    die("cannot set uid %u: %s", (unsigned)uid, strerror(errno));
  struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {{0}};
  if (syscall(SYS_capset, &header, none) != 0)
    die("cannot clear capabilities: %s", strerror(errno));
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    die("cannot set no_new_privs: %s", strerror(errno));
}

/* SIG_DFL for SIG through the system call itself: glibc's sigaction refuses
 * the two real-time signals it keeps for itself (32 and 33), yet an ignored
 * disposition of theirs is inherited through exec like any other (seen under
 * CI). An all-zero kernel sigaction is SIG_DFL with no flags and an empty
 * mask on every architecture's layout. */
static void default_action_raw(int sig) {
  unsigned long zeroes[4] = {0};
  (void)syscall(SYS_rt_sigaction, sig, zeroes, NULL, (size_t)(_NSIG / 8)); /* KILL, STOP: EINVAL */
}

static _Noreturn void exec_command(char **command) {
  sigset_t none;
  sigemptyset(&none);
  for (int sig = 1; sig < _NSIG; sig++) {
    struct sigaction action = {.sa_handler = SIG_DFL};
    if (sigaction(sig, &action, NULL) != 0)
      default_action_raw(sig);
  }
  sigprocmask(SIG_SETMASK, &none, NULL);
  execvp(command[0], command);
  int error = errno;
  fprintf(stderr, "launch: cannot run %s: %s\n", command[0], strerror(error));
  _exit(error == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN);
}

/* How a shell reports a child's end: its exit status, or 128+N for signal N. */
static int shell_status(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

/* In a new PID namespace the first PIDs are 1, 2, 3... in every sandbox, so
 * concurrent commands would all be PID 2. Make the next PID given here
 * PID (launch's PID outside, unique while launch lives): pid namespaces
 * allocate upwards from ns_last_pid. Needs CAP_SYS_ADMIN (or
 * CAP_CHECKPOINT_RESTORE) over the namespace, which PID 1 has before it
 * drops privileges. Where the write is refused (a container's read-only
 * /proc/sys), the namespace still isolates: the PIDs are just small. */
static void next_pid_is(pid_t pid) {
  char last[32];
  int length = snprintf(last, sizeof last, "%ld", (long)pid - 1);
  int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (write(fd, last, (size_t)length) != length) {
    /* refused: the kernel's own small PIDs stand */
  }
  close(fd);
}

/* PID 1 of the new PID namespace: start COMMAND, reap every orphan that the
 * kernel hands over, and exit with COMMAND's status; the kernel then kills
 * whatever is left in the namespace. */
static _Noreturn void be_init(char **command, pid_t command_pid, uid_t drop_uid, bool dropping) {
  /* If launch dies (SIGKILL to its group), the namespace goes with it. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
    die("cannot set the parent-death signal: %s", strerror(errno));
  mount_own_proc();
  if (command_pid > 2)
    next_pid_is(command_pid); /* best effort, see there */
  if (dropping)
    drop_privileges(drop_uid);
  pid_t program = fork();
  if (program < 0)
    die("cannot fork: %s", strerror(errno));
  if (program == 0)
    exec_command(command);
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid == program)
      _exit(shell_status(status));
    if (pid < 0 && errno != EINTR)
      die("waiting for %s: %s", command[0], strerror(errno));
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for CHILD under the time limit; return the exit status launch gives.
 * SIGTERM, SIGINT, SIGHUP and SIGQUIT sent to launch are passed on to CHILD
 * until the limit is reached; after it, they are launch's own signals to its
 * group coming back (si_pid cannot tell: it reads 0 once this process has
 * made a PID namespace for its children). */
static int supervise(pid_t child, const struct options *options, const sigset_t *watched) {
  bool timed_out = false;
  double deadline = options->timed ? now() + options->limit : 0;
  for (;;) {
    int status;
    pid_t pid = waitpid(child, &status, WNOHANG);
    if (pid == child)
      return timed_out ? EXIT_TIMED_OUT : shell_status(status);
    if (pid < 0 && errno != EINTR)
      die("waiting for the command: %s", strerror(errno));

    int sig;
    if (options->timed) {
      double left = deadline - now();
      if (left < 0)
        left = 0;
      struct timespec wait = {.tv_sec = (time_t)left, .tv_nsec = (long)((left - (time_t)left) * 1e9)};
      sig = sigtimedwait(watched, NULL, &wait);
    } else {
      sig = sigwaitinfo(watched, NULL);
    }
    if (sig < 0 && errno == EAGAIN) {
      if (!timed_out) { /* the limit: ask the group to stop */
        timed_out = true;
        kill(child, SIGTERM);
        kill(0, SIGTERM);
        deadline = now() + options->kill_after;
      } else { /* still there: kill the group, launch included (137) */
        kill(child, SIGKILL);
        kill(0, SIGKILL);
      }
    } else if (sig > 0 && sig != SIGCHLD && !timed_out) {
      kill(child, sig); /* PID 1 ignores it: what it would do to COMMAND */
    }
  }
}

int main(int argc, char **argv) {
  struct options options = parse_options(argc, argv);
  long drop = options.sandbox ? env_number("GRADER_DROP_UID", -1) : -1;
  bool dropping = drop >= 0;
  enum pidns pidns = options.sandbox ? pidns_from_env() : PIDNS_NONE;

  if (options.network)
    own_network();
  if (options.timed && setsid() < 0)
    die("cannot start a new session: %s", strerror(errno));
  if (options.sandbox) {
    set_limits(dropping);
    umask(022);
    set_tmpdir_here();
  }
  if (!options.timed && pidns == PIDNS_NONE) { /* nothing to wait for */
    if (dropping)
      drop_privileges((uid_t)drop);
    exec_command(options.command);
  }
  if (pidns != PIDNS_NONE)
    unshare_pid_namespace(pidns);

  /* Signals are taken synchronously (sigtimedwait), so block them first. */
  sigset_t watched;
  sigemptyset(&watched);
  int signals[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
    sigaddset(&watched, signals[i]);
  if (sigprocmask(SIG_BLOCK, &watched, NULL) != 0)
    die("cannot block signals: %s", strerror(errno));

  pid_t launch_pid = getpid();
  pid_t child = fork();
  if (child < 0)
    die("cannot fork: %s", strerror(errno));
  if (child == 0) {
    if (pidns != PIDNS_NONE)
      be_init(options.command, launch_pid, (uid_t)drop, dropping);
    if (dropping)
      drop_privileges((uid_t)drop);
    exec_command(options.command);
  }
  return supervise(child, &options, &watched);
}
