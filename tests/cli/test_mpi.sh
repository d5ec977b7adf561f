#!/usr/bin/env bash
# End-to-end test of `gpucc run` under mpirun (a build with GPUCC_MPI): with
# 1, 2 and 3 ranks on this host (--oversubscribe), the sum, min and max, and
# the dot product, of every backend, and the exact reference, are bitwise
# the values of one process (the JSON prints doubles with 17 digits, so
# equal text is equal bits), for sizes of one element, fewer blocks than
# ranks, odd block counts and sizes that no rank count divides; map's and
# dense's --output files are byte for byte one process's, every part
# verified, for as many odd sizes and batches. Then the faults: a bad
# option, an input file, a rank without OpenCL (asked for, and not), ranks
# seeing different numbers of OpenCL devices, failing runs with --output:
# each ends every rank with one line on stderr and its exit code, and
# leaves no file. --input files are read in parts and give one process's
# bits too. Nothing here asserts a time.
#
#   usage: test_mpi.sh PATH/TO/gpucc PATH/TO/mpirun
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

GPUCC=${1:?usage: test_mpi.sh PATH/TO/gpucc PATH/TO/mpirun}
MPIRUN=${2:?usage: test_mpi.sh PATH/TO/gpucc PATH/TO/mpirun}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-mpi-test
# Open MPI refuses root unless told (CI runs as root); -q keeps its own
# banners off stderr, so that gpucc's one line is all there is.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# In a sanitizer build (scripts/ci/sanitize.sh), leaks are not checked
# here: Open MPI keeps allocations of the components it unloads at exit,
# which LeakSanitizer can neither free nor name for a suppression. Every
# other check of AddressSanitizer and UndefinedBehaviorSanitizer stays on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-} detect_leaks=0"

# mpi R ARGS...: runs gpucc ARGS on R ranks (see run). A rank of an
# argument list after ':' runs with those arguments instead (mpirun's
# MPMD form), e.g. mpi 1 run reduce : -n 1 env X=1 GPUCC run reduce.
mpi() {
    local ranks=$1
    shift
    LAST_CMD="(mpirun -n $ranks) $*"
    "$MPIRUN" -q --oversubscribe -n "$ranks" "$GPUCC" "$@" >"$OUT" 2>"$ERR" </dev/null
    LAST_RC=$?
}

# values FILE: the reference's value, then "backend value" per ok row.
values() {
    sed -n 's/.*"reference": {"kind": "exact", "value": \([^,]*\),.*/reference \1/p;
            s/.*{"backend": "\([a-z]*\)".*"status": "ok", "value": \([^,]*\),.*/\1 \2/p' "$1"
}

BACKENDS=serial,pthreads
if needs OpenCL "the OpenCL rows under MPI"; then
    BACKENDS=serial,pthreads,opencl
fi
QUICK=(--warmup=1 --repeat=2 --format=json)

# Sizes: one element; 2 blocks (3 ranks: one holds none); 5 blocks and a
# short last block; 25 blocks (odd, and 100003 is divisible by neither 2 nor 3).
# Each run: the workload and its variant (dot has none).
for size in 1 4097 20483 100003; do
    for what in "reduce --op=sum" "reduce --op=min" "reduce --op=max" dot; do
        read -ra workload <<<"$what"
        run run "${workload[@]}" --size="$size" --backend="$BACKENDS" "${QUICK[@]}"
        if [[ $LAST_RC != 0 ]]; then
            fail "one process: $what of $size"
            continue
        fi
        values "$OUT" >"$WORK/one"
        check "one process gives a value per backend ($what of $size)" \
            test "$(wc -l <"$WORK/one")" -eq $((1 + $(tr ',' '\n' <<<"$BACKENDS" | wc -l)))
        for ranks in 1 2 3; do
            mpi "$ranks" run "${workload[@]}" --size="$size" --backend="$BACKENDS" "${QUICK[@]}"
            expect_status 0
            values "$OUT" >"$WORK/many"
            check "$ranks ranks: the values of one process, bitwise ($what of $size)" cmp -s "$WORK/one" "$WORK/many"
            check "$ranks ranks: each row names its $ranks ranks" \
                test "$(grep -c "\"mpi\": {\"ranks\": $ranks," "$OUT")" -eq "$(($(wc -l <"$WORK/one") - 1))"
            # The ranks' shares add up to the size, in order.
            shares=$(grep -m1 -o '"per_rank": \[.*' "$OUT" | grep -o '"first": [0-9]*, "n": [0-9]*' |
                awk -v next_first=0 '{ if ($2 + 0 != next_first) bad = 1; next_first = $2 + $4 } END { print bad ? -1 : next_first }')
            check "$ranks ranks: the shares tile the $size elements" test "$shares" = "$size"
        done
    done
done
check "the one-process and MPI values were compared" test -s "$WORK/many"

# The table: one report, from rank 0, saying how many ranks.
mpi 2 run reduce --size=100003 --backend=serial --warmup=0 --repeat=1
expect_status 0
expect_stdout_contains "split over 2 MPI ranks"
check "one report" test "$(grep -c '^reference:' "$OUT")" -eq 1
expect_stderr_empty

# Help once, from rank 0.
mpi 2 run reduce --help
expect_status 0
check "help printed once" test "$(grep -c '^usage: gpucc run' "$OUT")" -eq 1

# A bad option (on every rank): one line, 64.
mpi 3 run reduce --size=abc
expect_status 64
expect_stderr_one_line
expect_stderr_contains "--size: 'abc' is not a number"

# A data type other than f32 is not split over ranks: one line, 64 (README, "Data types").
for workload in reduce dot map dense; do
    size=--size=1000
    [[ $workload == dense ]] && size=--batch=7
    mpi 2 run "$workload" "$size" --dtype=f16 --backend=serial
    expect_status 64
    expect_stderr_one_line
    expect_stderr_contains "--dtype=f16: under mpirun, runs take f32 data only"
done

# One rank's bad option (the ranks given different arguments): every rank
# stops; the line names the rank.
mpi 1 run reduce --size=10 --backend=serial : -n 1 "$GPUCC" run reduce --size=10 --op=median
expect_status 64
expect_stderr_one_line
expect_stderr_contains "rank 1: --op: 'median' is not one of"

# --input: each rank reads only its share. The sigmoid of generated data
# spans 2^-149 .. 1, so its sums round (the value differs from the exact
# one) and only the canonical order gives one process's bits.
run run map --fn=sigmoid --size=100003 --backend=serial --output="$WORK/sigmoid.npy"
expect_status 0
run run map --fn=sigmoid --size=20483 --backend=serial --output="$WORK/sigmoid.f32"
expect_status 0
for file in sigmoid.f32 sigmoid.npy; do
    for op in max sum; do
        run run reduce --input="$WORK/$file" --op="$op" --backend="$BACKENDS" "${QUICK[@]}"
        values "$OUT" >"$WORK/one"
        for ranks in 2 3; do
            mpi "$ranks" run reduce --input="$WORK/$file" --op="$op" --backend="$BACKENDS" "${QUICK[@]}"
            expect_status 0
            expect_stdout_contains "\"source\": \"file:$WORK/$file\""
            values "$OUT" >"$WORK/many"
            check "$ranks ranks read $file in parts: one process's values, bitwise ($op)" \
                cmp -s "$WORK/one" "$WORK/many"
        done
    done
done
check "the sigmoid's sum rounds (one process's value is not the exact one)" \
    test "$(sed -n 's/^reference //p' "$WORK/one")" != "$(sed -n 's/^serial //p' "$WORK/one")"
# dot's x and y read in parts, from a .npy and a raw file.
run run map --fn=tanh --size=100003 --backend=serial --output="$WORK/tanh.f32"
expect_status 0
run run dot --input="$WORK/sigmoid.npy" --input-y="$WORK/tanh.f32" --backend="$BACKENDS" "${QUICK[@]}"
values "$OUT" >"$WORK/one"
check "the dot of the files rounds (one process's value is not the exact one)" \
    test "$(sed -n 's/^reference //p' "$WORK/one")" != "$(sed -n 's/^serial //p' "$WORK/one")"
for ranks in 2 3; do
    mpi "$ranks" run dot --input="$WORK/sigmoid.npy" --input-y="$WORK/tanh.f32" --backend="$BACKENDS" "${QUICK[@]}"
    expect_status 0
    expect_stdout_contains "\"source\": \"file:$WORK/sigmoid.npy,$WORK/tanh.f32\""
    values "$OUT" >"$WORK/many"
    check "$ranks ranks read dot's x and y in parts: one process's values, bitwise" cmp -s "$WORK/one" "$WORK/many"
done
# y not as long as x: 65 on every rank, one line.
mpi 3 run dot --input="$WORK/sigmoid.npy" --input-y="$WORK/sigmoid.f32" --backend=serial
expect_status 65
expect_stderr_one_line
expect_stderr_contains "lengths do not fit: x $WORK/sigmoid.npy has 100003 elements, y $WORK/sigmoid.f32 has 20483"

# An input missing (66) or malformed (65) on every rank: one line.
mpi 3 run reduce --input="$WORK/missing.npy" --backend=serial
expect_status 66
expect_stderr_one_line
expect_stderr_contains "missing.npy"
printf 'not a float file' >"$WORK/bad.npy"
mpi 2 run reduce --input="$WORK/bad.npy" --backend=serial
expect_status 65
expect_stderr_one_line
expect_stderr_contains "not a .npy file"
# Missing on rank 1 only: every rank stops; the line names rank 1.
mpi 1 run reduce --input="$WORK/sigmoid.npy" --backend=serial : -n 1 "$GPUCC" run reduce \
    --input="$WORK/missing.npy" --backend=serial
expect_status 66
expect_stderr_one_line
expect_stderr_contains "gpucc: rank 1: "

# map and dense: each rank computes and verifies its part; --output is one
# file, written by rank 0 only, byte for byte one process's (same backend).
# map: one element, fewer blocks than ranks, sizes no rank count divides;
# saxpy has a generated y. dense: a batch of 1, fewer rows than ranks, 7 and
# 11 rows (3 ranks: 3, 3 and 5 rows, never 1 or 2 of a larger batch).
# OpenCL's dense is named (--impl): auto picks the faster per process.
ARRAY_BACKENDS=(serial pthreads)
if needs OpenCL "map and dense's OpenCL rows under MPI"; then
    ARRAY_BACKENDS+=("opencl" "opencl --impl=kernel")
fi
if needs CLBlast "dense's CLBlast rows under MPI"; then
    ARRAY_BACKENDS+=("opencl --impl=clblast")
fi
# array_case NAME ARGS...: --output of one process against 1, 2 and 3 ranks.
array_case() {
    local name=$1
    shift
    run run "$@" --warmup=1 --repeat=2 --output="$WORK/$name-one.npy"
    if [[ $LAST_RC != 0 ]]; then
        fail "one process: $*"
        return
    fi
    for ranks in 1 2 3; do
        mpi "$ranks" run "$@" --warmup=1 --repeat=2 --format=json --output="$WORK/$name-many.npy"
        expect_status 0
        check "$ranks ranks: every part verified ($*)" grep -q '"verified": true' "$OUT"
        check "$ranks ranks: one process's file, byte for byte ($*)" \
            cmp -s "$WORK/$name-one.npy" "$WORK/$name-many.npy"
        rm -f "$WORK/$name-many.npy"
    done
}
for backend in "${ARRAY_BACKENDS[@]}"; do
    read -ra selected <<<"$backend"
    selected[0]=--backend=${selected[0]}
    if [[ $backend != *--impl* ]]; then
        for size in 1 4097 20483 100003; do
            array_case map map --fn=sigmoid --size="$size" "${selected[@]}"
        done
        array_case saxpy map --fn=saxpy --alpha=1.5 --size=20483 "${selected[@]}"
    fi
    if [[ $backend != opencl ]]; then
        for batch in 1 2 7 11; do
            array_case dense dense --act=tanh --batch="$batch" --in=300 --out=70 "${selected[@]}"
        done
    fi
done
# The parts tile the result, in rank order: rows of 70 outputs.
mpi 3 run dense --batch=11 --in=30 --out=70 --backend=serial "${QUICK[@]}"
check "dense's parts are 3, 3 and 5 rows of 70" \
    test "$(grep -m1 -o '"per_rank": \[.*' "$OUT" | grep -o '"first": [0-9]*, "n": [0-9]*' |
        awk '{ printf "%s%d %d", (NR > 1 ? " " : ""), $2, $4 }')" = "0 210 210 210 420 350"

# --input read in parts: map of a raw file, dense of X's rows (X, W from
# dense runs, b from a map run: 2-D and 1-D .npy files).
run run dense --batch=11 --in=40 --out=13 --act=tanh --backend=serial --output="$WORK/X.npy"
run run dense --batch=17 --in=5 --out=13 --act=tanh --backend=serial --output="$WORK/W.npy"
run run map --size=17 --backend=serial --output="$WORK/b.npy"
DENSE_FILES=(--input="$WORK/X.npy" --weights="$WORK/W.npy" --bias="$WORK/b.npy")
for b in serial pthreads; do
    array_case dense-files dense "${DENSE_FILES[@]}" --backend="$b"
    expect_stdout_contains "\"source\": \"file:$WORK/X.npy,$WORK/W.npy,$WORK/b.npy\""
    array_case map-file map --fn=tanh --input="$WORK/sigmoid.f32" --backend="$b"
done

# A failing rank leaves no file: an input missing on rank 1 (66), or on
# every rank (66), a rank without OpenCL (69, after rank 0 created the
# output), the output not creatable (73); nothing in the folder after any.
mkdir "$WORK/outputs"
mpi 1 run map --input="$WORK/sigmoid.f32" --backend=serial --output="$WORK/outputs/y.npy" : -n 1 "$GPUCC" run map \
    --input="$WORK/missing.npy" --backend=serial --output="$WORK/outputs/y.npy"
expect_status 66
expect_stderr_one_line
expect_stderr_contains "gpucc: rank 1: "
mpi 2 run dense --input="$WORK/X.npy" --weights="$WORK/W.npy" --bias="$WORK/missing.npy" --backend=serial \
    --output="$WORK/outputs/y.npy"
expect_status 66
expect_stderr_one_line
if needs OpenCL "a rank without OpenCL writing --output"; then
    mpi 1 run dense --batch=7 --in=30 --out=70 --backend=opencl --output="$WORK/outputs/y.npy" : -n 1 \
        env OCL_ICD_VENDORS="$WORK/none" "$GPUCC" run dense --batch=7 --in=30 --out=70 --backend=opencl \
        --output="$WORK/outputs/y.npy"
    expect_status 69
    expect_stderr_one_line
    expect_stderr_contains "gpucc: rank 1: opencl backend unavailable"
fi
mpi 2 run map --size=1000 --backend=serial --output="$WORK/outputs/none/y.npy"
expect_status 73
expect_stderr_one_line
expect_stderr_contains "cannot create"
check "no file left behind by the failed runs" test -z "$(ls -A "$WORK/outputs")"

# A rank without OpenCL (its ICD loader finds no platform).
if needs OpenCL "a rank without OpenCL"; then
    # Asked for: every rank stops with 69; the one line names the rank.
    mpi 1 run reduce --size=1000 --backend=opencl : -n 1 env OCL_ICD_VENDORS="$WORK/none" "$GPUCC" \
        run reduce --size=1000 --backend=opencl
    expect_status 69
    expect_stderr_one_line
    expect_stderr_contains "gpucc: rank 1: opencl backend unavailable"
    # Not asked for: its row is skipped on every rank, saying which rank;
    # the others still give one process's value.
    run run reduce --size=20483 --backend=serial,pthreads "${QUICK[@]}"
    values "$OUT" >"$WORK/one"
    mpi 1 run reduce --size=20483 "${QUICK[@]}" : -n 1 env OCL_ICD_VENDORS="$WORK/none" "$GPUCC" \
        run reduce --size=20483 "${QUICK[@]}"
    expect_status 0
    check "the OpenCL row is unavailable, naming rank 1" \
        grep -q '"backend": "opencl", .*"status": "unavailable", "message": "rank 1: ' "$OUT"
    values "$OUT" >"$WORK/many"
    check "serial and pthreads still give one process's values" cmp -s "$WORK/one" "$WORK/many"
    # --device=all where the ranks see different numbers of devices (PoCL
    # gives rank 0 two): 69, one line; with the same number, a row each.
    mpi 1 run reduce --size=1000 --device=all : -n 1 env POCL_DEVICES="pthread pthread" "$GPUCC" \
        run reduce --size=1000 --device=all
    expect_status 69
    expect_stderr_one_line
    expect_stderr_contains "the ranks found different numbers of OpenCL devices"
    POCL_DEVICES="pthread pthread" mpi 2 run reduce --size=10000 --device=all --backend=opencl "${QUICK[@]}"
    expect_status 0
    check "one row per device, each verified" test "$(grep -c '"backend": "opencl", .*"verified": true' "$OUT")" -eq 2
    # Without --device, the ranks of one node take different devices by their
    # node-local rank: rank 0 device 0, rank 1 device 1, rank 2 device 0 again.
    POCL_DEVICES="pthread pthread" mpi 3 run reduce --size=10000 --backend=opencl "${QUICK[@]}" --format=json
    expect_status 0
    check "devices chosen by local rank (0, 1, 0)" test "$(grep -o '"device_selector": "[0-9]*"' "$OUT" | tr -dc '0-9')" = 010
fi

# --split is the one-process way to share a run: with mpirun it is refused.
mpi 2 run reduce --size=1000 --device=0,1 --split
expect_status 64
expect_stderr_contains "--split does not combine with mpirun"

# bench/mpi-scaling.sh at a tiny size: a row per mode and rank count, every
# run verified and the strong runs' values equal (it checks them itself).
SCALING=$(dirname "${BASH_SOURCE[0]}")/../../bench/mpi-scaling.sh
bash "$SCALING" "$GPUCC" 2 1e4 1 2 >"$OUT" 2>"$ERR"
LAST_RC=$?
expect_status 0
check "mpi-scaling.sh prints 4 rows" \
    test "$(grep -cE '^(strong|weak) +[12] +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$' "$OUT")" -eq 4
bash "$SCALING" "$GPUCC" 0 >"$OUT" 2>"$ERR"
LAST_RC=$?
expect_status 64

cli_summary
