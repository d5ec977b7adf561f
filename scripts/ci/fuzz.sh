#!/usr/bin/env bash
# Fuzzes the .npy reader (tests/fuzz/fuzz-npy.c) and the number and option
# parsers (tests/fuzz/fuzz-parse.c) with libFuzzer, ASan and UBSan, for a
# bounded time each; exits 1 if any input crashes, leaks or breaks a
# checked property.
#
# Run locally (needs clang; the same as CI):
#   scripts/ci/fuzz.sh                     60 s per target
#   FUZZ_SECONDS=600 scripts/ci/fuzz.sh    longer; FUZZ_SECONDS=0 only replays the corpus
# FUZZ_BUILD_DIR (default build-fuzz) is the build directory, FUZZ_CC
# (default clang-14, else clang) the compiler. Each target starts from a
# copy of its seed corpus, tests/fuzz/corpus/<npy|parse>/, so the committed
# corpus never grows here.
#
# When an input fails, libFuzzer saves it as
# FUZZ_BUILD_DIR/fuzz-artifacts/<target>/crash-<sha1> (or leak-, timeout-,
# oom-). Reproduce it with
#   build-fuzz/tests/fuzz/fuzz-npy build-fuzz/fuzz-artifacts/fuzz-npy/crash-<sha1>
# fix the code, then copy the file into the target's corpus folder under a
# name saying what it is (tests/fuzz/corpus/npy/v1-newline-in-descr.npy is
# one): every run of this script, and `ctest -R fuzz` in the fuzz build,
# replays it. Where the case fits, add a unit test to tests/unit/test_npy.c or
# tests/unit/test_parse.c as well.
set -euo pipefail
cd "$(dirname "$0")/../.."

build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
cc=${FUZZ_CC:-$(command -v clang-14 || command -v clang || true)}
case "$seconds" in
'' | *[!0-9]*)
    echo "fuzz.sh: FUZZ_SECONDS='$seconds' is not a whole number of seconds" >&2
    exit 64
    ;;
esac
if [ -z "$cc" ]; then
    echo "fuzz.sh: no clang found (install clang-14 or set FUZZ_CC)" >&2
    exit 69
fi

# -O1 with assertions on: fast enough to fuzz, and debug checks stay active.
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER="$cc" -DGPUCC_FUZZ=ON -DGPUCC_NATIVE=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target fuzz-npy fuzz-parse

# The corpus copies and the targets' temporary files live here, in RAM
# where possible (fuzz-npy writes every input to a file: ten times slower on
# disk); a crashing target cannot clean up after itself.
tmp_root=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    tmp_root=/dev/shm
fi
work=$(mktemp -d "$tmp_root/gpucc-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "$seconds" -eq 0 ]; then
    limit=(-runs=0)
else
    limit=(-max_total_time="$seconds")
fi

failed=0
for corpus in npy parse; do
    target=fuzz-$corpus
    artifacts=$build_dir/fuzz-artifacts/$target
    mkdir -p "$artifacts" "$work/tmp"
    cp -R "tests/fuzz/corpus/$corpus" "$work/corpus-$corpus"
    log=$work/$target.log
    # -close_fd_mask=3 silences the code under test (the CLI parser prints
    # usage errors); libFuzzer and sanitizer reports still reach the log.
    if TMPDIR=$work/tmp "$build_dir/tests/fuzz/$target" "${limit[@]}" -timeout=10 \
        -close_fd_mask=3 -print_final_stats=1 -dict="tests/fuzz/$corpus.dict" \
        -artifact_prefix="$artifacts/" "$work/corpus-$corpus" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        inputs=$(find "$work/corpus-$corpus" -type f | wc -l)
        echo "$target: ok, ${runs:-?} runs, ${rate:-?} exec/s, corpus $inputs inputs"
    else
        failed=1
        echo "$target: FAILED; the log ends:" >&2
        tail -n 40 "$log" >&2
        echo "$target: failing inputs are in $artifacts/ (see the top of $0)" >&2
    fi
done
exit "$failed"
