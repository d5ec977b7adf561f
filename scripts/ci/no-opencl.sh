#!/usr/bin/env bash
# gpucc on a machine with the OpenCL ICD loader but no driver: the loader
# is pointed at an empty vendor folder (OCL_ICD_VENDORS). Every command
# (`run reduce|map|dense`, `peak`, `bench`, `devices`) must succeed with
# OpenCL shown as unavailable; naming OpenCL explicitly (--backend=opencl,
# --device) must exit 69 with a one-line message and leave no file behind.
#
# Run locally (the same as CI): scripts/ci/no-opencl.sh
# CI_BUILD_DIR (default build) is the Release build it uses (built if needed);
# scripts/ci/cpu-only.sh runs these checks on its GPUCC_OPENCL=OFF build.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

ci_header no-opencl "ICD loader without a driver (OCL_ICD_VENDORS at an empty folder)"
build_dir=${CI_BUILD_DIR:-build}
ci_build "$build_dir" -DCMAKE_BUILD_TYPE=Release
gpucc=$build_dir/gpucc
work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-no-opencl.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/vendors" "$work/out"
export OCL_ICD_VENDORS=$work/vendors

# expect CODE PATTERN ARGS... runs `gpucc ARGS` and passes when it exits
# with CODE, its stdout and stderr together match the extended regular
# expression PATTERN, and an error (CODE != 0) is one line on stderr and
# leaves no file in the output folder (which is emptied afterwards).
expect() {
    local code=$1 pattern=$2 rc=0
    shift 2
    "$gpucc" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
    local problem=""
    if [ "$rc" -ne "$code" ]; then
        problem="exit $rc, expected $code"
    elif ! cat "$work/stdout" "$work/stderr" | grep -Eq "$pattern"; then
        problem="output does not match /$pattern/"
    elif [ "$code" -ne 0 ] && [ "$(wc -l <"$work/stderr")" -ne 1 ]; then
        problem="stderr is not one line"
    elif [ "$code" -ne 0 ] && [ -n "$(ls -A "$work/out")" ]; then
        problem="left behind: $(ls -A "$work/out")"
    fi
    if [ -z "$problem" ]; then
        ci_pass "gpucc $* -> $code"
    else
        ci_fail "gpucc $*: $problem" "$(head -n 15 "$work/stdout" "$work/stderr")"
    fi
    rm -rf "$work/out"
    mkdir "$work/out"
}

small=(--size=10000 --repeat=1 --warmup=0)
dense=(--batch=3 --in=5 --out=7 --repeat=1)
bench=("--suite=size,threads,batch" --max-size=1e4 --min-time=0.01 --ceilings=skip --quiet)
unavailable='SKIP: (no OpenCL|gpucc built without OpenCL)|OpenCL: unavailable|opencl backend unavailable|"status": "unavailable"|,opencl,,unavailable,'

# Default backend lists: OpenCL shown as unavailable, success.
expect 0 'OpenCL: (no platform|unavailable \(gpucc built without OpenCL\))' devices
expect 0 "$unavailable" run reduce "${small[@]}"
expect 0 "$unavailable" run reduce --op=max --format=json "${small[@]}"
expect 0 "$unavailable" run map --fn=saxpy "${small[@]}" --format=csv
expect 0 "$unavailable" run dense "${dense[@]}"
expect 0 "$unavailable" peak --size-mb=16
expect 0 "$unavailable" bench "${bench[@]}"

# OpenCL named explicitly: exit 69, one line, nothing written.
expect 69 'opencl|OpenCL' run reduce --backend=opencl "${small[@]}"
expect 69 'opencl|OpenCL' run reduce --backend=serial,opencl "${small[@]}"
expect 69 'opencl|OpenCL' run reduce --device=0 "${small[@]}"
expect 69 'opencl|OpenCL' run reduce --device=gpu "${small[@]}"
expect 69 'opencl|OpenCL' run map --backend=opencl "${small[@]}" --output="$work/out/y.npy"
expect 69 'opencl|OpenCL' run map --output-backend=opencl "${small[@]}" --output="$work/out/y.npy"
expect 69 'opencl|OpenCL' run dense --backend=opencl "${dense[@]}" --output="$work/out/y.npy"
expect 69 'opencl|OpenCL' peak --size-mb=16 --device=0
expect 69 'opencl|OpenCL' peak --size-mb=16 --device=cpu
expect 69 'opencl|OpenCL' bench --backend=opencl "${bench[@]}" --json="$work/out/b.json" --csv="$work/out/b.csv"
expect 69 'opencl|OpenCL' bench --device=0 "${bench[@]}" --json="$work/out/b.json"

ci_summary no-opencl
