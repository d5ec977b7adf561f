/* Internal: kernel sources embedded at build time (cmake/embed-file.cmake). */
#ifndef GPUCC_EMBEDDED_KERNELS_H
#define GPUCC_EMBEDDED_KERNELS_H

#include <stddef.h>

extern const char gpucci_src_gpucc_elementwise_h[];
extern const char gpucci_src_gpucc_ops_h[];
extern const char gpucci_src_reduce_cl[];
extern const char gpucci_src_gpucc_map_h[];
extern const char gpucci_src_map_cl[];
extern const char gpucci_src_dense_cl[];
extern const char gpucci_src_peak_cl[];

#endif
