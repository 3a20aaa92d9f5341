/* Hostile: kills its parent process, then keeps running. */
#include <signal.h>
#include <unistd.h>
int main(void)
{
    kill(getppid(), SIGKILL);
    signal(SIGTERM, SIG_IGN);
    for (;;)
        pause();
}
