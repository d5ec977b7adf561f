#!/usr/bin/env bash
# The CPU-only build (-DGPUCC_OPENCL=OFF): library and program without
# OpenCL headers, loader or CLBlast. Checks that nothing links OpenCL or
# CLBlast and that --version says so, runs the build's ctest (a test that
# needs OpenCL throughout reports itself skipped; the others run their
# serial and pthreads parts and name the parts they skip), says how many
# checks ran inside the tests, then the CLI checks of no-opencl.sh against
# this build: every command succeeds with OpenCL shown unavailable, and
# naming OpenCL is exit 69.
#
# Run locally (the same as CI): scripts/ci/cpu-only.sh
# CPU_ONLY_BUILD_DIR (default build-cpu-only) is the build directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

ci_header cpu-only "-DGPUCC_OPENCL=OFF: no OpenCL headers, loader or CLBlast"
build_dir=${CPU_ONLY_BUILD_DIR:-build-cpu-only}
ci_build "$build_dir" -DCMAKE_BUILD_TYPE=Release -DGPUCC_OPENCL=OFF
gpucc=$build_dir/gpucc
work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-cpu-only.XXXXXX")
trap 'rm -rf "$work"' EXIT

# No OpenCL or CLBlast in the program, the shared library or the static one.
for lib in "$gpucc" "$build_dir/host/libgpucc.so"; do
    if ! ldd "$lib" >"$work/ldd"; then
        ci_fail "ldd $lib" "$(cat "$work/ldd")"
    elif grep -Eq 'libOpenCL|libclblast' "$work/ldd"; then
        ci_fail "$lib links OpenCL or CLBlast" "$(cat "$work/ldd")"
    else
        ci_pass "$lib links neither OpenCL nor CLBlast"
    fi
done
static=$build_dir/host/libgpucc.a
if ! nm -u "$static" >"$work/nm"; then
    ci_fail "nm -u $static" "$(cat "$work/nm")"
elif grep -Eq ' (cl[A-Z]|CLBlast)' "$work/nm"; then
    ci_fail "$static calls OpenCL or CLBlast" "$(grep -E ' (cl[A-Z]|CLBlast)' "$work/nm")"
else
    ci_pass "$static calls neither OpenCL nor CLBlast"
fi
if "$gpucc" --version | grep -q 'GPUCC_OPENCL=OFF CLBlast=OFF'; then
    ci_pass "gpucc --version says GPUCC_OPENCL=OFF CLBlast=OFF"
else
    ci_fail "gpucc --version does not say GPUCC_OPENCL=OFF CLBlast=OFF" "$("$gpucc" --version)"
fi

# The build's own tests; what they skip is printed with the test's name.
if (cd "$build_dir" && ctest --output-on-failure) >"$work/ctest.log" 2>&1; then
    ci_pass "ctest: $(grep -E 'tests passed' "$work/ctest.log")"
else
    ci_fail "ctest" "$(tail -n 40 "$work/ctest.log")"
fi
# Inside the tests: the "Checks: N" line of each Check program and the
# "N passed, M failed" line of each script, and every " skipped: gpucc built
# without ..." line, under the name of the test that printed it.
awk '/^[0-9]+\/[0-9]+ Test: / { test = $3 }
     /^[0-9]+%: Checks: [0-9]+,/ { checks += $3; programs++ }
     /^[0-9]+ passed, [0-9]+ failed/ { checks += $1 + $3; scripts++ }
     / skipped: gpucc built without / && !/^Command: / { skipped++; print "    " test ": " $0 }
     END { printf "%d checks ran (Check tests, script checks) in %d Check programs and %d scripts; ",
                  checks, programs, scripts
           printf "%d tests or parts skipped\n", skipped }' \
    "$build_dir/Testing/Temporary/LastTest.log" >"$work/checks"
head -n -1 "$work/checks"
status=0
ci_summary cpu-only || status=1
echo "cpu-only: in ctest, $(tail -n 1 "$work/checks")"

# The program behaves as on a machine without OpenCL.
CI_BUILD_DIR=$build_dir scripts/ci/no-opencl.sh || status=1
exit "$status"
