/* Hostile: kill(-1, SIGKILL): every process it may signal. Only ever run
 * where a PID namespace contains it. */
#include <signal.h>
int main(void)
{
    kill(-1, SIGKILL);
    return 0;
}
