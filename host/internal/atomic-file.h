/* Internal: output files that appear whole or not at all.
 *
 * A regular (or not yet existing) target is written to a temporary file in
 * the same directory and renamed over the target on commit; an abort, a
 * failed commit or a fatal signal (through gpucci_atomic_file_remove_all)
 * removes the temporary file, so the target is never left partial. An
 * existing FIFO, device or socket is written in place: renaming a file over
 * it would replace the node itself, and atomicity means nothing there. */
#ifndef GPUCC_ATOMIC_FILE_H
#define GPUCC_ATOMIC_FILE_H

#include <stdio.h>

#include "gpucc.h"

typedef struct {
    FILE *stream;     /* write the contents here between open and commit */
    const char *path; /* the target (the caller's string) */
    int slot;         /* the temporary file's registry slot; -1 when in place */
} gpucci_atomic_file;

/* Opens path for writing, before any work is done, so that an output that
 * cannot be created is found at once: a directory, a missing or unwritable
 * folder. On failure returns GPUCC_E_IO with "cannot create PATH: WHY" and
 * leaves nothing behind; *file is then closed (abort is a no-op on it). */
gpucc_status gpucci_atomic_file_open(gpucci_atomic_file *file, const char *path);

/* Flushes and closes the stream and, for a temporary file, syncs it and
 * renames it over the target. On failure returns GPUCC_E_IO with "cannot
 * write PATH: WHY", removes the temporary file and leaves the target as it
 * was. The file is closed on return either way. */
gpucc_status gpucci_atomic_file_commit(gpucci_atomic_file *file);

/* Closes the stream and removes the temporary file; the target is left as
 * it was. Does nothing on a closed file (after commit, a failed open, or a
 * zero-initialised struct). */
void gpucci_atomic_file_abort(gpucci_atomic_file *file);

/* Removes every temporary file of this process that is open and not yet
 * committed. Async-signal-safe: for a handler of a fatal signal, which
 * then re-raises it. */
void gpucci_atomic_file_remove_all(void);

#endif
