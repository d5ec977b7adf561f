/* Known-bad program for the sanitizer steps (scripts/ci/sanitize.sh and
 * scripts/ci/tsan.sh): each mode commits one defect that the sanitizer must
 * report. A step runs it first, so that a sanitizer that is silently off,
 * cannot run here, or whose reports the step would miss fails the step
 * instead of letting it pass with nothing checked.
 *
 *   usage: canary leak|overflow|signed-overflow|race
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile long shared_counter;

/* Increments the shared counter without a lock (the race mode's threads). */
static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10000; i++)
        shared_counter = shared_counter + 1;
    return NULL;
}

/* Two threads write one variable unsynchronised. */
static int race(void)
{
    pthread_t a, b;
    if (pthread_create(&a, NULL, bump, NULL) != 0 || pthread_create(&b, NULL, bump, NULL) != 0)
        return 2;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc == 2 ? argv[1] : "";
    /* Opaque to the optimiser, so that no defect is folded away. */
    volatile size_t size = 16;
    volatile int big = INT_MAX - 2 + argc;
    if (strcmp(mode, "leak") == 0) {
        char *lost = malloc(4096);
        if (lost)
            lost[0] = 1;
        lost = NULL;
        return 0;
    }
    if (strcmp(mode, "overflow") == 0) {
        volatile char *small = malloc(size);
        if (!small)
            return 2;
        small[size] = 1; /* one past the end */
        free((void *)small);
        return 0;
    }
    if (strcmp(mode, "signed-overflow") == 0)
        return big + 1 == 0;
    if (strcmp(mode, "race") == 0)
        return race();
    fprintf(stderr, "usage: canary leak|overflow|signed-overflow|race\n");
    return 64;
}
