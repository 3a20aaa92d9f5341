/* Hostile: a file that grows without end. */
#include <stdio.h>
#include <string.h>
int main(void)
{
    static char buf[1 << 20];
    memset(buf, 'd', sizeof buf);
    FILE *f = fopen("grow.bin", "w");
    if (!f)
        return 1;
    for (;;)
        if (fwrite(buf, 1, sizeof buf, f) != sizeof buf)
            return 1;
}
