#!/usr/bin/env bash
# Runs every gpucc OpenCL kernel under Oclgrind, the OpenCL device simulator,
# with its data-race, uninitialised-value and API checks, at small sizes:
# sizes that are no multiple of a block or of the work-group size, both
# reduction kernel shapes, several work-group sizes, the fp64 and the fp32
# (float-float) reductions, zero-copy, copied and chunked inputs, every map
# function, the dense kernels (own tiles and CLBlast's bias + activation
# pass), and every data type's kernels. A case fails if gpucc fails or if
# Oclgrind reports anything.
#
# Run locally (the same as CI): scripts/ci/oclgrind.sh
# CI_BUILD_DIR (default build) is the Release build it uses (built if needed).
#
# Two limits of Oclgrind 21.10 shape the matrix:
#  - Its uninitialised-value check does not see data in CL_MEM_USE_HOST_PTR
#    buffers (gpucc's zero-copy path on host-shared devices; Oclgrind says
#    it is one) and reports every read of them. So full checks run with
#    --cl-copy (inputs written with clEnqueueWriteBuffer), and the zero-copy
#    path gets the data-race and API checks.
#  - The uninitialised-value check crashes (SIGSEGV inside Oclgrind) on the
#    dense tile kernels, or with optimisation off reports values that are
#    plainly initialised; the tiles get the data-race and API checks.
#  - Its compiler stores the fp32 min/max partial, a (value, 0) pair, as a
#    pair holding poison followed by a store of the value, and the check
#    reports the short-lived poison. Those kernels get the full checks built
#    with -O0, and the data-race and API checks as optimised.
# `gpucc peak`'s kernels are not run here: peak always measures a 1024^3
# CLBlast GEMM, hours in a simulator.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

ci_header oclgrind "gpucc's OpenCL kernels under oclgrind --data-races --uninitialized --check-api"
if ! command -v oclgrind >/dev/null || ! command -v oclgrind-kernel >/dev/null; then
    echo "oclgrind.sh: oclgrind is not installed (scripts/install-deps.sh --ci installs it)" >&2
    exit 69
fi
build_dir=${CI_BUILD_DIR:-build}
ci_build "$build_dir" -DCMAKE_BUILD_TYPE=Release
gpucc=$build_dir/gpucc
work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-oclgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

# report_clean LABEL RC LOG OUT passes the case when the run exited 0 and
# Oclgrind's log is empty; otherwise fails it with the start of both.
report_clean() {
    if [ "$2" -eq 0 ] && [ ! -s "$3" ]; then
        ci_pass "$1"
    else
        ci_fail "$1 (exit $2)" "$(head -n 30 "$3" "$4" 2>/dev/null)"
    fi
}

# check CHECKS ARGS... runs `gpucc run ARGS` on Oclgrind's device, one timed
# call and no warm-up, with CHECKS: full (data races, uninitialised values,
# API errors), full_O0 (the same, kernels built with -O0) or races (data
# races and API errors).
check() {
    local checks=$1 rc=0
    shift
    local options=(--data-races --check-api)
    case $checks in
    full) options+=(--uninitialized) ;;
    full_O0) options+=(--uninitialized --build-options -O0) ;;
    esac
    rm -f "$work/log"
    oclgrind "${options[@]}" --max-errors 20 --log "$work/log" \
        "$gpucc" run "$@" --backend=opencl --repeat=1 --warmup=0 >"$work/out" 2>&1 || rc=$?
    report_clean "[$checks] $*" "$rc" "$work/log" "$work/out"
}

# The check can fail: a known-bad kernel must be reported (both defects).
rc=0
rm -f "$work/log"
(cd tests/sanitizers && oclgrind-kernel --data-races --uninitialized --log "$work/log" oclgrind-canary.sim >/dev/null) || rc=$?
if [ "$rc" -eq 0 ] && grep -q "data race" "$work/log" && grep -q "Uninitialized value" "$work/log"; then
    ci_pass "Oclgrind reports the race and the uninitialised read of tests/sanitizers/oclgrind-canary.cl"
else
    ci_fail "Oclgrind did not report the known-bad canary kernel (exit $rc)" "$(head -n 20 "$work/log")"
fi

# Reductions: 1 and 17 elements (one partial block), 4097 (one element past a
# block); each op and shape, fp64 and the fp32 fallback.
for shape in cpu gpu; do
    for size in 1 17 4097; do
        for op in sum min max; do
            check full reduce --op=$op --cl-shape=$shape --size=$size --cl-copy
        done
        check full reduce --op=sum --cl-shape=$shape --size=$size --cl-copy --cl-fp32
        for op in min max; do
            check full_O0 reduce --op=$op --cl-shape=$shape --size=$size --cl-copy --cl-fp32
            check races reduce --op=$op --cl-shape=$shape --size=$size --cl-copy --cl-fp32
        done
    done
done
# Work-group sizes that do not divide the global size, chunks of one block
# (--cl-max-alloc=16384) with the copy path overlapped or not, zero-copy.
check full reduce --cl-shape=gpu --local-size=48 --size=12300 --cl-copy
check full reduce --cl-shape=gpu --local-size=16 --size=12300 --cl-copy --cl-fp32
check full reduce --cl-shape=cpu --local-size=3 --size=12300 --cl-copy
for shape in cpu gpu; do
    check full reduce --cl-shape=$shape --size=12300 --cl-max-alloc=16384 --cl-copy
    check full reduce --cl-shape=$shape --size=12300 --cl-max-alloc=16384 --cl-copy --cl-no-overlap
    check races reduce --cl-shape=$shape --size=12300 --cl-max-alloc=16384
    for op in sum min max; do
        check races reduce --op=$op --cl-shape=$shape --size=4097
    done
done

# The dot product's copy path in steps of one block of each input (x and y
# staged, two slots each), overlapped and not, and with 2-byte elements.
for shape in cpu gpu; do
    check full dot --cl-shape=$shape --size=12300 --cl-max-alloc=16384 --cl-copy
    check full dot --cl-shape=$shape --size=12300 --cl-max-alloc=16384 --cl-copy --cl-no-overlap
done
check full dot --dtype=f16 --size=20000 --cl-max-alloc=16384 --cl-copy

# Map: every function, one element and a size that is no multiple of the
# work-group size or of a line; copied (full checks), zero-copy and chunked;
# both kernel shapes (a work-item per element, a line of 16 per work-item).
for shape in cpu gpu; do
    for fn in square saxpy relu sigmoid tanh exp; do
        check full map --fn=$fn --cl-shape=$shape --size=1 --cl-copy
        check full map --fn=$fn --cl-shape=$shape --size=1001 --cl-copy
        check races map --fn=$fn --cl-shape=$shape --size=1001
    done
done
# The copy path in steps of 16384 bytes (both inputs staged, the output
# copied back), overlapped and not, and with 2-byte elements.
check full map --fn=saxpy --size=5000 --cl-max-alloc=16384 --cl-copy
check full map --fn=saxpy --size=5000 --cl-max-alloc=16384 --cl-copy --cl-no-overlap
check full map --dtype=f16 --fn=saxpy --size=20000 --cl-max-alloc=16384 --cl-copy

# Dense: the 4x6 tile kernel with edge tiles on both axes, the 1x8 kernel
# (batch 1), 1x1x1, copied and zero-copy; CLBlast's path for the bias +
# activation kernel, each activation.
for shape in "--batch=3 --in=5 --out=7" "--batch=5 --in=37 --out=13" "--batch=1 --in=37 --out=13" \
    "--batch=1 --in=1 --out=1"; do
    # shellcheck disable=SC2086 # the shape is three options
    check races dense $shape --impl=kernel --act=sigmoid --cl-copy
    # shellcheck disable=SC2086
    check races dense $shape --impl=kernel --act=relu
done
for act in none relu sigmoid tanh; do
    check full dense --batch=3 --in=5 --out=7 --impl=clblast --act=$act --cl-copy
done

# Data types: each type's program (gpucc-elements.h) for the reductions in
# both shapes, the dot product, the map and the 16-bit dense kernels (one
# untimed call builds the program, then the checked one).
for dtype in f64 f16 bf16 i32; do
    for shape in cpu gpu; do
        check full reduce --dtype=$dtype --cl-shape=$shape --size=4097 --cl-copy
        check full dot --dtype=$dtype --cl-shape=$shape --size=4097 --cl-copy
    done
    for shape in cpu gpu; do
        check full map --dtype=$dtype --cl-shape=$shape --fn=square --size=1001 --cl-copy
    done
done
check full map --dtype=f16 --fn=sigmoid --size=1001 --cl-copy
for dtype in f16 bf16; do
    check races dense --dtype=$dtype --batch=5 --in=37 --out=13 --act=sigmoid --cl-copy
    # From batch 16 on: X and W widened first (dense_widen), then the tiles over floats.
    check races dense --dtype=$dtype --batch=17 --in=37 --out=13 --act=sigmoid --cl-copy
done

ci_summary oclgrind
