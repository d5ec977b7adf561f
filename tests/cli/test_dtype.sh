#!/usr/bin/env bash
# End-to-end test of `--dtype` for reduce and dot: every data type runs and
# verifies on every backend with the same value in every row; typed .npy and
# raw inputs give the exact values written here; a file of another dtype is
# exit 65 naming both; bad --dtype values and --dtype where it does not
# apply are exit 64; without fp64, the OpenCL row of f64 and i32 is
# UNSUPPORTED with the reason, and the run still succeeds.
#
#   usage: test_dtype.sh PATH/TO/gpucc
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

# shellcheck disable=SC2034 # cli-lib.sh's run uses it
GPUCC=${1:?usage: test_dtype.sh PATH/TO/gpucc}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-dtype-test

FAST=(--repeat=2 --warmup=1)
DTYPES=(f32 f64 f16 bf16 i32)

# values_agree: in the last JSON run, at least two rows ran (serial and
# pthreads; opencl too where built), every one verified, all with one value.
values_agree() {
    local ok verified values
    ok=$(grep -o '"status": "ok"' "$OUT" | wc -l)
    verified=$(grep -o '"verified": true' "$OUT" | wc -l)
    values=$(grep -o '"status": "ok", "value": [^,]*' "$OUT" | sort -u | wc -l)
    [[ $ok -ge 2 && $verified == "$ok" && $values == 1 ]]
}

# all_verified N: the last JSON run has N rows with status ok, all verified.
all_verified() {
    [[ $(grep -o '"status": "ok"' "$OUT" | wc -l) == "$1" && $(grep -o '"verified": true' "$OUT" | wc -l) == "$1" ]]
}

# ---- Every type, generated, every backend ----
for workload in reduce dot; do
    for dtype in "${DTYPES[@]}"; do
        expect_exit 0 -- run "$workload" --dtype="$dtype" --size=100003 "${FAST[@]}" --format=json
        check "$workload --dtype=$dtype: every row verified, one value" values_agree
    done
done
expect_exit 0 -- run reduce --dtype=f16 --size=1000 "${FAST[@]}"
expect_stdout_contains "reduce sum over 1000 float16 (0.0 MB"
expect_exit 0 -- run dot --dtype=i32 --size=1000 "${FAST[@]}"
expect_stdout_contains "reference: exact sum"
expect_stdout_contains "(64-bit integer; must be equal)"
expect_exit 0 -- run reduce --dtype=f64 --size=1000 "${FAST[@]}" --format=json
expect_stdout_contains '"dtype": "f64"'
expect_stdout_contains '"kind": "double-double"'

# ---- Typed files: exact values ----
# float16 1.0, 2.0, -0.5; bfloat16 the same; float64 1.0, 2.0; int32 three times 2^31 - 1.
write_npy "$WORK/h.npy" '<f2' '(3,)'
printf '\x00\x3c\x00\x40\x00\xb8' >>"$WORK/h.npy"
write_npy "$WORK/b.npy" '<u2' '(3,)'
printf '\x80\x3f\x00\x40\x00\xbf' >>"$WORK/b.npy"
write_npy "$WORK/d.npy" '<f8' '(2,)'
printf '\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40' >>"$WORK/d.npy"
write_npy "$WORK/i.npy" '<i4' '(3,)'
printf '\xff\xff\xff\x7f\xff\xff\xff\x7f\xff\xff\xff\x7f' >>"$WORK/i.npy"
printf '\x00\x3c\x00\x40\x00\xb8' >"$WORK/h.bin"

expect_exit 0 -- run reduce --dtype=f16 "--input=$WORK/h.npy" "${FAST[@]}" --format=csv
check "f16 .npy sums to 2.5" grep -q ',2.5,' "$OUT"
check "the CSV's last column is the dtype" grep -q ',f16$' "$OUT"
expect_exit 0 -- run reduce --dtype=f16 "--input=$WORK/h.bin" "${FAST[@]}" --format=csv
check "raw f16 sums to 2.5" grep -q ',2.5,' "$OUT"
expect_exit 0 -- run reduce --dtype=bf16 "--input=$WORK/b.npy" --op=min "${FAST[@]}" --format=csv
check "bf16 .npy ('<u2') min is -0.5" grep -q ',-0.5,' "$OUT"
expect_exit 0 -- run reduce --dtype=f64 "--input=$WORK/d.npy" "${FAST[@]}" --format=csv
check "f64 .npy sums to 3" grep -q ',3,' "$OUT"
expect_exit 0 -- run reduce --dtype=i32 "--input=$WORK/i.npy" "${FAST[@]}"
expect_stdout_contains "6442450941"
write_npy "$WORK/k.npy" '<i4' '(3,)'
printf '\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00' >>"$WORK/k.npy"
expect_exit 0 -- run dot --dtype=i32 "--input=$WORK/i.npy" "--input-y=$WORK/k.npy" "${FAST[@]}" --format=json
expect_stdout_contains '"value": 12884901882'
# Three products of (2^31 - 1)^2 leave int64: every row fails, saying so.
expect_exit 1 -- run dot --dtype=i32 "--input=$WORK/i.npy" "--input-y=$WORK/i.npy" "${FAST[@]}" --backend=serial,pthreads
expect_stdout_contains "lies outside the 64-bit integer range"
expect_exit 0 -- run dot --dtype=f16 "--input=$WORK/h.npy" "--input-y=$WORK/h.bin" "${FAST[@]}" --format=csv
check "f16 dot of (1, 2, -0.5) with itself is 5.25" grep -q ',5.25,' "$OUT"

# An empty i32 input: min and max are the identities (+inf, -inf), never an integer 0.
write_npy "$WORK/empty-i.npy" '<i4' '(0,)'
expect_exit 0 -- run reduce --dtype=i32 --op=min "--input=$WORK/empty-i.npy" "${FAST[@]}" --backend=serial --format=csv
check "empty i32 min is inf" grep -q ',inf,' "$OUT"
# The reference of an i32 or f64 min/max is printed exactly.
expect_exit 0 -- run reduce --dtype=i32 --op=max "--input=$WORK/i.npy" "${FAST[@]}"
expect_stdout_contains "reference: exact max 2147483647"
# saxpy's alpha is used as given by f64 and i32 (not rounded to float first).
# (With 16777217, float's neighbour of 2^24 + 1, saxpy overflows int32 and the rows fail, saying so.)
expect_exit 1 -- run map --fn=saxpy --dtype=i32 --alpha=16777217 --size=100 "${FAST[@]}" --backend=serial
expect_stdout_contains "alpha 16777217;"
expect_stdout_contains "results outside int32, stored saturated"
expect_exit 0 -- run map --fn=saxpy --dtype=f64 --alpha=0.1 --size=100 "${FAST[@]}"
expect_stdout_contains "alpha 0.10000000000000001;"
expect_exit 0 -- run map --fn=saxpy --alpha=0.1 --size=100 "${FAST[@]}"
expect_stdout_contains "alpha 0.10000000149011612;"

# ---- Files of another type, bad values, where --dtype does not apply ----
expect_error 65 run reduce --dtype=f16 "--input=$WORK/d.npy" "${FAST[@]}"
expect_stderr_contains "'<f8' is not float16 ('<f2')"
expect_error 65 run reduce --dtype=f64 "--input=$WORK/h.bin" "${FAST[@]}"
expect_error 65 run dot --dtype=f64 "--input=$WORK/d.npy" "--input-y=$WORK/h.npy" "${FAST[@]}"
expect_usage_error run reduce --dtype=f8 --size=10
expect_stderr_contains "is not one of f32, f64, f16, bf16, i32"
expect_usage_error run reduce --dtype= --size=10
expect_usage_error run reduce --dtype=i32 --size=10 --backend=opencl --device=0,1 --split
expect_stderr_contains "--dtype=i32 (exact integers) runs on one device"
expect_exit 0 -- run reduce --help
expect_stdout_contains "--dtype=f32|f64|f16|bf16|i32"

# ---- OpenCL: split across two devices, and without fp64 ----
if needs OpenCL "OpenCL dtype checks"; then
    for workload in reduce dot; do
        POCL_DEVICES="pthread pthread" expect_exit 0 -- run "$workload" --dtype=f16 --size=100003 "${FAST[@]}" \
            --device=all --split --format=json
        check "$workload --dtype=f16 --split: every row verified, one value" values_agree
        expect_stdout_contains '"split": '
    done
    # map and dense: each device computes its part of the output (blocks, rows), verified whole.
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run map --fn=sigmoid --dtype=bf16 --size=100003 "${FAST[@]}" \
        --device=all --split --format=json
    check "map --split: every row verified" all_verified 5
    expect_stdout_contains '"split": '
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run map --dtype=i32 --size=10007 "${FAST[@]}" --device=all --split \
        --format=json
    check "map --dtype=i32 --split: every row verified" all_verified 5
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run dense --dtype=f16 --batch=7 --in=33 --out=65 "${FAST[@]}" \
        --device=all --split --backend=opencl --format=json
    check "dense --split: every row verified" all_verified 3
    expect_stdout_contains '"split": '
    expect_exit 0 -- run reduce --dtype=f64 --size=5000 "${FAST[@]}" --cl-fp32
    expect_stdout_contains "UNSUPPORTED: f64 data needs fp64"
    expect_exit 0 -- run reduce --dtype=bf16 --size=5000 "${FAST[@]}" --cl-fp32 --format=json
    expect_stdout_contains '"fp32_fallback": true'
    expect_exit 0 -- run dot --dtype=f16 --size=5000 "${FAST[@]}" --cl-fp32
    expect_stdout_contains "UNSUPPORTED: dot needs fp64"
fi

cli_summary
