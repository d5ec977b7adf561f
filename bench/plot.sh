#!/usr/bin/env bash
# Plots the CSV of `gpucc bench --csv=RESULTS.csv` with gnuplot, as PNG and
# SVG files in OUTDIR:
#
#   size-WORKLOAD          throughput against n (log-log) per backend, end to
#                          end (solid) and OpenCL kernel-only (dashed), with
#                          each measured ceiling as a horizontal roofline
#   crossover-WORKLOAD     speedup over serial against n (size suite) or batch
#                          (dense), end to end (solid) and kernel-only
#                          (dashed): where a curve crosses 1 a backend starts
#                          to beat serial, where two cross, one the other
#   roofline-host          every workload's rate on the CPU backends (end to end,
#                          largest point) against its arithmetic intensity (flops per byte),
#                          under the host's roofs: all threads' read bandwidth
#                          and FMA peak as measured by the run
#   roofline-opencl        the same for OpenCL (kernel-only) under the device's
#                          read bandwidth and FMA peak
#   threads                pthreads speedup against thread count (and GB/s)
#   backends               the backends side by side per workload: reduce and
#                          map at the largest n every backend ran, dense at
#                          batch 256
#   batch                  dense GFLOP/s against batch, with GEMM ceilings
#   wgsize                 OpenCL reduce GB/s against work-group size
#
#   usage: bench/plot.sh RESULTS.csv OUTDIR
#
# A plot whose suite is absent from the CSV is skipped. Needs gnuplot (the
# gnuplot-nox package: scripts/install-deps.sh --with-plots). Exit status:
# 0 ok, 64 usage, 66 unreadable CSV, 69 no gnuplot, 1 gnuplot failed.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: bench/plot.sh RESULTS.csv OUTDIR" >&2
    exit 64
fi
CSV=$1
OUTDIR=$2
if [[ ! -r $CSV ]] || ! head -n 1 "$CSV" | grep -q '^suite,workload,'; then
    echo "plot.sh: $CSV is not a readable gpucc bench CSV" >&2
    exit 66
fi
if ! command -v gnuplot >/dev/null; then
    echo "plot.sh: gnuplot not found (install gnuplot-nox, e.g. scripts/install-deps.sh --with-plots)" >&2
    exit 69
fi
mkdir -p "$OUTDIR"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-plot.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# select SUITE WORKLOAD BACKEND VARIANT XCOL YCOL...: the named columns of
# the rows that are ok and match (an empty filter matches all), one row per
# line, space-separated. Columns are looked up in the header by name; the
# device and message columns, which may hold quoted commas, come last and
# are never read (no other column holds a comma: variants read "copy+overlap").
select_rows() {
    local suite=$1 workload=$2 backend=$3 variant=$4
    shift 4
    awk -F, -v suite="$suite" -v workload="$workload" -v backend="$backend" -v variant="$variant" \
        -v want="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; n = split(want, names, " "); next }
        $col["status"] != "ok" { next }
        suite != "" && $col["suite"] != suite { next }
        workload != "" && $col["workload"] != workload { next }
        backend != "" && $col["backend"] != backend { next }
        variant != "" && $col["variant"] != variant { next }
        { line = ""; for (i = 1; i <= n; i++) line = line (i > 1 ? " " : "") $col[names[i]]; print line }
    ' "$CSV"
}

# render NAME: runs $WORK/NAME.gp into OUTDIR/NAME.png and OUTDIR/NAME.svg.
render() {
    local name=$1 png=png
    gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo && png=pngcairo
    gnuplot -e "set terminal $png size 1000,620 noenhanced; set output '$OUTDIR/$name.png'; load '$WORK/$name.gp'"
    gnuplot -e "set terminal svg size 1000,620 noenhanced; set output '$OUTDIR/$name.svg'; load '$WORK/$name.gp'"
    echo "plot.sh: $OUTDIR/$name.png, $OUTDIR/$name.svg"
}

BACKENDS=(serial pthreads opencl)

# Throughput against n for one workload of the size suite, with rooflines.
plot_size() {
    local workload=$1 title=$2 plots=()
    local gp=$WORK/size-$workload.gp
    [[ -n $(select_rows size "$workload" "" "" n) ]] || return 0
    for b in "${BACKENDS[@]}"; do
        select_rows size "$workload" "$b" "" n throughput kernel_throughput >"$WORK/size-$workload-$b.dat"
        [[ -s $WORK/size-$workload-$b.dat ]] || continue
        plots+=("'$WORK/size-$workload-$b.dat' using 1:2 with linespoints lw 2 title '$b (end to end)'")
        if [[ $b == opencl ]]; then
            plots+=("'$WORK/size-$workload-$b.dat' using 1:3 with linespoints dt 2 lw 2 title 'opencl (kernel only)'")
        fi
    done
    # One roofline per distinct ceiling that these rows use.
    while read -r name value; do
        plots+=("$value with lines dt 4 lw 2.5 title 'ceiling $name ($(printf %.1f "$value") GB/s)'")
    done < <( (select_rows size "$workload" "" "" ceiling ceiling_value
               select_rows size "$workload" "" "" kernel_ceiling kernel_ceiling_value) |
              awk 'NF == 2 && $2 != "" && !seen[$1]++')
    {
        echo "set title '$title'"
        echo "set logscale xy; set format x '%.0e'; set xlabel 'n (float32 elements)'; set ylabel 'GB/s'"
        echo "set autoscale xfix; set grid; set key below maxrows 4"
        echo "plot $(IFS=,; echo "${plots[*]}")"
    } >"$gp"
    render "size-$workload"
}

# Speedup over serial against the suite's axis for one workload, end to end
# and kernel-only (joined on the serial row of the same point).
plot_crossover() {
    local suite=$1 workload=$2 axis=$3 gp=$WORK/crossover-$2.gp plots=()
    select_rows "$suite" "$workload" serial "" "$axis" time_ms_median kernel_ms_median >"$WORK/cross-serial.dat"
    [[ -s $WORK/cross-serial.dat ]] || return 0
    for b in pthreads opencl; do
        select_rows "$suite" "$workload" "$b" "" "$axis" time_ms_median kernel_ms_median |
            awk 'NR == FNR { total[$1] = $2; kernel[$1] = $3; next }
                 ($1 in total) && $2 > 0 && $3 > 0 { print $1, total[$1] / $2, kernel[$1] / $3 }' \
                "$WORK/cross-serial.dat" - >"$WORK/cross-$workload-$b.dat"
        [[ -s $WORK/cross-$workload-$b.dat ]] || continue
        plots+=("'$WORK/cross-$workload-$b.dat' using 1:2 with linespoints lw 2 title '$b (end to end)'")
        plots+=("'$WORK/cross-$workload-$b.dat' using 1:3 with linespoints dt 2 lw 2 title '$b (kernel only)'")
    done
    [[ ${#plots[@]} -gt 0 ]] || return 0
    {
        echo "set title '$workload: speedup over serial against $axis (above 1: faster than serial)'"
        echo "set logscale xy; set xlabel '$axis'; set ylabel 'speedup over serial'; set grid; set key below maxrows 2"
        echo "plot $(IFS=,; echo "${plots[*]}"), 1 with lines dt 4 lw 2 title 'serial (1x)'"
    } >"$gp"
    render "crossover-$workload"
}

# ceiling_of NAME: the value of that measured ceiling, from any row naming
# it (end to end or kernel-only); empty when no row does.
ceiling_of() {
    { select_rows "" "" "" "" ceiling ceiling_value; select_rows "" "" "" "" kernel_ceiling kernel_ceiling_value; } |
        awk -v name="$1" '$1 == name && $2 != "" { print $2; exit }'
}

# A roofline: each workload's rate on the given backends (GFLOP/s, from
# TIMECOL) at its largest swept n or batch (the one least helped by caches),
# at its arithmetic intensity, under min(FMA peak, intensity x read
# bandwidth). Skipped without both roofs (--ceilings=skip) or points.
plot_roofline() {
    local name=$1 title=$2 timecol=$3 read_roof fma_roof gp=$WORK/$1.gp
    shift 3
    read_roof=$(ceiling_of "$1") fma_roof=$(ceiling_of "$2")
    shift 2
    [[ -n $read_roof && -n $fma_roof ]] || return 0
    : >"$WORK/$name.dat"
    for b in "$@"; do
        { select_rows size "" "$b" "" workload bytes flops "$timecol" n batch
          select_rows batch "" "$b" "" workload bytes flops "$timecol" n batch; } |
            awk -v b="$b" '$2 > 0 && $3 > 0 && $4 > 0 && $5 + $6 >= size[$1] {
                    size[$1] = $5 + $6; rate[$1] = $3 / ($4 * 1e6); ai[$1] = $3 / $2 }
                 END { for (w in rate) print ai[w], rate[w], w "/" b }' >>"$WORK/$name.dat"
    done
    [[ -s $WORK/$name.dat ]] || return 0
    {
        echo "set title '$title'"
        echo "set logscale xy; set xlabel 'arithmetic intensity (flop per byte moved)'; set ylabel 'GFLOP/s'; set grid"
        echo "set key below; set xrange [0.01:1000]; set samples 400"
        echo "roof(x) = ($fma_roof < x * $read_roof ? $fma_roof : x * $read_roof)"
        echo "plot roof(x) with lines lw 2.5 title 'roof: min($(printf %.0f "$fma_roof") GFLOP/s, AI x $(printf %.1f "$read_roof") GB/s)', \\"
        echo "     '$WORK/$name.dat' using 1:2 with points pt 7 ps 1.5 title 'each workload and backend at its largest point', \\"
        echo "     '' using 1:2:3 with labels offset 0,1 font ',8' notitle"
    } >"$gp"
    render "$name"
}

plot_threads() {
    local gp=$WORK/threads.gp
    select_rows threads reduce pthreads "" threads speedup throughput >"$WORK/threads.dat"
    [[ -s $WORK/threads.dat ]] || return 0
    cat >"$gp" <<EOF
set title 'pthreads reduce sum: speedup against thread count (1 thread = 1)'
set xlabel 'threads'; set ylabel 'speedup vs 1 thread'; set y2label 'GB/s'
set ytics nomirror; set y2tics; set grid; set key left top
stats '$WORK/threads.dat' using 2 nooutput
set xtics 1; set yrange [0:(STATS_max * 1.3 > 2 ? STATS_max * 1.3 : 2)]; set y2range [0:*]
plot '$WORK/threads.dat' using 1:2 with linespoints lw 2 title 'speedup', \
     x with lines dt 3 title 'linear (ideal up to the core count)', \
     '$WORK/threads.dat' using 1:3 axes x1y2 with linespoints dt 2 title 'GB/s (right axis)'
EOF
    render threads
}

# Backends side by side: reduce and map at the largest n every backend ran,
# dense at batch 256.
plot_backends() {
    local gp=$WORK/backends.gp panels=() labels=()
    for workload in reduce map; do
        local n
        n=$(select_rows size "$workload" "" "" n backend |
            awk '{ count[$1]++ }
                 END { m = 0; for (k in count) if (count[k] > m) m = count[k]
                       best = 0; for (k in count) if (count[k] == m && k + 0 > best) best = k + 0; print best }')
        [[ $n != 0 && -n $n ]] || continue
        select_rows size "$workload" "" "" backend n throughput kernel_throughput |
            awk -v n="$n" '$2 == n { print $1, $3, $4 }' >"$WORK/backends-$workload.dat"
        panels+=("$workload")
        labels+=("$workload $([[ $workload == reduce ]] && echo sum || echo square), n = $(printf %.0e "$n") (GB/s)")
    done
    select_rows batch dense "" "" backend batch throughput kernel_throughput |
        awk '$2 == 256 { print $1, $3, $4 }' >"$WORK/backends-dense.dat"
    if [[ -s $WORK/backends-dense.dat ]]; then
        panels+=(dense); labels+=("dense 256x1024x1024 relu (GFLOP/s)")
    fi
    [[ ${#panels[@]} -gt 0 ]] || return 0
    {
        echo "set multiplot layout 1,${#panels[@]} title 'backends side by side (end to end, and kernel only)'"
        echo "set style data histograms; set style histogram clustered gap 1; set style fill solid 0.8 border -1"
        echo "set boxwidth 0.9; set yrange [0:*]; set grid ytics; set key below; set xtics nomirror font ',9'"
        for i in "${!panels[@]}"; do
            echo "set title '${labels[$i]}'"
            echo "plot '$WORK/backends-${panels[$i]}.dat' using 2:xtic(1) title 'end to end', '' using 3 title 'kernel only'"
        done
        echo "unset multiplot"
    } >"$gp"
    render backends
}

plot_batch() {
    local gp=$WORK/batch.gp plots=()
    for b in "${BACKENDS[@]}"; do
        select_rows batch dense "$b" "" batch throughput kernel_throughput >"$WORK/batch-$b.dat"
        [[ -s $WORK/batch-$b.dat ]] && plots+=("'$WORK/batch-$b.dat' using 1:2 with linespoints lw 2 title '$b'")
    done
    [[ ${#plots[@]} -gt 0 ]] || return 0
    while read -r name value; do
        plots+=("$value with lines dt 4 lw 2.5 title 'ceiling $name ($(printf %.0f "$value") GFLOP/s)'")
    done < <(select_rows batch dense "" "" ceiling ceiling_value | awk 'NF == 2 && $2 != "" && !seen[$1]++')
    {
        echo "set title 'dense Y = relu(X W^T + b), in = out = 1024: GFLOP/s against batch (end to end)'"
        echo "set logscale x 2; set logscale y; set xlabel 'batch'; set ylabel 'GFLOP/s'; set grid"
        echo "set key below maxrows 4"
        echo "plot $(IFS=,; echo "${plots[*]}")"
    } >"$gp"
    render batch
}

plot_wgsize() {
    local gp=$WORK/wgsize.gp plots=()
    for shape in cpu gpu; do
        select_rows wgsize reduce opencl "$shape" local_size throughput kernel_throughput >"$WORK/wgsize-$shape.dat"
        [[ -s $WORK/wgsize-$shape.dat ]] || continue
        plots+=("'$WORK/wgsize-$shape.dat' using 1:2 with linespoints lw 2 title '$shape shape, end to end'")
        plots+=("'$WORK/wgsize-$shape.dat' using 1:3 with linespoints dt 2 lw 2 title '$shape shape, kernel only'")
    done
    [[ ${#plots[@]} -gt 0 ]] || return 0
    {
        echo "set title 'OpenCL reduce sum: GB/s against work-group (local) size'"
        echo "set logscale x 2; set xlabel 'local size'; set ylabel 'GB/s'; set yrange [0:*]; set grid"
        echo "set key below maxrows 2"
        echo "plot $(IFS=,; echo "${plots[*]}")"
    } >"$gp"
    render wgsize
}

# Every workload of the size suite, then dense's batch suite.
# (read from fd 3: gnuplot reads stdin)
while read -r -u 3 workload what; do
    plot_size "$workload" "$workload $what: throughput against n, with the measured ceilings"
    plot_crossover size "$workload" n
done 3< <(select_rows size "" "" "" workload what | awk '!seen[$1]++')
plot_crossover batch dense batch
plot_roofline roofline-host 'host roofline: the CPU backends (end to end) under the measured roofs' time_ms_median \
    host_read_all host_fma_all serial pthreads
plot_roofline roofline-opencl 'OpenCL roofline: kernel-only rates under the device roofs' kernel_ms_median \
    opencl_read opencl_fma opencl
plot_threads
plot_backends
plot_batch
plot_wgsize
