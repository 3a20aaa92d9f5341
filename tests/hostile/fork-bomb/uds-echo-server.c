/* Hostile: a fork bomb, bounded (at most 2^12 processes, each living 30 s)
 * so that a grader without a process limit does not take the machine down. */
#include <unistd.h>
int main(void)
{
    for (int depth = 0; depth < 12; depth++)
        fork();
    sleep(30);
    return 0;
}
