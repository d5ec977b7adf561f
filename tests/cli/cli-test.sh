#!/usr/bin/env bash
# End-to-end tests of the gpucc command line: exit codes, error messages and
# the table/json/csv output of the real binary.
#
#   usage: cli-test.sh PATH/TO/gpucc
#
# Each expect_* call is one check; the last line printed is "N passed, M
# failed" and the exit status is nonzero when any check failed. Runs use
# tiny inputs (at most 1e5 elements, 1 warm-up + 2 timed calls). A build
# without OpenCL or CLBlast runs every check of the other backends and
# skips, saying so, the checks that need what it lacks (`needs`).
set -u

GPUCC=${1:?usage: cli-test.sh PATH/TO/gpucc}
if [[ ! -x $GPUCC ]]; then
    echo "cli-test.sh: '$GPUCC' is not an executable" >&2
    exit 2
fi

# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-cli-test
FAST=(--repeat=2 --warmup=1)
# The backends that run: a build without OpenCL shows opencl unavailable.
BACKENDS=(serial pthreads)
needs OpenCL "the opencl rows of runs on all backends" && BACKENDS+=(opencl)
UNAVAILABLE=$((3 - ${#BACKENDS[@]})) # rows of the three backends that did not run

# ---- The framework (more in tests/support/cli-lib.sh) ----

# expect_stdout_lines REGEX N: exactly N lines of stdout match REGEX (ERE).
expect_stdout_lines() {
    local n
    n=$(grep -cE -- "$1" "$OUT")
    if [[ $n == "$2" ]]; then pass; else fail "expected $2 stdout lines matching /$1/, found $n"; fi
}

# expect_stdout_count TEXT N: TEXT occurs exactly N times in stdout.
expect_stdout_count() {
    local n
    n=$(grep -oF -- "$1" "$OUT" | wc -l)
    if [[ $n == "$2" ]]; then pass; else fail "expected $2 occurrences of '$1' in stdout, found $n"; fi
}

# expect_pass_rows BACKEND...: the table has a PASS row for each backend.
expect_pass_rows() {
    local b
    for b in "$@"; do
        expect_stdout_lines "^$b .* PASS\$" 1
    done
}

# expect_json_value BACKEND VALUE: that backend's JSON result has this value.
expect_json_value() {
    expect_stdout_lines "\"backend\": \"$1\".*\"value\": $2," 1
}

# expect_json_values VALUE: every backend's JSON result has this value.
expect_json_values() {
    local b
    for b in "${BACKENDS[@]}"; do
        expect_json_value "$b" "$1"
    done
}

HAVE_PYTHON=0
if command -v python3 >/dev/null 2>&1 && python3 -c 'import json' >/dev/null 2>&1; then
    HAVE_PYTHON=1
fi

# expect_valid_json: stdout parses as JSON (skipped without python3).
expect_valid_json() {
    if [[ $HAVE_PYTHON == 0 ]]; then
        return 0
    fi
    if python3 -m json.tool "$OUT" >/dev/null 2>"$WORK/json-error"; then
        pass
    else
        fail "stdout is not valid JSON: $(head -n 1 "$WORK/json-error")"
    fi
}

# ---- Input files ----

# 1.0, 2.0, 3.5 as little-endian float32: sum 6.5, min 1, max 3.5.
FLOATS='\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x60\x40'
printf '%b' "$FLOATS" >"$WORK/three.f32"
write_npy "$WORK/three.npy" '<f4' '(3,)'
printf '%b' "$FLOATS" >>"$WORK/three.npy"
: >"$WORK/empty.f32"
printf '1234567' >"$WORK/seven.f32"
printf 'NOTNPY\x01\x00\x76\x00' >"$WORK/badmagic.npy"
write_npy "$WORK/f8.npy" '<f8' '(2,)'
printf '\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40' >>"$WORK/f8.npy"

# ---- Help and version ----

expect_exit 0 -- --help
expect_stdout_contains "usage: gpucc"
expect_stderr_empty
expect_exit 0 -- --version
expect_stdout_lines '^gpucc [0-9]+\.[0-9]+\.[0-9]+$' 1
expect_exit 0 -- run --help
expect_stdout_contains "usage: gpucc run reduce"
expect_exit 0 -- run reduce --help
expect_stdout_contains "usage: gpucc run reduce"
expect_stdout_contains "--size=N"
# The lists in the help come from the library's tables, aligned as before.
expect_stdout_contains "  --backend=LIST         comma list of serial,pthreads,opencl (default: all available)"
expect_stdout_contains "  --op=sum|min|max       reduction (default: sum)"
expect_stdout_contains "  --fn=square|saxpy|relu|sigmoid|tanh|exp  function (default: square)"
expect_stdout_contains "  --act=none|relu|sigmoid|tanh  activation (default: relu)"
expect_stderr_empty

# No arguments at all is a usage error that shows the usage.
expect_exit 64 --
expect_output_contains "usage: gpucc"

# ---- Command-line errors (64) ----

expect_usage_error frobnicate
expect_stderr_contains "unknown command 'frobnicate'"
expect_usage_error run frobnicate
expect_stderr_contains "unknown workload 'frobnicate'"
expect_usage_error run reduce --no-such-option
expect_stderr_contains "--no-such-option"
expect_usage_error run reduce --size
expect_stderr_contains "option --size needs a value"
expect_usage_error run reduce unexpected-word
expect_stderr_contains "unexpected-word"

for value in abc -1 1e30 1.5 '' 0; do
    expect_usage_error run reduce "--size=$value"
    expect_stderr_contains "--size"
    expect_stderr_contains "'$value'"
done
expect_usage_error run reduce --size=abc
expect_stderr_contains "not a number"
expect_usage_error run reduce --size=-1
expect_stderr_contains "negative"
expect_usage_error run reduce --size=1e30
expect_stderr_contains "too large"
expect_usage_error run reduce --size=1.5
expect_stderr_contains "not an integer"
expect_usage_error run reduce --size=
expect_stderr_contains "empty"
expect_usage_error run reduce --size=0
expect_stderr_contains "at least 1"

expect_usage_error run reduce --op=foo
expect_stderr_contains "--op"
expect_stderr_contains "'foo'"
expect_usage_error run reduce --backend=foo
expect_stderr_contains "--backend"
expect_stderr_contains "'foo'"
expect_usage_error run reduce --backend=serial,foo
expect_stderr_contains "'foo'"
expect_usage_error run reduce --backend=
expect_stderr_contains "--backend"
expect_usage_error run reduce --backend=,
expect_stderr_contains "--backend"
expect_usage_error run reduce --threads=0
expect_stderr_contains "--threads"
expect_stderr_contains "'0'"
expect_usage_error run reduce --repeat=0
expect_stderr_contains "--repeat"
expect_stderr_contains "'0'"
expect_usage_error run reduce --format=xml
expect_stderr_contains "--format"
expect_stderr_contains "'xml'"
expect_usage_error run reduce --size=1e3 "--input=$WORK/three.f32"
expect_stderr_contains "--size"
expect_stderr_contains "--input"
expect_usage_error devices extra
expect_stderr_contains "devices"
expect_exit 0 -- devices --help
expect_stdout_contains "usage: gpucc devices"

# Refused by the OpenCL backend when it opens: still a usage error.
if needs OpenCL "a local size the OpenCL backend refuses (64)"; then
    expect_usage_error run reduce --size=1e5 "${FAST[@]}" --cl-shape=gpu --local-size=24
    expect_stderr_contains "local size 24"
    expect_stderr_contains "multiple of 16"
fi

# ---- Unavailable devices (69) ----

if needs OpenCL "unknown OpenCL devices (69)"; then
    expect_error 69 run reduce --size=1e3 "${FAST[@]}" --device=no-such-device-xyz
    expect_stderr_contains "no-such-device-xyz"
    expect_error 69 run reduce --size=1e3 "${FAST[@]}" --backend=opencl --device=99
    expect_stderr_contains "opencl"
    expect_stderr_contains "'99'"
fi

# ---- Several OpenCL devices: --device=LIST or all, one row each ----
# POCL_DEVICES exposes two CPU devices: each gets its own row, verified, with
# bitwise the serial row's sum.

# expect_json_same_values N: N verified results, all with the same value (rows
# of a backend this build lacks, status "unavailable", left out).
expect_json_same_values() {
    if [[ $HAVE_PYTHON == 0 ]]; then
        return 0
    fi
    if python3 -c 'import json, sys
r = [x for x in json.load(open(sys.argv[1]))["results"] if x.get("status") != "unavailable"]
assert len(r) == int(sys.argv[2]) and all(x["verified"] for x in r), r
assert len({x["value"] for x in r}) == 1, [x["value"] for x in r]' "$OUT" "$1" 2>"$WORK/json-error"; then
        pass
    else
        fail "expected $1 verified results with one value: $(tail -n 1 "$WORK/json-error")"
    fi
}

if needs OpenCL "runs on several OpenCL devices"; then
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run reduce --size=100003 "${FAST[@]}" --device=all --format=json
    expect_stdout_count '"backend": "opencl"' 2
    expect_json_same_values 4
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run map --size=10007 "${FAST[@]}" --backend=opencl --device=0,1
    expect_stdout_lines "^opencl .* PASS\$" 2
    # --split: one more row, the run shared by both devices in whole blocks,
    # with bitwise the one-device value; its parts tile the input.
    for op in sum max; do
        POCL_DEVICES="pthread pthread" expect_exit 0 -- run reduce --size=100003 "${FAST[@]}" --device=all --split \
            --op=$op --format=json
        expect_json_same_values 5
        expect_stdout_contains '"device": "split: 0 '
        if [[ $HAVE_PYTHON == 1 ]]; then
            check "the split's parts tile the input" python3 -c 'import json, sys
row = json.load(open(sys.argv[1]))["results"][-1]
parts = row["split"]
assert [p["device"] for p in parts] == ["0", "1"], parts
assert parts[0]["first"] == 0 and parts[0]["end"] == parts[1]["first"] and parts[1]["end"] == 100003, parts
assert parts[0]["end"] % 4096 == 0 and all(p["time_ms"] > 0 for p in parts if p["end"] > p["first"]), parts' "$OUT"
        fi
    done
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run dot --size=100003 "${FAST[@]}" --device=0,1 --split --format=json
    expect_json_same_values 5
    expect_stdout_contains '"device": "split: 0 '
    # A row that is not ok (dot without fp64: UNSUPPORTED) has as many CSV fields as the header.
    POCL_DEVICES="pthread pthread" expect_exit 0 -- run dot --size=1e3 "${FAST[@]}" --device=0,1 --cl-fp32 --format=csv
    if [[ $HAVE_PYTHON == 1 ]]; then
        check "every CSV line has the header's field count" python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
assert len(rows) == 5 and rows[-1][6] == "unsupported" and len({len(r) for r in rows}) == 1, rows' "$OUT"
    fi
    POCL_DEVICES="pthread pthread" expect_error 69 run reduce --size=1e3 "${FAST[@]}" --device=0,99
    expect_stderr_contains "'99'"
fi
expect_usage_error run reduce --size=1e3 "${FAST[@]}" --split
expect_stderr_contains "--split needs the opencl backend and several devices"
expect_usage_error run reduce --size=1e3 "${FAST[@]}" --backend=serial --device=0,1 --split
expect_usage_error run reduce --size=1e3 "${FAST[@]}" --device=0,,1
expect_stderr_contains "--device"

# ---- Input files: missing (66) and malformed (65) ----
# --backend=serial: only the file's message is on stderr (opening OpenCL
# prints a notice about building kernels).

expect_error 66 run reduce "${FAST[@]}" --backend=serial --input=/nonexistent.npy
expect_stderr_contains "/nonexistent.npy"
expect_stderr_contains "No such file"
expect_exit 66 -- run reduce "${FAST[@]}" --input=/nonexistent.npy
expect_stdout_empty
expect_stderr_contains "/nonexistent.npy"
expect_error 66 run reduce "${FAST[@]}" --backend=serial "--input=$WORK"
expect_stderr_contains "$WORK"

expect_error 65 run reduce "${FAST[@]}" --backend=serial "--input=$WORK/badmagic.npy"
expect_stderr_contains "badmagic.npy"
expect_stderr_contains "magic"
expect_error 65 run reduce "${FAST[@]}" --backend=serial "--input=$WORK/f8.npy"
expect_stderr_contains "f8.npy"
expect_stderr_contains "'<f8'"
expect_error 65 run reduce "${FAST[@]}" --backend=serial "--input=$WORK/seven.f32"
expect_stderr_contains "seven.f32"
expect_stderr_contains "7 bytes"
expect_stderr_contains "multiple of 4"
expect_exit 65 -- run reduce "${FAST[@]}" "--input=$WORK/seven.f32"
expect_stdout_empty
expect_stderr_contains "multiple of 4"

# ---- Known data from files ----

expect_exit 0 -- run reduce "${FAST[@]}" --format=json "--input=$WORK/three.f32"
expect_valid_json
expect_stdout_contains '"n": 3,'
expect_json_values 6.5
expect_stdout_count '"verified": true' ${#BACKENDS[@]}

expect_exit 0 -- run reduce "${FAST[@]}" --format=json --op=max "--input=$WORK/three.f32"
expect_valid_json
expect_json_values 3.5

expect_exit 0 -- run reduce "${FAST[@]}" --format=json --op=min "--input=$WORK/three.f32"
expect_json_values 1

expect_exit 0 -- run reduce "${FAST[@]}" --format=json "--input=$WORK/three.npy"
expect_valid_json
expect_json_values 6.5

expect_exit 0 -- run reduce "${FAST[@]}" --format=json "--input=$WORK/empty.f32"
expect_valid_json
expect_stdout_contains '"n": 0,'
expect_json_values 0
expect_stdout_count '"verified": true' ${#BACKENDS[@]}

expect_exit 0 -- run reduce "${FAST[@]}" "--input=$WORK/empty.f32"
expect_pass_rows "${BACKENDS[@]}"

# ---- Generated data: the three formats ----

expect_exit 0 -- run reduce --size=2.5e4 "${FAST[@]}"
expect_stdout_contains "over 25000 float32"
expect_pass_rows "${BACKENDS[@]}"

expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --format=json
expect_valid_json
expect_stdout_contains '"results"'
expect_stdout_contains '"n": 100000,'
expect_stdout_count '"speedup_vs_serial"' ${#BACKENDS[@]}
expect_stdout_count '"verified": true' ${#BACKENDS[@]}
expect_stdout_count '"verified": false' $UNAVAILABLE

expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --format=csv
expect_stdout_lines '.' 4
expect_stdout_lines '^workload,what,n,source,backend,' 1
for b in "${BACKENDS[@]}"; do
    expect_stdout_lines "^reduce,sum,100000,generated:seed=1,$b,.*,ok,.*,true,[^,]*,[^,]*,f32\$" 1
done

expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}"
expect_stdout_contains "reduce sum over 100000 float32"
expect_pass_rows "${BACKENDS[@]}"

# ---- Backend selection, ops, OpenCL tuning ----

expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --backend=serial,pthreads --format=json
expect_stdout_count '"backend":' 2
expect_stdout_contains '"backend": "serial"'
expect_stdout_contains '"backend": "pthreads"'
expect_stdout_lacks '"backend": "opencl"'
expect_stderr_empty

for op in min max; do
    expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" "--op=$op"
    expect_stdout_contains "reduce $op over 100000 float32"
    expect_pass_rows "${BACKENDS[@]}"
done

# 65536 bytes hold 4 blocks of 4096 floats: 1e5 elements run in 7 chunks.
if needs OpenCL "chunked and tuned OpenCL runs"; then
    expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --backend=opencl --cl-max-alloc=65536 --format=json
    expect_stdout_contains '"chunked": true'
    expect_stdout_count '"verified": true' 1
    expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --backend=opencl --cl-max-alloc=65536
    expect_pass_rows opencl

    expect_exit 0 -- run reduce --size=1e5 "${FAST[@]}" --backend=opencl --cl-shape=cpu --local-size=3
    expect_pass_rows opencl
fi

# ---- Map ----

expect_exit 0 -- run map --size=1e5 "${FAST[@]}"
expect_stdout_contains "map square over 100000 float32"
expect_pass_rows "${BACKENDS[@]}"
for fn in square saxpy relu sigmoid tanh exp; do
    expect_exit 0 -- run map --size=3e4 "${FAST[@]}" "--fn=$fn" --format=json
    expect_stdout_contains "\"fn\": \"$fn\""
    expect_stdout_count '"verified": true' ${#BACKENDS[@]}
    expect_stdout_contains '"max_ulp": '
done
expect_usage_error run map --fn=cube
expect_usage_error run map --fn=saxpy --alpha=abc
expect_usage_error run map --fn=saxpy --alpha=1e60
expect_usage_error run map --op=sum
expect_usage_error run reduce --fn=square
expect_usage_error run map --output-backend=opencl --backend=serial "--output=$WORK/x.npy"
expect_usage_error run map --output-backend=serial
expect_stderr_contains "--output-backend needs --output"

# --output round-trips through the .npy reader: 1, 4, 12.25 sum to 17.25.
expect_exit 0 -- run map "${FAST[@]}" "--input=$WORK/three.f32" "--output=$WORK/squares.npy"
expect_exit 0 -- run reduce "${FAST[@]}" --backend=serial "--input=$WORK/squares.npy" --format=json
expect_json_value serial 17.25
if needs OpenCL "run map --output-backend=opencl"; then
    expect_exit 0 -- run map "${FAST[@]}" --backend=serial,opencl --output-backend=opencl "--input=$WORK/three.f32" "--output=$WORK/squares-cl.npy"
    if cmp -s "$WORK/squares.npy" "$WORK/squares-cl.npy"; then pass; else fail "opencl's output file differs from serial's"; fi
fi
# The copy path (--cl-copy) through pinned staging, in steps of 16384 bytes
# (1e5 floats: 25 steps), overlapped unless --cl-no-overlap; dense copied too.
if needs OpenCL "run map --cl-copy"; then
    for overlapped in true false; do
        no_overlap=()
        [[ $overlapped == false ]] && no_overlap=(--cl-no-overlap)
        expect_exit 0 -- run map --fn=saxpy --size=1e5 "${FAST[@]}" --backend=opencl --cl-copy --cl-max-alloc=16384 \
            "${no_overlap[@]}" --format=json
        expect_stdout_contains '"copied": true'
        expect_stdout_contains "\"overlapped\": $overlapped"
        expect_stdout_count '"verified": true' 1
    done
    expect_exit 0 -- run map "${FAST[@]}" --backend=serial,opencl --cl-copy --output-backend=opencl \
        "--input=$WORK/three.f32" "--output=$WORK/squares-copied.npy"
    if cmp -s "$WORK/squares.npy" "$WORK/squares-copied.npy"; then pass; else fail "the copy path's file differs"; fi
    expect_exit 0 -- run dense --batch=7 --in=33 --out=65 "${FAST[@]}" --backend=opencl --cl-copy --format=json
    expect_stdout_contains '"copied": true'
    expect_stdout_count '"verified": true' 1
fi
# An output that cannot be written: exit 73, nothing left behind.
expect_exit 73 -- run map "${FAST[@]}" --backend=serial "--input=$WORK/three.f32" "--output=$WORK/no/such/dir/y.npy"
expect_stderr_contains "no/such/dir/y.npy"
if [[ ! -e $WORK/no ]]; then pass; else fail "a failed --output left files behind"; fi
# --output-backend names its backend: when that one is unavailable (no
# OpenCL ICD here) the run fails with 69 instead of exiting 0 with no file.
OCL_ICD_VENDORS=$WORK/no-icd OCL_ICD_FILENAMES= expect_exit 69 -- run map "${FAST[@]}" \
    "--input=$WORK/three.f32" --output-backend=opencl "--output=$WORK/no-cl.npy"
expect_stderr_contains "opencl backend unavailable"
if [[ ! -e $WORK/no-cl.npy ]]; then pass; else fail "a failed --output left a file behind"; fi
# An existing FIFO (or device) is written in place, not replaced by a
# regular file renamed over it (as root that turned /dev/full into a file;
# the test stays away from system devices and uses its own FIFO).
mkfifo "$WORK/fifo.npy"
cat "$WORK/fifo.npy" >"$WORK/from-fifo" &
reader=$!
expect_exit 0 -- run map "${FAST[@]}" --backend=serial "--input=$WORK/three.f32" "--output=$WORK/fifo.npy"
if [[ -p $WORK/fifo.npy ]]; then
    pass
    wait "$reader"
    if cmp -s "$WORK/squares.npy" "$WORK/from-fifo"; then pass; else fail "the FIFO got other bytes than the file"; fi
else
    fail "--output replaced the FIFO with a regular file"
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
fi

# ---- Dense ----

expect_exit 0 -- run dense --batch=4 --in=8 --out=3 "${FAST[@]}"
expect_stdout_contains "dense 4x8x3 (batch x in x out), act relu"
expect_pass_rows "${BACKENDS[@]}"
for act in none relu sigmoid tanh; do
    expect_exit 0 -- run dense --batch=5 --in=33 --out=7 "${FAST[@]}" "--act=$act" --format=json
    expect_stdout_count '"verified": true' ${#BACKENDS[@]}
    expect_stdout_contains '"gflops": '
done
dense_impls=()
needs CLBlast "run dense --impl=clblast" && dense_impls+=(clblast)
needs OpenCL "run dense --impl=kernel" && dense_impls+=(kernel)
for impl in "${dense_impls[@]}"; do
    expect_exit 0 -- run dense --batch=7 --in=33 --out=65 "${FAST[@]}" --backend=opencl "--impl=$impl" --format=json
    expect_stdout_contains "\"impl\": \"$impl\""
    expect_stdout_count '"verified": true' 1
done
expect_usage_error run dense --batch=0
expect_usage_error run dense --in=abc
expect_usage_error run dense --out=1.5
expect_usage_error run dense --act=gelu
expect_usage_error run dense --impl=cublas
expect_usage_error run dense --size=10
expect_usage_error run dense "--input=$WORK/three.f32"
expect_stderr_contains "go together"

# X = [[1,2,3],[4,5,6]], W = [[1,0,0],[0,1,0]], b = [0.5,-10]:
# relu(X W^T + b) = [[1.5,0],[4.5,0]].
write_npy "$WORK/X.npy" '<f4' '(2, 3)'
printf '%b' '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40\x00\x00\xa0\x40\x00\x00\xc0\x40' >>"$WORK/X.npy"
write_npy "$WORK/W.npy" '<f4' '(2, 3)'
printf '%b' '\x00\x00\x80\x3f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f\x00\x00\x00\x00' >>"$WORK/W.npy"
write_npy "$WORK/b.npy" '<f4' '(2,)'
printf '%b' '\x00\x00\x00\x3f\x00\x00\x20\xc1' >>"$WORK/b.npy"
write_npy "$WORK/Y-expected.npy" '<f4' '(2, 2)'
printf '%b' '\x00\x00\xc0\x3f\x00\x00\x00\x00\x00\x00\x90\x40\x00\x00\x00\x00' >>"$WORK/Y-expected.npy"
for b in "${BACKENDS[@]}"; do
    expect_exit 0 -- run dense "${FAST[@]}" "--backend=$b" "--input=$WORK/X.npy" "--weights=$WORK/W.npy" \
        "--bias=$WORK/b.npy" "--output=$WORK/Y-$b.npy"
    if cmp -s "$WORK/Y-expected.npy" "$WORK/Y-$b.npy"; then pass; else fail "Y written by $b is not [[1.5,0],[4.5,0]]"; fi
done
write_npy "$WORK/W24.npy" '<f4' '(2, 4)'
printf '%b' '\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f\x00\x00\x80\x3f' >>"$WORK/W24.npy"
expect_error 65 run dense "${FAST[@]}" --backend=serial "--input=$WORK/X.npy" "--weights=$WORK/W24.npy" "--bias=$WORK/b.npy"
expect_stderr_contains "is 2x3"
expect_stderr_contains "is 2x4"
expect_error 65 run dense "${FAST[@]}" --backend=serial "--input=$WORK/X.npy" "--weights=$WORK/W.npy" "--bias=$WORK/three.npy"
expect_error 65 run dense "${FAST[@]}" --backend=serial "--input=$WORK/three.npy" "--weights=$WORK/W.npy" "--bias=$WORK/b.npy"
expect_stderr_contains "must be 2-D"
expect_usage_error run dense --batch=2 "--input=$WORK/X.npy" "--weights=$WORK/W.npy" "--bias=$WORK/b.npy"

# ---- Energy (RAPL through powercap; GPUCC_POWERCAP_ROOT names a made-up one) ----

GPUCC_POWERCAP_ROOT=$WORK/no-powercap expect_exit 0 -- run reduce --size=1e3 "${FAST[@]}" --backend=serial
expect_stdout_contains "energy: n/a: no RAPL energy counters ($WORK/no-powercap"
GPUCC_POWERCAP_ROOT=$WORK/no-powercap expect_exit 0 -- run reduce --size=1e3 "${FAST[@]}" --backend=serial --format=json
expect_stdout_contains '"energy": {"available": false, "why": "no RAPL energy counters'
expect_stdout_contains '"energy_j": null, "gb_per_joule": null'
mkdir -p "$WORK/powercap/intel-rapl:0"
echo package-0 >"$WORK/powercap/intel-rapl:0/name"
echo 1000000 >"$WORK/powercap/intel-rapl:0/energy_uj"
echo 262143328850 >"$WORK/powercap/intel-rapl:0/max_energy_range_uj"
GPUCC_POWERCAP_ROOT=$WORK/powercap expect_exit 0 -- run dense --batch=2 --in=8 --out=4 "${FAST[@]}" --backend=serial
expect_stdout_contains "energy: the host CPU packages' (RAPL: package-0), per timed call: J/call and GFLOP/J"
expect_stdout_lines '^backend .* J/call +GFLOP/J +check$' 1
GPUCC_POWERCAP_ROOT=$WORK/powercap expect_exit 0 -- run map --size=1e3 "${FAST[@]}" --backend=serial --format=csv
expect_stdout_lines ',energy_j,gb_per_joule,dtype$' 1
expect_stdout_lines '^map,square,.*,true,,,f32$' 1 # a timed window under 100 ms is not metered

# ---- dot ----

# x = y = [1, 2, 3.5] from a .npy and a raw file: 1 + 4 + 12.25 = 17.25
# exactly, on every backend, and so is the exact reference.
expect_exit 0 -- run dot "${FAST[@]}" --format=json "--input=$WORK/three.npy" "--input-y=$WORK/three.f32"
expect_json_values 17.25
expect_stdout_contains '"reference": {"kind": "exact", "value": 17.25, "abs_sum": 17.25}'
expect_stdout_contains "\"source\": \"file:$WORK/three.npy,$WORK/three.f32\""
# Generated (y from seed + 1), an odd size, OpenCL in chunks of 10 blocks:
# every row verified, with the same bits.
expect_exit 0 -- run dot "${FAST[@]}" --size=100003 --cl-max-alloc=163840 --format=json
expect_json_same_values "${#BACKENDS[@]}"
expect_exit 0 -- run dot "${FAST[@]}" --size=4097
expect_pass_rows "${BACKENDS[@]}"
expect_stdout_contains "reference: exact sum "
# Lengths that do not fit are a data error; half of the files, or an option
# of another workload, a usage error.
write_npy "$WORK/two.npy" '<f4' '(2,)'
printf '%b' '\x00\x00\x80\x3f\x00\x00\x00\x40' >>"$WORK/two.npy"
expect_error 65 run dot "${FAST[@]}" --backend=serial "--input=$WORK/three.npy" "--input-y=$WORK/two.npy"
expect_stderr_contains "3 elements"
expect_stderr_contains "has 2"
expect_usage_error run dot "--input=$WORK/three.npy"
expect_stderr_contains "go together"
expect_usage_error run dot --op=min
expect_usage_error run dot "--input=$WORK/three.npy" "--input-y=$WORK/three.npy" --size=3
# Without fp64 on the device dot is left out: the row says UNSUPPORTED and
# why, and the run still succeeds.
if needs OpenCL "dot's row on a device without fp64"; then
    expect_exit 0 -- run dot "${FAST[@]}" --size=1e3 --backend=opencl --cl-fp32
    expect_stdout_contains "UNSUPPORTED: dot needs fp64"
fi

# ---- Peak ----

# expect_peak_row LABEL UNIT: the table has that row (LABEL an extended
# regular expression) with a positive value in UNIT.
expect_peak_row() {
    if grep -qE "^  $1 +([1-9][0-9]*\.[0-9]+|0\.[0-9]*[1-9][0-9]*) $2 " "$OUT"; then
        pass
    else
        fail "no row '$1' with a positive value in $2"
    fi
}

# expect_peak_json OPENCL: the ceilings of the host FMA peak (and with
# OPENCL=1 of at least one device: copy, FMA, pinned transfers each way and
# both at once) are in the JSON, their median, min and max finite and
# positive (skipped without python3).
expect_peak_json() {
    [[ $HAVE_PYTHON == 0 ]] && return 0
    if python3 - "$OUT" "$1" <<'PY'; then pass; else fail "peak JSON: a ceiling is missing, not finite or not positive"; fi
import json, math, sys
peak, opencl = json.load(open(sys.argv[1])), sys.argv[2] == "1"
stats = [peak["host"][k] for k in ("fma_1_thread_gflops", "fma_all_threads_gflops")]
stats += [d[k] for d in peak["opencl"]
          for k in ("copy_gbps", "fma_gflops", "pinned_host_to_device_gbps", "pinned_device_to_host_gbps",
                    "pinned_bidirectional_gbps")]
ok = (peak["opencl"] or not opencl) and all(math.isfinite(s[v]) and s[v] > 0 for s in stats for v in ("median", "min", "max"))
sys.exit(0 if ok else 1)
PY
}

expect_exit 0 -- peak --size-mb=64
expect_stdout_contains "read, 1 thread"
expect_stdout_contains "copy (read + write), all threads"
expect_peak_row "FP32 FMA, 1 thread" "GFLOP/s"
expect_peak_row "FP32 FMA, all threads" "GFLOP/s"
PEAK_OPENCL=0
if needs OpenCL "peak's OpenCL rows"; then
    PEAK_OPENCL=1
    expect_stdout_contains "global memory read (kernel)"
    expect_stdout_contains "kernel launch latency"
    expect_peak_row "global memory copy \\(kernel, r \\+ w\\)" "GB/s"
    expect_peak_row "FP32 FMA \\(kernel\\)" "GFLOP/s"
    expect_peak_row "host to device \\(pinned\\)" "GB/s"
    expect_peak_row "device to host \\(pinned\\)" "GB/s"
    expect_peak_row "both directions at once \\(pinned\\)" "GB/s"
fi
expect_exit 0 -- peak --size-mb=64 --format=json
expect_stdout_contains '"schema_version": 1'
expect_stdout_contains '"read_all_threads_gbps"'
expect_valid_json
expect_peak_json "$PEAK_OPENCL"
if needs CLBlast "peak's CLBlast SGEMM"; then
    expect_stdout_contains '"clblast_sgemm_gflops"'
fi
expect_usage_error peak --size-mb=0
expect_usage_error peak --format=xml
expect_usage_error peak --bogus
expect_exit 69 -- peak --size-mb=64 --device=no-such-device-xyz

# ---- Devices ----

expect_exit 0 -- devices
expect_stdout_lines '^CPU: [0-9]+ online threads$' 1
if needs OpenCL "the OpenCL device list"; then
    expect_stdout_lines '^\[0\] ' 1
fi

# ---- Output files: format, checked before the run, removed when stopped ----

# --output follows --input's extension rule: raw float32 for any name but
# .npy, so a raw round trip reads back the same floats (1, 4, 12.25).
expect_exit 0 -- run map "${FAST[@]}" --backend=serial "--input=$WORK/three.f32" "--output=$WORK/squares.f32"
if [[ $(wc -c <"$WORK/squares.f32") == 12 ]]; then pass; else fail "squares.f32 is not 3 raw floats"; fi
if cmp -s "$WORK/squares.f32" <(tail -c 12 "$WORK/squares.npy"); then pass; else fail "raw output differs from the .npy data"; fi
expect_exit 0 -- run reduce "${FAST[@]}" "--input=$WORK/squares.f32" --format=json
expect_json_values 17.25
expect_stdout_count '"verified": true' ${#BACKENDS[@]}
# .npy written, read back by map again: 1, 16, 150.0625 sum to 167.0625.
expect_exit 0 -- run map "${FAST[@]}" --backend=serial "--input=$WORK/squares.npy" "--output=$WORK/fourth.npy"
expect_exit 0 -- run reduce "${FAST[@]}" --backend=serial "--input=$WORK/fourth.npy" --format=json
expect_json_value serial 167.0625
# A 2-D dense result as raw float32: the data of Y-expected.npy, no header.
expect_exit 0 -- run dense "${FAST[@]}" --backend=serial "--input=$WORK/X.npy" "--weights=$WORK/W.npy" \
    "--bias=$WORK/b.npy" "--output=$WORK/Y.bin"
if cmp -s "$WORK/Y.bin" <(tail -c 16 "$WORK/Y-expected.npy"); then pass; else fail "raw Y is not [[1.5,0],[4.5,0]]"; fi

# expect_cantcreat PATH ARGS...: gpucc ARGS refuses PATH before any work:
# exit 73, nothing on stdout (no table: the run did not start), one line on
# stderr naming PATH, and no temporary file next to it.
expect_cantcreat() {
    local path=$1
    shift
    expect_error 73 "$@"
    expect_stderr_contains "$path"
    if ! compgen -G "$path.tmp-*" >/dev/null; then pass; else fail "a temporary file of $path was left"; fi
}
mkdir "$WORK/out-dir" "$WORK/read-only"
chmod 555 "$WORK/read-only"
for workload in "map --size=1e5" "dense --batch=4 --in=8 --out=3"; do
    # shellcheck disable=SC2086 # the workload and its size are two words
    expect_cantcreat "$WORK/out-dir" run $workload "${FAST[@]}" --backend=serial "--output=$WORK/out-dir"
    expect_stderr_contains "Is a directory"
    # shellcheck disable=SC2086
    expect_cantcreat "$WORK/missing/y.npy" run $workload "${FAST[@]}" "--output=$WORK/missing/y.npy"
    expect_stderr_contains "No such file or directory"
    if [[ ! -e $WORK/missing ]]; then pass; else fail "a folder was created for --output"; fi
done
if [[ $(id -u) == 0 ]]; then
    echo "skipped: --output into a read-only folder (root writes into it anyway)"
else
    expect_cantcreat "$WORK/read-only/y.f32" run map --size=1e5 "${FAST[@]}" "--output=$WORK/read-only/y.f32"
    expect_stderr_contains "Permission denied"
fi
if [[ -z $(find "$WORK/out-dir" "$WORK/read-only" -mindepth 1) ]]; then pass; else fail "files were created in refused folders"; fi
chmod 755 "$WORK/read-only"

# stop_while_writing SIGNAL CODE TARGET ARGS...: starts gpucc ARGS (a long
# run writing TARGET) in the background, polls until TARGET's temporary file
# exists (created before the work starts; at most 120 s), sends SIGNAL and
# checks the exit status CODE (128 + the signal's number), that no
# temporary file is left and that TARGET was not created (an earlier file
# there is the caller's to check). Job control is on while starting it: a
# script's background job would otherwise ignore SIGINT.
stop_while_writing() {
    local signal=$1 code=$2 target=$3 tries=0 existed=0 pid
    shift 3
    [[ -e $target ]] && existed=1
    LAST_CMD="$* (stopped by SIG$signal)"
    : >"$OUT"
    set -m
    "$GPUCC" "$@" >/dev/null 2>"$ERR" </dev/null &
    pid=$!
    set +m
    while ! compgen -G "$target.tmp-*" >/dev/null && kill -0 "$pid" 2>/dev/null && ((tries++ < 1200)); do
        sleep 0.1
    done
    if compgen -G "$target.tmp-*" >/dev/null; then pass; else fail "no temporary file of $target appeared"; fi
    kill -s "$signal" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null # (no "Hangup" line from bash)
    LAST_RC=$?
    expect_status "$code"
    if ! compgen -G "$target.tmp-*" >/dev/null; then pass; else fail "left behind: $(echo "$target".tmp-*)"; fi
    if [[ $existed == 1 || ! -e $target ]]; then pass; else fail "$target was created"; fi
}
# A million timed calls: minutes, unless stopped (which happens within a
# poll of the temporary file appearing).
LONG=(--size=1e6 --warmup=1 --repeat=1000000)
stop_while_writing INT 130 "$WORK/stopped.npy" run map "${LONG[@]}" --backend=serial "--output=$WORK/stopped.npy"
stop_while_writing TERM 143 "$WORK/stopped.f32" run map "${LONG[@]}" --backend=pthreads "--output=$WORK/stopped.f32"
stop_while_writing HUP 129 "$WORK/stopped-y.npy" run dense --batch=64 --in=64 --out=64 --warmup=1 --repeat=1000000 \
    --backend=serial "--output=$WORK/stopped-y.npy"
# An earlier file at the target is left as it was.
cp "$WORK/squares.npy" "$WORK/kept.npy"
stop_while_writing INT 130 "$WORK/kept.npy" run map "${LONG[@]}" --backend=serial "--output=$WORK/kept.npy"
if cmp -s "$WORK/squares.npy" "$WORK/kept.npy"; then pass; else fail "a stopped run changed the earlier --output file"; fi

# ---- Option values, no OpenCL platform, table and notices ----

# expect_needs_value OPTION ARGS...: gpucc ARGS is a usage error saying that
# OPTION needs a value. A value-taking option followed by another option
# used to take that option as its value ("--size: '--backend=serial' must
# not be negative"; bench --json --quiet wrote its JSON to a file "--quiet").
expect_needs_value() {
    local option=$1
    shift
    expect_usage_error "$@"
    expect_stderr_contains "option $option needs a value"
}
expect_needs_value --size run reduce --size --backend=serial
expect_needs_value --size run map --size -- --backend=serial
expect_needs_value --alpha run map --fn=saxpy --alpha --size=10
expect_needs_value --batch run dense --batch --in=8
expect_needs_value --input run reduce --input -h
expect_needs_value --device peak --device --format=json
expect_needs_value --size-mb peak --size-mb
expect_needs_value --json bench --json --quiet --suite=size --max-size=1e3 --backend=serial
expect_needs_value --min-time bench --min-time --suite=size
if [[ ! -e --quiet && ! -e $WORK/--quiet ]]; then pass; else fail "bench wrote a file named --quiet"; fi
# A negative number is a value, also as the next word; '=' passes any value.
expect_exit 0 -- run map --fn=saxpy --alpha -2 --size=100 "${FAST[@]}" --backend=serial
expect_stdout_contains "alpha -2"
expect_exit 66 -- run reduce "${FAST[@]}" --backend=serial "--input=--no-such-file.f32"
expect_stderr_contains "--no-such-file.f32"
# The other ways an option can be wrong, the same in every command.
expect_usage_error run reduce --cl-copy=1
expect_stderr_contains "option --cl-copy takes no value"
expect_usage_error run reduce --s=4
expect_stderr_contains "option '--s=4' is ambiguous"
for command in "run reduce" peak bench; do
    # shellcheck disable=SC2086 # "run reduce" is two words
    expect_usage_error $command --bogus
    expect_stderr_contains "unknown option '--bogus'"
    # shellcheck disable=SC2086
    expect_usage_error $command stray-word
    expect_stderr_contains "unexpected argument 'stray-word'"
done
expect_usage_error run reduce --fn=square
expect_stderr_contains "option --fn does not apply to reduce"

# Real values: float32 underflow (1e-50 used to become 0 silently),
# subnormals and overflow are refused; so are subnormal doubles.
for alpha in 1e-50 -1e-50 1e-40; do
    expect_usage_error run map --fn=saxpy "--alpha=$alpha" --size=100 --backend=serial
    expect_stderr_contains "--alpha: '$alpha' is too small for float32"
done
expect_usage_error run map --fn=saxpy --alpha=1e39 --size=100 --backend=serial
expect_stderr_contains "--alpha: '1e39' is too large for float32"
expect_usage_error run map --fn=saxpy --alpha=inf --size=100 --backend=serial
expect_stderr_contains "must be finite"
expect_exit 0 -- run map --fn=saxpy --alpha=1.2e-38 --size=100 "${FAST[@]}" --backend=serial --format=json
expect_stdout_lines '"alpha": 1\.[0-9]*e-38' 1
expect_usage_error bench --min-time=1e-310 --suite=size --max-size=1e3 --backend=serial
expect_stderr_contains "--min-time: '1e-310' is too small for double"

# No OpenCL platform (the ICD loader finds no driver in an empty folder):
# OpenCL is shown as unavailable and the command succeeds, unless OpenCL or
# a device was asked for by name (69, one line naming what is missing). A
# build without OpenCL has no loader to point elsewhere; scripts/ci/cpu-only.sh
# checks the same behaviour there.
if needs OpenCL "the checks without an OpenCL platform"; then
    mkdir -p "$WORK/empty-icd"
    no_opencl() { OCL_ICD_VENDORS=$WORK/empty-icd OCL_ICD_FILENAMES= "$@"; }
    no_opencl expect_error 69 peak --size-mb=16 --device=0
    expect_stderr_contains "--device=0"
    no_opencl expect_error 69 peak --size-mb=16 --device=gpu
    no_opencl expect_exit 0 -- peak --size-mb=16
    expect_stdout_contains "OpenCL: unavailable"
    no_opencl expect_exit 0 -- devices
    expect_stdout_contains "OpenCL: no platform or device found"
    no_opencl expect_exit 0 -- run reduce --size=1e3 "${FAST[@]}"
    expect_stdout_lines '^opencl .*SKIP' 1
    expect_pass_rows serial pthreads
    no_opencl expect_error 69 run reduce --size=1e3 "${FAST[@]}" --backend=opencl
    expect_stderr_contains "opencl backend unavailable"
    no_opencl expect_error 69 run reduce --size=1e3 "${FAST[@]}" --device=0
    no_opencl expect_exit 69 -- bench --suite=size --max-size=1e3 --backend=opencl "--json=$WORK/no-cl.json"
    if [[ ! -e $WORK/no-cl.json ]]; then pass; else fail "a failed bench left its --json file"; fi
fi

# A bench that cannot start (no such device: what --device=gpu does on a
# machine without a GPU) leaves no output file, empty or not.
expect_exit 69 -- bench --suite=size --max-size=1e3 --device=no-such-device-xyz "--json=$WORK/failed.json" \
    "--csv=$WORK/failed.csv"
if [[ ! -e $WORK/failed.json && ! -e $WORK/failed.csv ]]; then pass; else fail "a failed bench left an output file"; fi

# The table shows device names whole, or shortened at a word boundary with
# " ..." (they used to be cut at 34 characters, mid-word).
run run reduce --size=1e3 "${FAST[@]}" --backend=opencl --format=json
device=$(sed -n 's/.*"backend": "opencl", "device": "\([^"]*\)".*/\1/p' "$OUT")
if [[ -z $device ]]; then
    echo "skipped: device names in the table (no OpenCL device)"
else
    run run reduce --size=1e3 "${FAST[@]}" --backend=opencl
    if ((${#device} <= 72)); then
        expect_stdout_contains "opencl    $device "
    else
        cell=$(sed -n 's/^opencl    //p' "$OUT")
        cell=${cell:0:72}
        cell=${cell%% ...*}
        if [[ $device == "$cell "* ]]; then pass; else fail "'$device' shortened mid-word to '$cell'"; fi
    fi
    # The kernel-build notice states a measured time, never a guess about
    # the cache: a warm cache is silent, a slow build says how long it took.
    if ! grep -q "building OpenCL kernels" "$ERR" ||
        grep -qE "building OpenCL kernels for .* took [0-9]+\.[0-9] s" "$ERR"; then
        pass
    else
        fail "the kernel-build notice does not say how long the build took"
    fi
fi

# ---- --version: the version, the git description, the build options and
# the compiler, one line each ----
expect_exit 0 -- --version
expect_stdout_lines '^gpucc [0-9]+\.[0-9]+\.[0-9]+$' 1
expect_stdout_lines '^git: [^ ]+$' 1
expect_stdout_lines '^build type: [A-Za-z]+$' 1
expect_stdout_lines '^options: GPUCC_OPENCL=(ON|OFF) CLBlast=(ON|OFF) GPUCC_NATIVE=(ON|OFF) OpenBLAS=(ON|OFF) GPUCC_MPI=(ON|OFF) sanitizer=[^ ]+$' 1
expect_stdout_lines '^compiler: [A-Za-z]+ [0-9]+(\.[0-9]+)*$' 1
expect_stderr_empty

cli_summary
