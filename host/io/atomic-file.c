/* Output files that appear whole or not at all; see atomic-file.h. */
#define _POSIX_C_SOURCE 200809L

#include "atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

/* The registry of temporary files, which a signal handler reads: each slot
 * is FREE, CLAIMED (its name being written) or LIVE (its name complete and
 * possibly created). Names live in static storage, never freed. */
enum { SLOT_COUNT = 16, SLOT_FREE = 0, SLOT_CLAIMED, SLOT_LIVE, TEMP_TRIES = 100 };
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the registry is read by a signal handler: it must be lock-free");
static atomic_int slot_state[SLOT_COUNT];
static char slot_name[SLOT_COUNT][PATH_MAX];
static atomic_uint temp_counter;

static gpucc_status cannot_create(const char *path, int err)
{
    return gpucci_fail(GPUCC_E_IO, "cannot create %s: %s", path, strerror(err));
}

/* Claims a free slot; -1 when all are taken. */
static int claim_slot(void)
{
    for (int i = 0; i < SLOT_COUNT; i++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slot_state[i], &expected, SLOT_CLAIMED))
            return i;
    }
    return -1;
}

/* Creates a new temporary file for path in slot's name, "PATH.tmp-PID-N",
 * mode 0666 less the umask as for any new file. The slot is LIVE while the
 * file may exist, so a signal at any moment finds it; O_EXCL never opens a
 * file that is already there (a name taken can only be a leftover of an
 * earlier process with the same id). Returns the descriptor, or -1 with
 * errno set and the slot CLAIMED. */
static int create_temp(const char *path, int slot)
{
    for (int tries = 0; tries < TEMP_TRIES; tries++) {
        int n = snprintf(slot_name[slot], sizeof slot_name[slot], "%s.tmp-%ld-%u", path, (long)getpid(),
                         atomic_fetch_add(&temp_counter, 1));
        if (n < 0 || (size_t)n >= sizeof slot_name[slot]) {
            errno = ENAMETOOLONG;
            return -1;
        }
        atomic_store(&slot_state[slot], SLOT_LIVE);
        int fd = open(slot_name[slot], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        int err = errno;
        if (fd >= 0)
            return fd;
        atomic_store(&slot_state[slot], SLOT_CLAIMED);
        errno = err;
        if (err != EEXIST)
            return -1;
    }
    return -1;
}

/* Removes the temporary file (if `remove`) and frees its slot. */
static void release_slot(gpucci_atomic_file *file, int remove)
{
    if (file->slot < 0)
        return;
    if (remove)
        unlink(slot_name[file->slot]);
    atomic_store(&slot_state[file->slot], SLOT_FREE);
    file->slot = -1;
}

gpucc_status gpucci_atomic_file_open(gpucci_atomic_file *file, const char *path)
{
    if (!file || !path) {
        if (file)
            *file = (gpucci_atomic_file){.slot = -1};
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_atomic_file_open: file or path is NULL");
    }
    *file = (gpucci_atomic_file){.path = path, .slot = -1};
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return cannot_create(path, EISDIR);
    if (exists && !S_ISREG(st.st_mode)) {
        file->stream = fopen(path, "wb");
        return file->stream ? GPUCC_OK : cannot_create(path, errno);
    }
    if ((file->slot = claim_slot()) < 0)
        return gpucci_fail(GPUCC_E_IO, "cannot create %s: more than %d output files open at once", path,
                          SLOT_COUNT);
    int fd = create_temp(path, file->slot);
    int err = errno;
    if (fd >= 0 && !(file->stream = fdopen(fd, "wb"))) {
        err = errno;
        close(fd);
    }
    if (file->stream)
        return GPUCC_OK;
    release_slot(file, fd >= 0);
    return cannot_create(path, err);
}

gpucc_status gpucci_atomic_file_commit(gpucci_atomic_file *file)
{
    if (!file || !file->stream)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_atomic_file_commit: the file is not open");
    int err = 0;
    if (fflush(file->stream) != 0 || ferror(file->stream))
        err = errno ? errno : EIO;
    if (!err && file->slot >= 0 && fsync(fileno(file->stream)) != 0)
        err = errno;
    if (fclose(file->stream) != 0 && !err)
        err = errno ? errno : EIO;
    file->stream = NULL;
    if (!err && file->slot >= 0 && rename(slot_name[file->slot], file->path) != 0)
        err = errno;
    release_slot(file, err != 0);
    if (err)
        return gpucci_fail(GPUCC_E_IO, "cannot write %s: %s", file->path, strerror(err));
    return GPUCC_OK;
}

void gpucci_atomic_file_abort(gpucci_atomic_file *file)
{
    if (!file || !file->stream)
        return;
    fclose(file->stream); /* nothing to keep: the contents are dropped */
    file->stream = NULL;
    release_slot(file, 1);
}

void gpucci_atomic_file_remove_all(void)
{
    for (int i = 0; i < SLOT_COUNT; i++)
        if (atomic_load(&slot_state[i]) == SLOT_LIVE)
            unlink(slot_name[i]);
}
