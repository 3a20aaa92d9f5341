/* Hostile: leaves a daemon behind (fork, setsid, fork) and exits at once. */
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            for (;;)
                sleep(1);
        }
        _exit(0);
    }
    return 1;
}
