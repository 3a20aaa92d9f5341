/* Hostile: spins for ever, ignoring its arguments and every signal it can. */
#include <signal.h>
int main(void)
{
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    for (volatile unsigned long i = 0;; i++)
        ;
}
