/* Hostile: writes to stdout and stderr as fast as it can, for ever. */
#include <string.h>
#include <unistd.h>
int main(void)
{
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    for (;;) {
        if (write(1, buf, sizeof buf) < 0 || write(2, buf, sizeof buf) < 0)
            ;
    }
}
