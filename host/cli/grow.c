/* Growing arrays (see grow.h). */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *cli_grow(void *items, size_t count, size_t *cap, size_t size, size_t first)
{
    if (count < *cap)
        return items;
    size_t want = *cap ? 2 * *cap : first;
    if (want < *cap || want > SIZE_MAX / size)
        return NULL;
    void *grown = realloc(items, want * size);
    if (grown)
        *cap = want;
    return grown;
}
