/* Internal: kernel sources embedded at build time (cmake/embed-file.cmake). */
#ifndef GPUCC_EMBEDDED_KERNELS_H
#define GPUCC_EMBEDDED_KERNELS_H

#include <stddef.h>

extern const char gpucc_src_gpucc_ops_h[];
extern const char gpucc_src_reduce_cl[];

#endif
