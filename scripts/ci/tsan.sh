#!/usr/bin/env bash
# ThreadSanitizer over gpucc's own threads: the persistent pthreads pool
# (reduce, map, dense tiles at several thread counts, more threads than
# cores included), the multi-threaded exact reference, `gpucc peak`'s and
# `gpucc bench`'s host measurements, and the OpenCL copy path, where a pool
# of host threads fills and empties staging buffers while PoCL uses the others.
# Any report fails the step.
#
# Run locally (the same as CI): scripts/ci/tsan.sh
# TSAN_BUILD_DIR (default build-tsan) is the build directory.
#
# Apart from the copy-path runs, the OpenCL loader is pointed at an empty
# vendor folder, so that PoCL (not instrumented, with threads of its own)
# stays out of the process. Nothing is suppressed.
set -euo pipefail
cd "$(dirname "$0")/../.."
# GCC 12's ThreadSanitizer aborts ("unexpected memory mapping") on kernels
# that randomise mmap with more than 28 bits; without address-space
# randomisation it runs everywhere.
if [ -z "${GPUCC_TSAN_NO_ASLR:-}" ] && setarch "$(uname -m)" -R true 2>/dev/null; then
    GPUCC_TSAN_NO_ASLR=1 exec setarch "$(uname -m)" -R "$0" "$@"
fi
. scripts/ci/lib.sh

ci_header tsan "pthreads paths under ThreadSanitizer"
build_dir=${TSAN_BUILD_DIR:-build-tsan}
work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-tsan.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1" -DGPUCC_SANITIZE=thread >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target gpucc-cli test_reference >/dev/null
gpucc=$build_dir/gpucc
mkdir "$work/vendors"
# Exit status 86 for a report: none of gpucc's own exit codes.
export TSAN_OPTIONS="halt_on_error=1 exitcode=86 second_deadlock_stack=1"
export POCL_CACHE_DIR=$PWD/$build_dir/pocl-cache
ci_canary -fsanitize=thread race "ThreadSanitizer: data race"

# clean LABEL CMD... passes when CMD exits 0 and TSan printed nothing.
clean() {
    local label=$1 rc=0
    shift
    "$@" >"$work/out" 2>&1 || rc=$?
    if [ "$rc" -eq 0 ] && ! grep -q "ThreadSanitizer" "$work/out"; then
        ci_pass "$label"
    else
        ci_fail "$label (exit $rc)" "$(grep -A 40 -m 1 "ThreadSanitizer" "$work/out" || tail -n 20 "$work/out")"
    fi
}

# host LABEL ARGS... runs `gpucc ARGS` without any OpenCL driver.
host() {
    clean "gpucc $*" env OCL_ICD_VENDORS="$work/vendors" "$gpucc" "$@"
}

# The exact reference with 1 to 8 threads (Check suite, no OpenCL in it).
clean "test_reference" env CK_DEFAULT_TIMEOUT=600 "$build_dir/tests/test_reference"

calls=(--repeat=2 --warmup=1)
for threads in 1 2 3 7; do
    for op in sum min max; do
        host run reduce --op=$op --backend=serial,pthreads --threads=$threads --size=100003 "${calls[@]}"
    done
    host run map --fn=saxpy --backend=pthreads --threads=$threads --size=100003 "${calls[@]}"
    host run dense --backend=pthreads --threads=$threads --batch=37 --in=65 --out=70 "${calls[@]}"
done
host run reduce --backend=pthreads --size=1 "${calls[@]}"
host run reduce --backend=pthreads --size=4097 "${calls[@]}"
host run reduce --backend=pthreads --size=3e5 "${calls[@]}" # the reference runs on all threads
for fn in square relu sigmoid tanh exp; do
    host run map --fn=$fn --backend=pthreads --threads=3 --size=4097 "${calls[@]}"
done
host run dense --backend=pthreads --batch=1 --in=300 --out=257 "${calls[@]}"
host peak --size-mb=16
host bench --suite=size,threads,batch --backend=serial,pthreads --max-size=1e4 --min-time=0.01 \
    --ceilings=skip --quiet

# The OpenCL copy path on PoCL: blocks of 16384 bytes make many pipeline
# steps of the reduction, of the dot product (both inputs staged) and of the
# map (both inputs staged, the output copied back), overlapped and not;
# dense's staged copies.
for workload in "reduce" "dot" "map --fn=saxpy"; do
    # shellcheck disable=SC2206 # the workload and its function are two words
    copy=(run $workload --backend=opencl --cl-copy --cl-max-alloc=16384 --size=100003 "${calls[@]}")
    clean "gpucc ${copy[*]}" "$gpucc" "${copy[@]}"
    clean "gpucc ${copy[*]} --cl-no-overlap" "$gpucc" "${copy[@]}" --cl-no-overlap
done
clean "gpucc run dense --cl-copy" "$gpucc" run dense --backend=opencl --cl-copy --batch=37 --in=65 --out=70 "${calls[@]}"

ci_summary tsan
