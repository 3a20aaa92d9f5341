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
    if (home) {
        snprintf(path, sizeof path, "%s/results.json", home);
        plant(path);
    }
    return 0;
}
