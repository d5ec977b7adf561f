/* Internal: kernel sources embedded at build time (cmake/embed-file.cmake). */
#ifndef GPUCC_EMBEDDED_KERNELS_H
#define GPUCC_EMBEDDED_KERNELS_H

#include <stddef.h>

extern const char gpucci_src_gpucc_elementwise_h[];
extern const char gpucci_src_gpucc_elements_h[]; /* the element types (map.cl's too) */
extern const char gpucci_src_gpucc_map_h[];
extern const char gpucci_src_map_cl[];
extern const char gpucci_src_dense_cl[];
extern const char gpucci_src_peak_cl[];

/* The sources of the program the backend builds when it opens, in order
 * (GPUCC_PROGRAM_SOURCES in host/CMakeLists.txt): the canonical order, the
 * reductions and the kernels of the workloads outside the ops table. */
extern const char *const gpucci_program_sources[];
extern const size_t gpucci_program_source_count;

#endif
