#!/usr/bin/env bash
# The whole test suite (ctest) built with AddressSanitizer and
# UndefinedBehaviorSanitizer (-O1, assertions on, any undefined behaviour
# aborts) and LeakSanitizer checking every process at exit. Leaks inside
# the OpenCL stack (PoCL, LLVM, the ICD loader, CLBlast) are suppressed by
# tests/sanitizers/lsan.supp; gpucc's own are not.
#
# Run locally (the same as CI): scripts/ci/sanitize.sh
# ASAN_BUILD_DIR (default build-asan) is the build directory; its
# pocl-cache/ holds the kernels PoCL compiles, shared by all tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

ci_header sanitize "whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, leak checking on"
build_dir=${ASAN_BUILD_DIR:-build-asan}
work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Exit status 86 for every report, so that no test mistakes one for one of
# gpucc's own exit codes.
export ASAN_OPTIONS="detect_leaks=1 exitcode=86 check_initialization_order=1 strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1 halt_on_error=1 exitcode=86"

flags="-fsanitize=address,undefined -fno-sanitize-recover=all"
ci_canary "$flags" leak "LeakSanitizer: detected memory leaks"
ci_canary "$flags" overflow "AddressSanitizer: heap-buffer-overflow"
ci_canary "$flags" signed-overflow "runtime error: signed integer overflow"

ci_build "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1" -DGPUCC_SANITIZE=address,undefined
if (cd "$build_dir" && ctest --output-on-failure -j "$(nproc)"); then
    ci_pass "ctest under ASan + UBSan"
else
    ci_fail "ctest under ASan + UBSan (see the failures above)"
fi
ci_summary sanitize
