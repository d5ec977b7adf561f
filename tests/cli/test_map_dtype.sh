#!/usr/bin/env bash
# End-to-end test of `gpucc run map --dtype`: every function each data type
# has runs and verifies on every backend; the report names the type and its
# reference; typed .npy and raw files in and out hold the exact values
# written here, the output .npy with the type's descr; an i32 result outside
# int32 fails its row, saying so; the functions i32 lacks and a non-integer
# i32 alpha are exit 64, a file of another dtype exit 65; without fp64, the
# OpenCL row of f64 is UNSUPPORTED with the reason and the run succeeds.
#
#   usage: test_map_dtype.sh PATH/TO/gpucc
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

# shellcheck disable=SC2034 # cli-lib.sh's run uses it
GPUCC=${1:?usage: test_map_dtype.sh PATH/TO/gpucc}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-map-dtype-test

FAST=(--repeat=2 --warmup=1)
FNS=(square saxpy relu sigmoid tanh exp)
INTEGER_FNS=" square saxpy relu "

# all_verified: in the last JSON run, at least two rows ran (serial and
# pthreads; opencl too where built) and every one verified.
all_verified() {
    local ok verified
    ok=$(grep -o '"status": "ok"' "$OUT" | wc -l)
    verified=$(grep -o '"verified": true' "$OUT" | wc -l)
    [[ $ok -ge 2 && $verified == "$ok" ]]
}

# ---- Every type and function, generated, every backend ----
for dtype in f64 f16 bf16 i32; do
    for fn in "${FNS[@]}"; do
        if [[ $dtype == i32 && $INTEGER_FNS != *" $fn "* ]]; then
            expect_usage_error run map --dtype=i32 --fn="$fn" --size=10
            expect_stderr_contains "--fn=$fn is not defined for --dtype=i32"
            continue
        fi
        expect_exit 0 -- run map --dtype="$dtype" --fn="$fn" --size=4099 "${FAST[@]}" --format=json
        check "map --dtype=$dtype --fn=$fn: every row verified" all_verified
    done
done
expect_exit 0 -- run map --dtype=f16 --fn=sigmoid --size=1000 "${FAST[@]}"
expect_stdout_contains "map sigmoid over 1000 float16 (0.0 MB moved per call"
expect_stdout_contains "reference: double precision, every element; bound 1 ulp of float16"
expect_exit 0 -- run map --dtype=f64 --fn=exp --size=1000 "${FAST[@]}" --format=json
expect_stdout_contains '"dtype": "f64"'
expect_exit 0 -- run map --dtype=f64 --fn=saxpy --size=100000 "${FAST[@]}" --backend=serial
expect_stdout_contains "map saxpy over 100000 float64 (2.4 MB moved per call"
expect_stdout_contains "reference: long double, every element; bound 1 ulp of float64"
expect_exit 0 -- run map --dtype=i32 --fn=saxpy --alpha=-3 --size=1000 "${FAST[@]}"
expect_stdout_contains "reference: exact, in 64-bit integers"
expect_usage_error run map --dtype=i32 --fn=saxpy --alpha=0.5 --size=10
expect_stderr_contains "--alpha must be an integer"
expect_usage_error run map --dtype=i32 --fn=saxpy --alpha=3e9 --size=10

# ---- Typed files in and out: exact values ----
# float16 1.0, 2.0, -0.5 squared: 1.0, 4.0, 0.25; int32 -7, 46340 with relu.
write_npy "$WORK/h.npy" '<f2' '(3,)'
printf '\x00\x3c\x00\x40\x00\xb8' >>"$WORK/h.npy"
printf '\x00\x3c\x00\x44\x00\x34' >"$WORK/h-squared.bin"
write_npy "$WORK/i.npy" '<i4' '(2,)'
printf '\xf9\xff\xff\xff\x04\xb5\x00\x00' >>"$WORK/i.npy"
printf '\x00\x00\x00\x00\x04\xb5\x00\x00' >"$WORK/i-relu.bin"

expect_exit 0 -- run map --dtype=f16 "--input=$WORK/h.npy" "${FAST[@]}" "--output=$WORK/h-out.f16"
check "f16 squares written as raw float16" cmp -s "$WORK/h-out.f16" "$WORK/h-squared.bin"
expect_exit 0 -- run map --dtype=f16 "--input=$WORK/h.npy" "${FAST[@]}" "--output=$WORK/h-out.npy"
check "f16 output .npy has descr '<f2'" grep -qa "'descr': '<f2'" "$WORK/h-out.npy"
check "f16 output .npy holds the squares" cmp -s <(tail -c 6 "$WORK/h-out.npy") "$WORK/h-squared.bin"
expect_exit 0 -- run map --dtype=i32 --fn=relu "--input=$WORK/i.npy" "${FAST[@]}" "--output=$WORK/i-out.bin"
check "i32 relu written as raw int32" cmp -s "$WORK/i-out.bin" "$WORK/i-relu.bin"
for pair in f64:'<f8' bf16:'<u2' i32:'<i4' f32:'<f4'; do
    dtype=${pair%%:*} descr=${pair#*:}
    expect_exit 0 -- run map --dtype="$dtype" --size=17 "${FAST[@]}" --backend=serial "--output=$WORK/o-$dtype.npy"
    check "$dtype output .npy has descr '$descr'" grep -qa "'descr': '$descr'" "$WORK/o-$dtype.npy"
    expect_exit 0 -- run map --dtype="$dtype" --fn=relu "--input=$WORK/o-$dtype.npy" "${FAST[@]}"
done
# 46341^2 leaves int32: every row fails, saying so, and nothing is written.
write_npy "$WORK/big.npy" '<i4' '(1,)'
printf '\x05\xb5\x00\x00' >>"$WORK/big.npy"
expect_exit 1 -- run map --dtype=i32 "--input=$WORK/big.npy" "${FAST[@]}" "--output=$WORK/big-out.npy"
expect_stdout_contains "results outside int32"
check "no output from a failed run" test ! -e "$WORK/big-out.npy"

# ---- Files of another type ----
expect_error 65 run map --dtype=f64 "--input=$WORK/h.npy" "${FAST[@]}"
expect_stderr_contains "'<f2' is not float64 ('<f8')"
expect_error 65 run map --dtype=f16 "--input=$WORK/i.npy" "${FAST[@]}"

# ---- OpenCL without fp64 ----
if needs OpenCL "OpenCL map dtype checks"; then
    expect_exit 0 -- run map --dtype=f64 --size=5000 "${FAST[@]}" --cl-fp32
    expect_stdout_contains "UNSUPPORTED: f64 maps need fp64, which --cl-fp32 turned off"
    expect_exit 0 -- run map --dtype=f16 --size=5000 "${FAST[@]}" --cl-fp32 --backend=opencl --format=json
    check "map --dtype=f16 --cl-fp32 on OpenCL verified" grep -q '"verified": true' "$OUT"
fi

cli_summary
