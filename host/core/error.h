/* Internal: recording the detail of a failure for gpucc_last_error(). */
#ifndef GPUCC_ERROR_H
#define GPUCC_ERROR_H

#include "gpucc.h"

/* Records a printf-style one-line detail for this thread and returns status,
 * so that failures read `return gpucci_fail(GPUCC_E_IO, "%s: %s", path, why);`. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
gpucc_status gpucci_fail(gpucc_status status, const char *fmt, ...);

/* Clears the detail (gpucc_last_error() then returns the generic message). */
void gpucci_clear_error(void);

#endif
