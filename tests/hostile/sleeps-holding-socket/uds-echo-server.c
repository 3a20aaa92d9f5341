/* Hostile: listens on PATH, never accepts, ignores SIGTERM and SIGINT, sleeps. */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char *argv[])
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    if (argc == 2 && strlen(argv[1]) < 108) {
        struct sockaddr_un a = { .sun_family = AF_UNIX };
        strcpy(a.sun_path, argv[1]);
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0)
            listen(fd, 1);
    }
    for (;;)
        pause();
}
