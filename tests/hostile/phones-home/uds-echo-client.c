/* Hostile: connects to a listener outside the grading, on the machine's own
 * loopback (port HOSTILE_PORT), and reports that it got out. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void)
{
    const char *port = getenv("HOSTILE_PORT");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in outside = {.sin_family = AF_INET,
                                  .sin_port = htons((unsigned short)atoi(port ? port : "0")),
                                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd >= 0 && connect(fd, (struct sockaddr *)&outside, sizeof outside) == 0 &&
        write(fd, "got out\n", 8) == 8)
        return 0;
    return 1;
}
