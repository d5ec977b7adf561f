/* Internal: growing an array of the program one item at a time. */
#ifndef GPUCC_GROW_H
#define GPUCC_GROW_H

#include <stddef.h>

/* Makes room for items[count] in an array of *cap items of size bytes each:
 * returns items as it is while count < *cap, else the array reallocated to
 * twice *cap (first items at first) with *cap updated. NULL when out of
 * memory; items then stays valid and *cap unchanged. */
void *cli_grow(void *items, size_t count, size_t *cap, size_t size, size_t first);

#endif
