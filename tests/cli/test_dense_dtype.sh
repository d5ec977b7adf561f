#!/usr/bin/env bash
# End-to-end test of `gpucc run dense --dtype`: f32, f16 and bf16 run and
# verify on every backend at odd shapes with every activation; typed .npy
# inputs give the exact outputs written here, in a typed --output; a file of
# another dtype is exit 65 naming both; f64 and i32 are exit 64.
#
#   usage: test_dense_dtype.sh PATH/TO/gpucc
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

# shellcheck disable=SC2034 # cli-lib.sh's run uses it
GPUCC=${1:?usage: test_dense_dtype.sh PATH/TO/gpucc}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-dense-dtype-test

FAST=(--repeat=2 --warmup=1)

# all_verified: in the last JSON run, at least two rows ran (serial and
# pthreads; opencl too where built) and every one verified.
all_verified() {
    local ok verified
    ok=$(grep -o '"status": "ok"' "$OUT" | wc -l)
    verified=$(grep -o '"verified": true' "$OUT" | wc -l)
    [[ $ok -ge 2 && $verified == "$ok" ]]
}

# ---- Every 16-bit type, generated, every backend, odd shapes ----
for dtype in f16 bf16; do
    for act in none relu sigmoid tanh; do
        expect_exit 0 -- run dense --dtype="$dtype" --batch=33 --in=70 --out=65 --act="$act" "${FAST[@]}" --format=json
        check "dense --dtype=$dtype 33x70x65 --act=$act: every row verified" all_verified
    done
    expect_exit 0 -- run dense --dtype="$dtype" --batch=3 --in=300 --out=5 "${FAST[@]}" --format=json
    check "dense --dtype=$dtype 3x300x5: every row verified" all_verified
    expect_stdout_contains "\"dtype\": \"$dtype\""
done
expect_exit 0 -- run dense --dtype=f16 --batch=7 --in=17 --out=9 "${FAST[@]}"
expect_stdout_contains "dense 7x17x9 (batch x in x out), act relu, float16,"
expect_stdout_contains "plus 2^-11 |y| + 2^-24 (f16 storage)"
if needs OpenCL "the OpenCL row of f16"; then
    expect_exit 0 -- run dense --dtype=bf16 --batch=7 --in=17 --out=9 "${FAST[@]}" --backend=opencl --impl=clblast \
        --format=json
    check "bf16 with --impl=clblast runs gpucc's kernel" grep -q '"impl": "kernel"' "$OUT"
fi

# ---- Typed files: exact values in and out ----
# X = [[1, 2, -0.5], [0, 1, 1]], W = [[1, 1, 1], [2, 0, -1]], b = [0.5, -1]:
# Y = X W^T + b = [[3, 1.5], [2.5, -2]], exact in every type.
write_npy "$WORK/x16.npy" '<f2' '(2, 3)'
printf '\x00\x3c\x00\x40\x00\xb8\x00\x00\x00\x3c\x00\x3c' >>"$WORK/x16.npy"
write_npy "$WORK/w16.npy" '<f2' '(2, 3)'
printf '\x00\x3c\x00\x3c\x00\x3c\x00\x40\x00\x00\x00\xbc' >>"$WORK/w16.npy"
write_npy "$WORK/b16.npy" '<f2' '(2,)'
printf '\x00\x38\x00\xbc' >>"$WORK/b16.npy"
write_npy "$WORK/xb.npy" '<u2' '(2, 3)'
printf '\x80\x3f\x00\x40\x00\xbf\x00\x00\x80\x3f\x80\x3f' >>"$WORK/xb.npy"
write_npy "$WORK/wb.npy" '<u2' '(2, 3)'
printf '\x80\x3f\x80\x3f\x80\x3f\x00\x40\x00\x00\x80\xbf' >>"$WORK/wb.npy"
write_npy "$WORK/bb.npy" '<u2' '(2,)'
printf '\x00\x3f\x80\xbf' >>"$WORK/bb.npy"

# data_bytes FILE: the bytes after a .npy 1.0 header (its length at bytes 8-9), as hex.
data_bytes() {
    local len
    len=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
    tail -c +$((10 + len + 1)) "$1" | od -An -tx1 | tr -d ' \n'
}

for backend in serial pthreads opencl; do
    [[ $backend == opencl ]] && ! needs OpenCL "typed dense files on opencl" && continue
    expect_exit 0 -- run dense --dtype=f16 "--input=$WORK/x16.npy" "--weights=$WORK/w16.npy" \
        "--bias=$WORK/b16.npy" --act=none "${FAST[@]}" --backend="$backend" "--output=$WORK/y16-$backend.npy"
    check "f16 output on $backend is [[3, 1.5], [2.5, -2]]" \
        test "$(data_bytes "$WORK/y16-$backend.npy")" = 0042003e004100c0
    check "f16 output on $backend: descr '<f2'" grep -aq "'<f2'" "$WORK/y16-$backend.npy"
    expect_exit 0 -- run dense --dtype=bf16 "--input=$WORK/xb.npy" "--weights=$WORK/wb.npy" \
        "--bias=$WORK/bb.npy" --act=relu "${FAST[@]}" --backend="$backend" "--output=$WORK/yb-$backend.npy"
    check "bf16 relu output on $backend is [[3, 1.5], [2.5, 0]] as '<u2'" \
        test "$(data_bytes "$WORK/yb-$backend.npy")" = 4040c03f20400000
    check "bf16 output on $backend: descr '<u2'" grep -aq "'<u2'" "$WORK/yb-$backend.npy"
done

# ---- Files of another type, types dense does not store ----
expect_error 65 run dense --dtype=bf16 "--input=$WORK/x16.npy" "--weights=$WORK/wb.npy" "--bias=$WORK/bb.npy" \
    "${FAST[@]}"
expect_stderr_contains "'<f2' is not bfloat16 ('<u2')"
expect_error 65 run dense --dtype=f16 "--input=$WORK/x16.npy" "--weights=$WORK/w16.npy" "--bias=$WORK/bb.npy" \
    "${FAST[@]}"
expect_stderr_contains "'<u2' is not float16 ('<f2')"
expect_usage_error run dense --dtype=i32 --batch=3 --in=4 --out=5
expect_stderr_contains "dense supports f32, f16, bf16"
expect_usage_error run dense --dtype=f64 --batch=3 --in=4 --out=5

cli_summary
