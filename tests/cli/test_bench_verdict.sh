#!/usr/bin/env bash
# End-to-end test of the verdicts of `gpucc bench --compare` on saved runs
# written here with known samples (nothing is measured, nothing asserts a
# time): exit 0 for same and faster, 1 for slower with the point and by how
# much, --threshold, too few samples, the refusals across machines and
# builds and of a base without samples (exit 65, one line), --across,
# --junit (well-formed XML; refused paths before any work) and usage errors.
#
#   usage: test_bench_verdict.sh PATH/TO/gpucc
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

# shellcheck disable=SC2034 # cli-lib.sh's run uses it
GPUCC=${1:?usage: test_bench_verdict.sh PATH/TO/gpucc}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-bench-verdict-test

bench() {
    run bench "$@"
    RC=$LAST_RC
}

# row WORKLOAD WHAT THROUGHPUT FRACTION SAMPLES: one row line of the size
# suite on serial at n = 1000.
row() {
    printf '  {"suite": "size", "workload": "%s", "what": "%s", "variant": "", "backend": "serial", ' "$1" "$2"
    printf '"device": "cpu", "n": 1000, "batch": 0, "in": 0, "out": 0, "threads": 0, "local_size": 0, "impl": "", '
    printf '"repeats": 10, "samples_ms": [%s], "kernel_samples_ms": [%s], "unit": "GB/s", ' "$5" "$5"
    printf '"throughput": %s, "kernel_throughput": %s, "ceiling": "host_read_1t", "ceiling_value": 8, ' "$3" "$3"
    printf '"fraction_of_ceiling": %s, "verified": true, "status": "ok", "message": ""}' "$4"
}

# saved PATH CPU BUILD_TYPE REDUCE_SAMPLES REDUCE_THROUGHPUT MAP_SAMPLES
# [old]: a saved run of two points (reduce and map) on "2 x CPU" by a
# build of BUILD_TYPE; with "old", as an earlier gpucc wrote it: no build
# line and no samples.
saved() {
    local path=$1 cpu=$2 type=$3 reduce=$4 reduce_rate=$5 map=$6 old=${7-}
    local context="\"date\": \"2026-12-01T00:00:00Z\", \"cpu\": \"$cpu\", \"cpus\": 2, \"governor\": \"\""
    context+=", \"cpu_mhz\": null, \"memory_gib\": 8.0, \"os\": \"Linux\", \"compiler\": \"gcc\""
    local build="\"version\": \"0.1.0\", \"git\": \"fixture\", \"build_type\": \"$type\", \"sanitizer\": \"\""
    build+=", \"compiler\": \"GNU 12.2.0\", \"opencl\": true, \"clblast\": true, \"native\": false"
    {
        echo '{"schema_version": 1, "generator": "gpucc 0.1.0 bench",'
        echo " \"context\": {$context, \"opencl_devices\": []},"
        echo ' "settings": {"suites": "size", "backends": "serial", "device": "", "max_size": 1000},'
        [[ $old ]] || echo " \"build\": {$build},"
        echo ' "ceilings": {'
        echo '  "host_read_1t": {"unit": "GB/s", "median": 8, "min": 7, "max": 9, "what": "fixture"}'
        echo ' },'
        echo ' "notes": [],'
        echo ' "rows": ['
        row reduce sum "$reduce_rate" "$(awk "BEGIN { print $reduce_rate / 8 }")" "$reduce" | if [[ $old ]]; then
            sed 's/"samples_ms": \[[^]]*\], "kernel_samples_ms": \[[^]]*\], //'
        else
            cat
        fi
        echo ','
        row map square 2 0.25 "$map"
        echo
        echo ' ]'
        echo '}'
    } >"$path"
}

CPU="Fixture CPU 9000"
QUIET="1, 1.01, 1.02, 1.03, 1.04, 1.05, 1.06, 1.07, 1.08, 1.09"
SLOW="1.2, 1.21, 1.22, 1.23, 1.24, 1.25, 1.26, 1.27, 1.28, 1.29" # 19.1% more time: 16.1% less throughput
TIGHT="1, 1.001, 1.002, 1.003, 1.004, 1.005, 1.006, 1.007, 1.008, 1.009"
NEAR="1.03, 1.031, 1.032, 1.033, 1.034, 1.035, 1.036, 1.037, 1.038, 1.039" # 3% more time: 2.9% less throughput
BASE=$WORK/base.json
saved "$BASE" "$CPU" Release "$QUIET" 4 "$QUIET"
saved "$WORK/same.json" "$CPU" Release "$QUIET" 4 "$QUIET"
saved "$WORK/slower.json" "$CPU" Release "$SLOW" 3.357 "$QUIET"
saved "$WORK/tight.json" "$CPU" Release "$TIGHT" 4 "$QUIET"
saved "$WORK/near.json" "$CPU" Release "$NEAR" 3.884 "$QUIET"
saved "$WORK/tiny.json" "$CPU" Release "1, 1.01, 1.02" 4 "1, 1.01, 1.02"
saved "$WORK/other-machine.json" "Another CPU 1000" Release "$QUIET" 4 "$QUIET"
saved "$WORK/other-build.json" "$CPU" Debug "$QUIET" 4 "$QUIET"
saved "$WORK/older.json" "$CPU" Release "$QUIET" 4 "$QUIET" old
if command -v python3 >/dev/null; then
    check "the fixtures are JSON" \
        python3 -c 'import json, sys; [json.load(open(f)) for f in sys.argv[1:]]' "$WORK"/*.json
fi

# well_formed FILE: FILE parses as XML.
well_formed() { python3 -c 'import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])' "$1"; }

# Same samples: same, exit 0.
bench --compare="$BASE" --from="$WORK/same.json" --junit="$WORK/same.xml"
check "same samples exit 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
check "same samples: every point same" grep -q '^2 points: 0 slower, 0 faster, 2 same, 0 without a verdict' "$WORK/out"
check "the verdicts name the test, alpha and threshold" \
    grep -q '^verdicts: Mann-Whitney U on the per-call times, two-sided, alpha 0.05; a change counts above 5%$' \
    "$WORK/out"
check "same samples: JUnit file written" test -s "$WORK/same.xml"
if command -v python3 >/dev/null; then
    check "same samples: JUnit is well-formed XML" well_formed "$WORK/same.xml"
fi
check "same samples: 2 testcases, no failure" test "$(grep -c '<testcase ' "$WORK/same.xml")" -eq 2 -a \
    "$(grep -c '<failure' "$WORK/same.xml")" -eq 0

# Slower by 16%: exit 1, the point and by how much; a failure in JUnit.
bench --compare="$BASE" --from="$WORK/slower.json" --junit="$WORK/slower.xml"
check "slower exits 1 (got $RC)" test "$RC" -eq 1
check "slower: the tally" grep -q '^2 points: 1 slower, 0 faster, 1 same, 0 without a verdict' "$WORK/out"
check "slower: names the point and by how much" \
    grep -q '^SLOWER: size reduce sum serial - n=1000 t=0 l=0 by 16\.1% (p = 1\.1e-05)$' "$WORK/out"
check "slower: the row's verdict" grep -q '^size  *reduce sum .* slower: -16\.1% (p = 1\.1e-05)$' "$WORK/out"
if command -v python3 >/dev/null; then
    check "slower: JUnit is well-formed XML" well_formed "$WORK/slower.xml"
fi
check "slower: one JUnit failure, on the reduce point" \
    test "$(grep -c '<failure message="slower: -16.1% (p = 1.1e-05)"' "$WORK/slower.xml")" -eq 1 -a \
    "$(grep -c 'failures="1"' "$WORK/slower.xml")" -eq 1
check "slower: JUnit names the point" grep -q 'classname="gpucc.bench.size" name="reduce sum serial - n=1000 t=0 l=0"' \
    "$WORK/slower.xml"

# The other way round: faster, exit 0.
bench --compare="$WORK/slower.json" --from="$BASE"
check "faster exits 0 (got $RC)" test "$RC" -eq 0
check "faster: the row's verdict" grep -q '^size  *reduce sum .* faster: +19\.1% (p = 1\.1e-05)$' "$WORK/out"

# --threshold: 16% is not above 20%; a significant 2.9% is not above 5%, but above 1%.
bench --compare="$BASE" --from="$WORK/slower.json" --threshold=20
check "--threshold=20: exit 0 (got $RC)" test "$RC" -eq 0
check "--threshold=20: the row is same" grep -q '^size  *reduce sum .* same: -16\.1%' "$WORK/out"
bench --compare="$WORK/tight.json" --from="$WORK/near.json"
check "a 2.9% shift: exit 0 (got $RC)" test "$RC" -eq 0
check "a 2.9% shift: same although significant" grep -q '^size  *reduce sum .* same: -2\.9% (p = 1\.1e-05)$' "$WORK/out"
bench --compare="$WORK/tight.json" --from="$WORK/near.json" --threshold=1%
check "a 2.9% shift with --threshold=1%: exit 1 (got $RC)" test "$RC" -eq 1

# Too few samples: 3 and 3 cannot reach p < 0.05, whatever they hold.
bench --compare="$WORK/tiny.json" --from="$WORK/tiny.json" --junit="$WORK/tiny.xml"
check "too few samples: exit 0 (got $RC)" test "$RC" -eq 0
check "too few samples: no verdict, said so" test "$(grep -c 'no verdict: too few samples (3 and 3' "$WORK/out")" -eq 2
check "too few samples: skipped in JUnit" \
    test "$(grep -c '<skipped message="no verdict: too few samples' "$WORK/tiny.xml")" -eq 2

# Refusals: another machine, another build, a base without samples: exit
# 65, one line, no JUnit file.
bench --compare="$WORK/other-machine.json" --from="$BASE" --junit="$WORK/refused.xml"
check "another machine: exit 65 (got $RC)" test "$RC" -eq 65
check "another machine: one line naming both CPUs" test "$(wc -l <"$WORK/err")" -eq 1 -a \
    "$(grep -c "other-machine.json was measured on 2 x 'Another CPU 1000', .*base.json on 2 x '$CPU': no verdict" \
        "$WORK/err")" -eq 1
check "another machine: no verdict printed, no JUnit file" test ! -s "$WORK/out" -a ! -e "$WORK/refused.xml"
check "another machine: no temporary file left" test -z "$(compgen -G "$WORK/refused.xml.tmp-*")"
bench --compare="$WORK/other-build.json" --from="$BASE"
check "another build: exit 65 (got $RC)" test "$RC" -eq 65
check "another build: one line naming both builds" test "$(wc -l <"$WORK/err")" -eq 1 -a \
    "$(grep -c 'comes from gpucc 0.1.0 Debug, .* from gpucc 0.1.0 Release, .*no verdict across builds' \
        "$WORK/err")" -eq 1
bench --compare="$WORK/older.json" --from="$BASE"
check "a base without samples: exit 65 (got $RC)" test "$RC" -eq 65
check "a base without samples: one line saying so" test "$(wc -l <"$WORK/err")" -eq 1 -a \
    "$(grep -c 'older.json has no timed samples (written by an older gpucc): no verdict' "$WORK/err")" -eq 1
# Before a run: the base of another machine stops it before anything is measured.
bench --compare="$WORK/other-machine.json" --suite=size --backend=serial --max-size=1e3 --quiet
check "another machine before a run: exit 65 (got $RC)" test "$RC" -eq 65
check "another machine before a run: nothing ran" test ! -s "$WORK/out"

# --across: two machines on purpose, rates and fractions side by side, no verdict.
bench --compare="$WORK/other-machine.json" --from="$BASE" --across
check "--across: exit 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
check "--across: both machines named" grep -q "^base: .*other-machine.json (.*2 x Another CPU 1000" "$WORK/out"
check "--across: rates and fractions side by side" \
    grep -q '^size  *reduce sum .*  4  *50\.0%  *4  *50\.0% GB/s$' "$WORK/out"
check "--across: no verdict" test "$(grep -c 'same\|slower\|faster' "$WORK/out")" -eq 0
bench --compare="$WORK/older.json" --from="$BASE" --across
check "--across takes a base without samples (got $RC)" test "$RC" -eq 0

# Usage errors and an unwritable --junit: nothing compared.
for args in "--junit=$WORK/j.xml" "--threshold=5" "--across" "--compare=$BASE --across --junit=$WORK/j.xml" \
    "--compare=$BASE --threshold=abc" "--compare=$BASE --threshold=100" "--compare=$BASE --threshold=-1"; do
    # shellcheck disable=SC2086
    bench $args --from="$BASE"
    check "bench $args: exit 64 (got $RC)" test "$RC" -eq 64
    check "bench $args: one line" test "$(wc -l <"$WORK/err")" -eq 1
done
bench --compare="$BASE" --from="$WORK/slower.json" --junit="$WORK/missing/j.xml"
check "--junit into a missing folder: exit 73 (got $RC)" test "$RC" -eq 73
check "--junit into a missing folder: one line naming it, nothing compared" test "$(wc -l <"$WORK/err")" -eq 1 -a \
    "$(grep -cF -- "--junit: cannot create $WORK/missing/j.xml" "$WORK/err")" -eq 1 -a ! -s "$WORK/out"

cli_summary
