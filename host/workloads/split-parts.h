/* Internal to the workloads: a run whose output is an array, split across
 * several backends of one process (devices) that each compute their own
 * part of it at the same time (--split for map and dense). */
#ifndef GPUCC_SPLIT_PARTS_H
#define GPUCC_SPLIT_PARTS_H

#include "workload.h"

/* Shares `units` units of `unit` elements each (the last may be shorter:
 * n elements in all) among count backends in proportion to weights (not
 * negative, any scale; all 0 puts everything on the last): contiguous
 * ranges of whole units, in backend order, written into split in elements. */
void gpucci_split_units(size_t units, size_t unit, size_t n, const double *weights, size_t count,
                        gpucci_split *split);

/* Computes the part [first, end) of the output (in the workload's units:
 * elements, or rows) on backend; fills *info as the workload's call does. */
typedef gpucc_status (*gpucci_part_call)(void *ctx, gpucc_backend *backend, size_t first, size_t end,
                                         gpucc_call_info *info);

/* gpucc_measure of calls that run every part d, [split->first[d],
 * split->end[d]) on backends[d], at once, each on a thread of its own: a
 * call's time is the wall time until the last part is done, its kernel and
 * transfer times the slowest part's; `check` verifies the whole output as
 * gpucc_measure's check does (after every call, or the first and the last).
 * Sets split->part_ms (each part's median). A part that fails fails the
 * call, naming the part. */
gpucc_status gpucci_measure_parts(gpucc_backend *const *backends, gpucci_split *split, gpucci_part_call call,
                                  gpucc_check_fn check, int check_every_call, void *ctx, const gpucc_plan *plan,
                                  gpucc_measurement *out);

#endif
