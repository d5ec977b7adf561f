#!/usr/bin/env bash
# End-to-end test of `gpucc bench` and bench/plot.sh: --ceilings=skip, one
# quick run (size and threads suites up to 1e5 elements) that reuses a file of
# known ceilings instead of measuring them, its JSON and CSV, unusable
# --ceilings files, --compare, malformed and missing compare files, usage
# errors, and the plots where gnuplot exists. Nothing here asserts a time.
#
#   usage: test_bench.sh PATH/TO/gpucc PATH/TO/bench/plot.sh
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

GPUCC=${1:?usage: test_bench.sh PATH/TO/gpucc PATH/TO/plot.sh}
PLOT=${2:?usage: test_bench.sh PATH/TO/gpucc PATH/TO/plot.sh}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-bench-test

# bench ARGS...: runs gpucc bench ARGS (see run); its exit status also in RC.
bench() {
    run bench "$@"
    RC=$LAST_RC
}

JSON=$WORK/run.json
CSV=$WORK/run.csv

# --ceilings=skip: nothing measured, the output says so, no row has a fraction.
SKIP=$WORK/skip.json
bench --suite=threads --backend=pthreads --max-size=1e4 --min-time=0.01 --ceilings=skip --json="$SKIP" --quiet
check "--ceilings=skip exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
check "--ceilings=skip says so on stdout" grep -q '^ceilings: skipped (--ceilings=skip)' "$WORK/out"
check "--ceilings=skip measures no ceiling" test "$(grep -c 'host_read_1t' "$WORK/out")" -eq 0
check "--ceilings=skip: the JSON settings say skipped" grep -q '"ceilings": "skipped"' "$SKIP"
check "--ceilings=skip: rows have no fraction" test "$(grep -c '"fraction_of_ceiling": null' "$SKIP")" -ge 2

# PoCL's workers are pinned (POCL_AFFINITY=1) when the process may run on
# every online CPU and the environment leaves POCL_AFFINITY unset; a value
# the user set is kept; a process held to fewer CPUs is left unpinned.
pinned() { # pinned EXPECTED WHY: the JSON's context records POCL_AFFINITY=EXPECTED
    check "POCL_AFFINITY is \"$1\" $2 (context: $(grep -o '"POCL_AFFINITY": "[^"]*"' "$SKIP"))" \
        grep -q "\"POCL_AFFINITY\": \"$1\"" "$SKIP"
}
QUICK=(--suite=threads --backend=pthreads --max-size=1e4 --min-time=0.01 --ceilings=skip --json="$SKIP" --quiet)
ONLINE=$(getconf _NPROCESSORS_ONLN)
if [[ -z ${POCL_AFFINITY+set} && $(nproc) == "$ONLINE" ]]; then
    pinned 1 "when unset, on every CPU"
fi
rm -f "$SKIP" # each check below reads the JSON of its own run only
POCL_AFFINITY=0 bench "${QUICK[@]}"
pinned 0 "as the environment set it"
if [[ $ONLINE -ge 2 ]] && command -v taskset >/dev/null; then
    rm -f "$SKIP"
    (unset POCL_AFFINITY; taskset -c 0 "$GPUCC" bench "${QUICK[@]}" >/dev/null 2>&1)
    pinned "" "on one CPU of several (taskset)"
fi

# A saved run with known ceilings on this machine (its context line is this
# machine's), reused by the quick run below: the quick run measures nothing
# that it does not check, and every fraction has a known denominator.
CEILINGS=$WORK/ceilings.json
{
    sed -n '1,3p' "$SKIP"
    echo ' "ceilings": {'
    for c in host_read_1t host_read_all host_copy_1t host_copy_all opencl_read opencl_copy opencl_h2d opencl_d2h \
        opencl_pinned_h2d opencl_pinned_d2h opencl_pinned_roundtrip opencl_pinned_bidir; do
        echo "  \"$c\": {\"unit\": \"GB/s\", \"median\": 8, \"min\": 7, \"max\": 9, \"what\": \"fixture $c\"},"
    done
    for c in host_fma_1t host_fma_all opencl_fma; do
        echo "  \"$c\": {\"unit\": \"GFLOP/s\", \"median\": 100, \"min\": 90, \"max\": 110, \"what\": \"fixture $c\"},"
    done
    echo '  "opencl_launch": {"unit": "us", "median": 20, "min": 10, "max": 30, "what": "fixture"}'
    echo ' },'
    echo ' "notes": [],'
    echo ' "rows": ['
    echo ' ]'
    echo '}'
} >"$CEILINGS"
bench --suite=size,threads --max-size=1e5 --min-time=0.01 --ceilings="$CEILINGS" --json="$JSON" --csv="$CSV" --quiet
check "quick run exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
if [[ $RC -ne 0 ]]; then
    echo "$passed passed, $failed failed (stopped: nothing to check without the run)"
    exit 1
fi
check "quick run says where its ceilings come from" grep -q "^ceilings (reused from $CEILINGS (measured " "$WORK/out"
check "quick run lists the reused ceilings" grep -q '^  host_read_1t  *8.00 GB/s .*fixture host_read_1t' "$WORK/out"
check "quick run lists the both-directions ceiling" \
    grep -q '^  opencl_pinned_bidir  *8.00 GB/s .*fixture opencl_pinned_bidir' "$WORK/out"
check "the JSON settings name the reused file" grep -q "\"ceilings\": \"reused from $CEILINGS" "$JSON"
check "--quiet leaves stderr empty" test ! -s "$WORK/err"
check "stdout has a size and a threads table" grep -q '^== threads:' "$WORK/out"
check "stdout lists the ceilings" grep -q 'host_read_1t' "$WORK/out"

# The JSON: schema_version on line 1, a context, one row per line.
rows() { sed -n '/^ "rows": \[$/,/^ \]$/p' "$JSON" | sed '1d;$d'; }
check "JSON line 1 has schema_version 1" grep -q '^{"schema_version": 1,' <(head -n 1 "$JSON")
check "JSON has a context with the CPU" grep -q '^ "context": {"date": .*"cpu": ' "$JSON"
check "JSON has ceilings" grep -q '"host_read_all": {"unit": "GB/s"' "$JSON"
count=$(rows | wc -l)
check "JSON has rows ($count)" test "$count" -ge 4
check "every JSON row is one line starting with suite" test "$(rows | grep -c '^  {"suite": "\(size\|threads\)"')" -eq "$count"
check "every JSON row verified" test "$(rows | grep -c '"verified": true, "status": "ok"')" -eq "$count"
check "every row has a ceiling and its fraction" test "$(rows | grep -c '"fraction_of_ceiling": [0-9]')" -eq "$count"
check "JSON has the build" grep -q '^ "build": {"version": "[^"]*", .*"build_type": "[^"]*", .*"native": \(true\|false\)}' "$JSON"
check "JSON context has the cpufreq governor" grep -q '^ "context": {.*"governor": ' "$JSON"
if command -v python3 >/dev/null; then
    # The samples: min(repeats, 32) of them; with at most 32 calls, the
    # calls themselves (their median is the row's); with more, means of
    # consecutive calls, so within the row's min and max.
    check "every row keeps its samples" python3 -c '
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["rows"]:
    s, t = r["samples_ms"], r["time_ms"]
    ok = len(s) == min(r["repeats"], 32) == len(r["kernel_samples_ms"]) and all(v > 0 for v in s)
    if r["repeats"] <= 32:
        ok = ok and abs(statistics.median(s) - t["median"]) <= 1e-5 * t["median"]
    else:
        ok = ok and t["min"] * (1 - 1e-6) <= min(s) and max(s) <= t["max"] * (1 + 1e-6)
    if not ok:
        sys.exit("row %s %s n=%s: %d samples for %d calls, %s" % (r["suite"], r["workload"], r["n"], len(s), r["repeats"], t))' "$JSON"
fi
if command -v python3 >/dev/null; then
    check "the JSON parses as JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$JSON"
fi
check "no temporary files left" test -z "$(find "$WORK" -name '*.tmp-*')"

# Crossovers: after the size table, and in the JSON, one entry per workload,
# backend pair and time, consistent with the rows they come from.
check "stdout has the size suite's crossovers" grep -q '^crossover: the smallest n from which' "$WORK/out"
check "stdout has reduce's pthreads-over-serial crossover" grep -qE '^  reduce +pthreads over serial +end to end ' "$WORK/out"
if command -v python3 >/dev/null; then
    check "JSON crossovers agree with the rows" python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
rows = [r for r in doc["rows"] if r["suite"] == "size" and r["status"] == "ok" and r["verified"]]
def time(r, kind): return r["kernel_ms" if kind == "kernel" else "time_ms"]["median"]
seen = 0
for c in doc["crossovers"]:
    if c["suite"] != "size": continue
    pts = sorted({r["n"] for r in rows if r["workload"] == c["workload"] and r["backend"] == c["backend"]}
                 & {r["n"] for r in rows if r["workload"] == c["workload"] and r["backend"] == c["than"]})
    at = lambda b, n: next(r for r in rows if r["workload"] == c["workload"] and r["backend"] == b and r["n"] == n)
    wins = [time(at(c["backend"], n), c["time"]) < time(at(c["than"], n), c["time"]) for n in pts]
    k = len(pts)
    while k > 0 and wins[k - 1]: k -= 1
    want = "never" if k == len(pts) else "always" if k == 0 else "from"
    assert c["crossover"] == want and c["largest"] == pts[-1], (c, pts, wins)
    assert c["at"] == (None if want == "never" else pts[k]), c
    seen += 1
assert seen >= 6, seen' "$JSON"
fi

# The CSV: a header and the same rows.
check "CSV header" grep -q '^suite,workload,what,variant,backend,n,' <(head -n 1 "$CSV")
check "CSV has one line per JSON row" test "$(($(wc -l <"$CSV") - 1))" -eq "$count"
check "every CSV row verified" test "$(grep -c ',true,ok,' "$CSV")" -eq "$count"

# Every fraction is the throughput over the reused ceiling's median (8 GB/s).
if command -v python3 >/dev/null; then
    check "fractions use the reused ceilings" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
sys.exit(not rows or any(r["ceiling_value"] != 8 or abs(r["fraction_of_ceiling"] * 8 - r["throughput"]) > 1e-9 * r["throughput"] for r in rows))' "$JSON"
fi

# Map rows on OpenCL are placed against the device's copy kernel when
# kernel-only.
if command -v python3 >/dev/null && needs OpenCL "the ceilings of OpenCL map rows"; then
    check "OpenCL map rows: kernel-only against opencl_copy" python3 -c '
import json, sys
rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["workload"] == "map" and r["backend"] == "opencl"]
sys.exit(not rows or any(r["kernel_ceiling"] != "opencl_copy" for r in rows))' "$JSON"
fi

# The overlap suite's reduce rows copy through pinned staging: end to end
# against the pinned host-to-device ceiling, with overlap on or off (copied
# map rows, which only a discrete GPU's size suite has, are checked by
# test_bench_ceilings).
if command -v python3 >/dev/null && needs OpenCL "the ceilings of copied OpenCL rows"; then
    OVERLAP=$WORK/overlap.json
    bench --suite=overlap --backend=opencl --max-size=1e5 --min-time=0.01 --ceilings="$CEILINGS" --json="$OVERLAP" \
        --quiet
    check "overlap run exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
    check "copied reduce rows: end to end against opencl_pinned_h2d" python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
sys.exit(len(rows) != 2 or
         any(not r["copied"] or (r["ceiling"], r["kernel_ceiling"]) != ("opencl_pinned_h2d", "opencl_read") for r in rows))' \
        "$OVERLAP"
fi

# Dense is placed against the FMA peak (100 GFLOP/s in the fixture), never
# against OpenBLAS or CLBlast: serial against one thread's, pthreads and
# PoCL (shared memory) end to end against all threads', OpenCL kernel-only
# against the device's.
DENSE=$WORK/dense.json
bench --suite=batch --min-time=0.01 --ceilings="$CEILINGS" --json="$DENSE" --quiet
check "dense run with reused ceilings exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
if command -v python3 >/dev/null; then
    check "dense fractions use the FMA ceilings" python3 -c '
import json, sys
want = {"serial": ("host_fma_1t", "host_fma_1t"), "pthreads": ("host_fma_all", "host_fma_all"),
        "opencl": ("host_fma_all", "opencl_fma")}
rows = json.load(open(sys.argv[1]))["rows"]
def fits(r):
    total, kernel = want[r["backend"]]
    if r["backend"] == "opencl" and r["copied"]:
        total = "opencl_fma"
    return (r["ceiling"], r["kernel_ceiling"]) == (total, kernel) and r["ceiling_value"] == 100 and \
        abs(r["fraction_of_ceiling"] * 100 - r["throughput"]) <= 1e-9 * r["throughput"] and \
        abs(r["kernel_fraction"] * 100 - r["kernel_throughput"]) <= 1e-9 * r["kernel_throughput"]
sys.exit(len({r["backend"] for r in rows}) < 2 or not all(fits(r) for r in rows))' "$DENSE"
fi

# A saved run without the FMA ceilings (one made before they existed): the
# run measures them now, says so, and places dense against them.
grep -v '"host_fma_' "$CEILINGS" >"$WORK/no-fma.json"
bench --suite=batch --backend=serial --min-time=0.01 --ceilings="$WORK/no-fma.json" --json="$WORK/fma-now.json" --quiet
check "--ceilings without the FMA ceilings exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
check "--ceilings without the FMA ceilings: the source line names what was measured now" \
    grep -q "^ceilings (reused from $WORK/no-fma.json (measured .*); measured now: host_fma_1t, host_fma_all;" "$WORK/out"
check "--ceilings without the FMA ceilings: the reused ones stay" grep -q '^  host_read_1t  *8.00 GB/s .*fixture' "$WORK/out"
if command -v python3 >/dev/null; then
    check "--ceilings without the FMA ceilings: serial dense against the one measured now" python3 -c '
import json, math, sys
rows = json.load(open(sys.argv[1]))["rows"]
sys.exit(not rows or any(r["ceiling"] != "host_fma_1t" or r["ceiling_value"] == 100 or
                         not (math.isfinite(r["ceiling_value"]) and r["ceiling_value"] > 0) for r in rows))' \
        "$WORK/fma-now.json"
fi

# Unusable --ceilings files stop the run before it starts.
sed 's/"cpu": "[^"]*"/"cpu": "Some Other CPU"/' "$CEILINGS" >"$WORK/other-machine.json"
bench --suite=threads --backend=pthreads --max-size=1e3 --ceilings="$WORK/other-machine.json" --json="$WORK/none.json"
check "--ceilings from another CPU exits 65 (got $RC)" test "$RC" -eq 65
check "--ceilings from another CPU: one line naming both CPUs" \
    test "$(grep -c "other-machine.json: measured on .*'Some Other CPU', this machine has" "$WORK/err")" -eq 1
check "--ceilings from another CPU: nothing ran, nothing written" test ! -s "$WORK/out" -a ! -e "$WORK/none.json"
bench --suite=threads --backend=pthreads --max-size=1e3 --ceilings="$WORK/missing.json"
check "--ceilings missing file exits 66 (got $RC)" test "$RC" -eq 66
sed '/"ceilings": {/,$d' "$CEILINGS" >"$WORK/no-ceilings.json"
bench --suite=threads --backend=pthreads --max-size=1e3 --ceilings="$WORK/no-ceilings.json"
check "--ceilings without a ceilings block exits 65 (got $RC)" test "$RC" -eq 65
bench --suite=threads --backend=pthreads --max-size=1e3 --ceilings=
check "empty --ceilings exits 64 (got $RC)" test "$RC" -eq 64
check "empty --ceilings: one line naming the option" test "$(grep -c -- "--ceilings" "$WORK/err")" -eq 1

# --compare of the run with itself: ratios of exactly 1, every point the
# same (or too few samples to tell), nothing new or missing
# (tests/cli/test_bench_verdict.sh tests the verdicts on saved runs).
bench --compare="$JSON" --from="$JSON"
check "compare with itself exits 0" test "$RC" -eq 0
check "compare prints a ratio and no change per row" test "$(grep -c \
    ' 1\.000x  *1\.000x  \(same: +0\.0% (p = 1)\|no verdict: too few samples (3 and 3; .*)\)$' "$WORK/out")" -eq "$count"
check "compare: no new rows" grep -q '^new rows (only in the new run): 0$' "$WORK/out"
check "compare: no missing rows" grep -q '^missing rows (only in the base run): 0$' "$WORK/out"

# A run compared with an earlier one of the same points as it measures
# (the --ceilings=skip run above): a verdict per point, exit 0 or 1 by what
# was measured (not asserted: no timing is), the slower points named, and
# the JUnit file.
bench --suite=threads --backend=pthreads --max-size=1e4 --min-time=0.01 --ceilings=skip --quiet \
    --compare="$SKIP" --junit="$WORK/live.xml"
check "live --compare exits 0 or 1 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0 -o "$RC" -eq 1
points=$(grep -c '^  {' "$SKIP")
check "live --compare: a verdict line for all $points points" grep -q "^$points points: " "$WORK/out"
check "live --compare: exit 1 exactly when a point is named slower" \
    test "$RC" -eq "$(grep -q '^SLOWER: ' "$WORK/out" && echo 1 || echo 0)"
check "live --compare: a JUnit testcase per point" test "$(grep -c '<testcase ' "$WORK/live.xml")" -eq "$points"
if command -v python3 >/dev/null; then
    check "live --compare: the JUnit file is well-formed XML" \
        python3 -c 'import xml.dom.minidom, sys; xml.dom.minidom.parse(sys.argv[1])' "$WORK/live.xml"
fi

# Malformed and missing compare files; usage errors.
{ head -n 1 "$JSON"; echo ' "rows": ['; echo '  {"suite": "size", oops}'; echo ' ]'; } >"$WORK/bad.json"
bench --compare="$WORK/bad.json" --from="$JSON"
check "malformed compare file exits 65 (got $RC)" test "$RC" -eq 65
check "malformed: one-line error naming the line" test "$(grep -c 'bad.json: malformed: line 3' "$WORK/err")" -eq 1
echo 'not json' >"$WORK/bad2.json"
bench --compare="$WORK/bad2.json"
check "non-JSON compare file exits 65 before running (got $RC)" test "$RC" -eq 65
bench --compare="$WORK/missing.json"
check "missing compare file exits 66 (got $RC)" test "$RC" -eq 66
bench --suite=bogus
check "unknown suite exits 64 (got $RC)" test "$RC" -eq 64
bench --min-time=0
check "--min-time=0 exits 64 (got $RC)" test "$RC" -eq 64

# --csv to an existing FIFO writes into it instead of renaming a regular file
# over it (as root that turned /dev/full into a file).
mkfifo "$WORK/fifo"
cat "$WORK/fifo" >"$WORK/from-fifo" &
reader=$!
bench --suite=threads --backend=pthreads --max-size=1e3 --min-time=0.001 --quiet --csv="$WORK/fifo"
check "--csv to a FIFO exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
if [[ -p $WORK/fifo ]]; then
    wait "$reader"
    check "--csv to a FIFO: the CSV header came through" grep -q '^suite,workload,' "$WORK/from-fifo"
else
    check "--csv to a FIFO left the FIFO in place" false
    kill "$reader" 2>/dev/null
    wait "$reader" 2>/dev/null
fi

# Plots, where gnuplot is installed.
if command -v gnuplot >/dev/null; then
    bash "$PLOT" "$CSV" "$WORK/plots" >"$WORK/out" 2>"$WORK/err"
    check "plot.sh exits 0 ($(head -c 300 "$WORK/err"))" test $? -eq 0
    for f in size-reduce size-map crossover-reduce crossover-map threads backends; do
        check "plot $f.png is a PNG" grep -q PNG <(head -c 8 "$WORK/plots/$f.png" 2>/dev/null)
        check "plot $f.svg is an SVG" grep -q '<svg' "$WORK/plots/$f.svg"
    done
    # The host roofline needs a dense row (it names the FMA roof) and reused
    # ceilings: a batch sweep on the CPU backends, with a size sweep.
    bench --suite=size,batch --backend=serial,pthreads --max-size=1e4 --min-time=0.001 --ceilings="$CEILINGS" \
        --csv="$WORK/roof.csv" --quiet
    bash "$PLOT" "$WORK/roof.csv" "$WORK/roof-plots" >"$WORK/out" 2>"$WORK/err"
    check "plot.sh draws the host roofline ($(head -c 300 "$WORK/err"))" grep -q PNG <(head -c 8 "$WORK/roof-plots/roofline-host.png" 2>/dev/null)
    check "the roofline's points have bytes and flops" test "$(awk -F, 'NR > 1 && $14 > 0 && $15 > 0' "$WORK/roof.csv" | wc -l)" -ge 10
else
    echo "skipped: plots (no gnuplot)"
fi

# ---- Output files: checked before the run, removed when it is stopped ----

# exists GLOB: some file matches GLOB.
exists() { compgen -G "$1" >/dev/null; }

# An unwritable --json or --csv stops the run before it starts: exit 73, one
# line naming the path, nothing on stdout, nothing created.
mkdir "$WORK/out-dir" "$WORK/read-only"
chmod 555 "$WORK/read-only"
for option in json csv; do
    for path in "$WORK/out-dir" "$WORK/missing/r.$option" "$WORK/read-only/r.$option"; do
        if [[ $path == */read-only/* && $(id -u) == 0 ]]; then
            echo "skipped: --$option into a read-only folder (root writes into it anyway)"
            continue
        fi
        bench --suite=threads --backend=pthreads --max-size=1e3 --min-time=0.001 --quiet "--$option=$path"
        check "--$option=$path exits 73 (got $RC)" test "$RC" -eq 73
        check "--$option=$path: one line on stderr, naming it" \
            test "$(wc -l <"$WORK/err")" -eq 1 -a "$(grep -cF -- "--$option: cannot create $path: " "$WORK/err")" -eq 1
        check "--$option=$path: the run did not start" test ! -s "$WORK/out"
    done
done
check "nothing created for refused paths" test -z "$(find "$WORK/out-dir" "$WORK/read-only" -mindepth 1)" -a ! -e "$WORK/missing"
chmod 755 "$WORK/read-only"
# A good --json with a refused --csv: the JSON's temporary file goes too.
bench --suite=threads --backend=pthreads --max-size=1e3 --min-time=0.001 --quiet --json="$WORK/ok.json" \
    --csv="$WORK/missing/r.csv"
check "--csv refused after --json exits 73 (got $RC)" test "$RC" -eq 73
check "--csv refused after --json: no JSON file left" test ! -e "$WORK/ok.json" -a -z "$(compgen -G "$WORK/ok.json.tmp-*")"

# stop_bench SIGNAL CODE: a long bench writing --json and --csv (their
# temporary files are created before the work starts), stopped by SIGNAL
# once they exist (polled, at most 120 s): exit status CODE (128 + the
# signal's number), and no file left. Job control is on while starting it:
# a script's background job would otherwise ignore SIGINT.
stop_bench() {
    local signal=$1 code=$2 tries=0 pid
    set -m
    "$GPUCC" bench --suite=threads --backend=pthreads --max-size=1e6 --min-time=3600 --quiet \
        --json="$WORK/stopped.json" --csv="$WORK/stopped.csv" >/dev/null 2>"$WORK/err" </dev/null &
    pid=$!
    set +m
    while ! exists "$WORK/stopped.csv.tmp-*" && kill -0 "$pid" 2>/dev/null && ((tries++ < 1200)); do
        sleep 0.1
    done
    check "bench: temporary files exist while it runs" exists "$WORK/stopped.json.tmp-*"
    kill -s "$signal" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    RC=$?
    check "bench stopped by SIG$signal exits $code (got $RC)" test "$RC" -eq "$code"
    check "bench stopped by SIG$signal leaves no file ($(echo "$WORK"/stopped.*))" test -z "$(compgen -G "$WORK/stopped.*")"
}
stop_bench INT 130
stop_bench TERM 143

# Backend and suite names ignore case, as in `gpucc run --backend=OpenCL`
# (both commands read lists with one parser): the run works, and the JSON
# settings name the suite and backend in lower case.
CASED=$WORK/cased.json
bench --backend=Serial --suite=SIZE --max-size=1e3 --min-time=0.01 --ceilings=skip --json="$CASED" --quiet
check "bench --backend=Serial --suite=SIZE exits 0 (got $RC: $(head -c 300 "$WORK/err"))" test "$RC" -eq 0
check "bench --backend=Serial: the JSON settings name serial and size" \
    grep -q '"settings": {"suites": "size", "backends": "serial"' "$CASED"
bench --backend=Serial,nosuch --suite=size --quiet
check "bench --backend=Serial,nosuch exits 64 (got $RC)" test "$RC" -eq 64
check "bench --backend=Serial,nosuch names the bad one" grep -q "'nosuch' is not one of serial, pthreads, opencl" "$WORK/err"
run run reduce --backend=Serial,PThreads --size=1e3 --repeat=1 --format=csv
check "run --backend=Serial,PThreads exits 0 (got $LAST_RC: $(head -c 300 "$WORK/err"))" test "$LAST_RC" -eq 0
check "run --backend=Serial,PThreads runs both" test "$(grep -c '^reduce,' "$WORK/out")" -eq 2

cli_summary
