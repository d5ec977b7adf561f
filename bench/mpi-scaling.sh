#!/usr/bin/env bash
# Strong and weak scaling of `gpucc run reduce` over MPI ranks on one host
# (a build with GPUCC_MPI): for R = 1 .. MAX_RANKS ranks of T pthreads each,
#
#   strong  n elements in all, whatever R is: the time per call against one
#           process with R x T threads (the same cores used another way),
#           and the efficiency t(1 rank) / (R x t(R ranks));
#   weak    n elements per rank (R x n in all): efficiency t(1) / t(R);
#
# each with the MPI combine's own time (the JSON's comm_ms: gathering the
# ranks' subtrees on rank 0, combining them and sending the value back). Every
# run is verified; all of them must give bitwise the one-process value of
# their input (the script checks that the strong runs agree).
#
#   usage: bench/mpi-scaling.sh PATH/TO/gpucc [MAX_RANKS [N [THREADS [REPEAT]]]]
#          defaults: 4 ranks, n = 1e8, 1 thread per rank, 10 timed calls
#
# Prints a table; exit status 0, 64 usage, 69 no mpirun, 1 a run failed or
# the strong runs' values differ. Ranks beyond the cores are oversubscribed,
# which one host can show but not hide: see bench/README.md.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 5 ]]; then
    echo "usage: bench/mpi-scaling.sh PATH/TO/gpucc [MAX_RANKS [N [THREADS [REPEAT]]]]" >&2
    exit 64
fi
GPUCC=$1 MAX_RANKS=${2:-4} N=${3:-1e8} THREADS=${4:-1} REPEAT=${5:-10}
for v in "$MAX_RANKS" "$THREADS" "$REPEAT"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || { echo "mpi-scaling.sh: '$v' is not a positive count" >&2; exit 64; }
done
command -v mpirun >/dev/null || { echo "mpi-scaling.sh: mpirun not found (install openmpi-bin)" >&2; exit 69; }
"$GPUCC" --version | grep -q 'GPUCC_MPI=ON' ||
    { echo "mpi-scaling.sh: $GPUCC was built without GPUCC_MPI" >&2; exit 69; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-scaling.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ELEMS=$(awk -v n="$N" 'BEGIN { printf "%.0f", n }')

# measure R THREADS ELEMENTS: runs R ranks (R = 0: one process, no mpirun)
# and prints "median_ms comm_ms value" of the pthreads row.
measure() {
    local ranks=$1 threads=$2 elems=$3 out=$WORK/run.json
    local args=(run reduce --backend=pthreads "--threads=$threads" "--size=$elems" --warmup=2 "--repeat=$REPEAT"
                --format=json)
    if [[ $ranks == 0 ]]; then
        "$GPUCC" "${args[@]}" >"$out"
    else
        mpirun -q --oversubscribe -n "$ranks" "$GPUCC" "${args[@]}" >"$out"
    fi
    python3 - "$out" <<'PY'
import json, sys
row = json.load(open(sys.argv[1]))["results"][0]
if not row.get("verified"):
    sys.exit("mpi-scaling.sh: a run did not verify: %s" % row.get("message"))
comm = row.get("mpi", {}).get("comm_ms", {}).get("median", 0.0)
print("%.6f %.6f %r" % (row["time_ms"]["median"], comm, row["value"]))
PY
}

printf '%-6s %5s %9s %14s %12s %11s %16s %11s\n' scaling ranks elements "ms per call" "comm ms" efficiency \
    "1 process, R*T" "R/1-process"
strong_value=""
for mode in strong weak; do
    for ((r = 1; r <= MAX_RANKS; r++)); do
        elems=$ELEMS
        [[ $mode == weak ]] && elems=$((ELEMS * r))
        read -r t comm value < <(measure "$r" "$THREADS" "$elems")
        read -r single _ single_value < <(measure 0 $((r * THREADS)) "$elems")
        [[ $r == 1 ]] && t1=$t # the one-rank run of this mode is the base
        if [[ $mode == strong ]]; then
            eff=$(awk -v a="$t1" -v t="$t" -v r="$r" 'BEGIN { printf "%.2f", a / (r * t) }')
            [[ -z $strong_value ]] && strong_value=$value
            if [[ "$value $value" != "$strong_value $single_value" ]]; then
                echo "mpi-scaling.sh: values differ: $value with $r ranks, $strong_value with 1, $single_value in one process" >&2
                exit 1
            fi
        else
            eff=$(awk -v a="$t1" -v t="$t" 'BEGIN { printf "%.2f", a / t }')
        fi
        ratio=$(awk -v t="$t" -v s="$single" 'BEGIN { printf "%.2f", t / s }')
        printf '%-6s %5d %9d %14.3f %12.4f %11s %16.3f %11s\n' "$mode" "$r" "$elems" "$t" "$comm" "$eff" "$single" "$ratio"
    done
done
