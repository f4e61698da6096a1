/* The trivial server every tool restarts: records when its first instruction ran, says it is
   ready the way altv-server does, then waits for a signal. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const char *log = getenv("BENCH_STARTS");
    if (log) {
        FILE *file = fopen(log, "a");
        if (file) {
            fprintf(file, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
            fclose(file);
        }
    }
    clock_gettime(CLOCK_REALTIME, &now);
    printf("[00:00:00] Server started %lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    fflush(stdout);
    for (;;) pause();
}
