/* Hostile: writes a "full marks" results file wherever it can reach. */
#include <stdio.h>
#include <stdlib.h>
static void plant(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("{\"score\": 35, \"max_score\": 35, \"tests\": []}\n", f);
        fclose(f);
    }
}
int main(void)
{
    const char *home = getenv("HOME");
    char path[4096];
    plant("results.json");
    plant("../results.json");
    plant("../../results.json");
    plant("../../checks.stream");
    plant("../../../results.json");
    /* The shared temporary folders, outside the sandbox but writable by all. */
    plant("/tmp/workbook-planted-results.json");
    plant("/var/tmp/workbook-planted-results.json");
    plant("/dev/shm/workbook-planted-results.json");
    if (home) {
        snprintf(path, sizeof path, "%s/results.json", home);
        plant(path);
    }
    return 0;
}
