#!/usr/bin/env bash
# Builds, tests and measures gpucc on a machine with a discrete GPU whose
# image has CUDA's OpenCL (headers, ICD loader) but no distribution packages.
# CLBlast and Check come from .device-deps/ (made here by scripts/pack-deps.sh
# and carried along). Logs and JSON results go to $OUT (default /tmp).
#   scripts/device-check.sh          peak, runs of every workload, the tests
#   scripts/device-check.sh bench    the full `gpucc bench` (JSON, CSV, table)
#   scripts/device-check.sh reduce   the reduction's copy path only (quick)
#   scripts/device-check.sh dtype    reduce and dot of every data type on the GPU (quick)
#   scripts/device-check.sh nvml     the board's NVML clocks, throttle reasons and energy (quick)
#   scripts/device-check.sh pinned   map, dense, reduce and dot end to end through pinned staging, each against
#                                    peak's pinned host<->device ceilings (quick)
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp}
mode=${1:-check}
exec > >(tee "$out/device-$mode.log") 2>&1
deps=$PWD/.device-deps
cuda=/usr/local/cuda
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ] && ldconfig -p | grep -q libnvidia-opencl.so.1; then
    mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 >/etc/OpenCL/vendors/nvidia.icd
fi
opencl_lib=$(ls $cuda/lib64/libOpenCL.so* 2>/dev/null | head -1)
[ -n "$opencl_lib" ] || opencl_lib=$(ldconfig -p | awk '/libOpenCL.so/{print $NF; exit}')
export PKG_CONFIG_PATH=$deps/lib/pkgconfig LD_LIBRARY_PATH=$deps/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
testing=OFF
command -v pkg-config >/dev/null && testing=ON
cmake -S . -B build-device -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=$testing -DOpenCL_INCLUDE_DIR=$cuda/include \
    -DOpenCL_LIBRARY="$opencl_lib" -DCLBlast_DIR="$deps/lib/cmake/CLBlast" >/dev/null &&
    cmake --build build-device -j 16 2>&1 | grep -E "warning|error"
g=build-device/gpucc
if [ "$mode" = reduce ]; then
    $g run reduce --size=1e8 --format=json >"$out/reduce-1e8.json"
    $g run reduce --size=1e8
    $g run reduce --size=1e8 --backend=opencl --cl-no-overlap | tail -1
    $g run reduce --size=1e9 --backend=pthreads,opencl --repeat=5
    exit
fi
if [ "$mode" = dtype ]; then
    for t in f32 f64 f16 bf16 i32; do
        for w in reduce dot; do $g run $w --dtype=$t --size=1e8 --backend=serial,opencl --repeat=5 --format=json >"$out/$w-$t.json"; done
        $g run reduce --dtype=$t --size=1e8 --backend=opencl --repeat=5 | tail -1
    done
    exit
fi
if [ "$mode" = nvml ]; then
    $g peak --size-mb=64 --device=gpu | grep -E "^(OpenCL|NVML)"
    $g run reduce --size=1e8 --backend=opencl --repeat=50
    $g run reduce --size=1e8 --backend=opencl --repeat=50 --format=json >"$out/nvml-reduce.json"
    $g run dense --batch=1024 --in=4096 --out=4096 --backend=opencl --repeat=20
    exit
fi
if [ "$mode" = pinned ]; then
    $g peak --size-mb=1024 --device=gpu --format=json >"$out/peak-pinned.json"
    for run in "square 1e8" "square 1e9" "saxpy 1e8"; do
        read -r fn size <<<"$run"
        $g run map --fn="$fn" --size="$size" --backend=opencl --repeat=5 --format=json >"$out/pinned-map-$fn-$size.json"
        $g run map --fn="$fn" --size="$size" --backend=opencl --repeat=5 --cl-no-overlap --format=json \
            >"$out/pinned-map-$fn-$size-no-overlap.json"
    done
    $g run reduce --size=1e9 --backend=opencl --repeat=5 --format=json >"$out/pinned-reduce-1e9.json"
    $g run dot --size=5e8 --backend=opencl --repeat=5 --format=json >"$out/pinned-dot-5e8.json"
    $g run dense --backend=opencl --repeat=5 --format=json >"$out/pinned-dense-256.json"
    $g run dense --batch=1024 --in=4096 --out=4096 --backend=opencl --repeat=5 --format=json >"$out/pinned-dense-1024.json"
    # Each end-to-end rate against the link: reduce against host to device;
    # an overlapped map against both directions at once (peak's
    # pinned_bidirectional_gbps, equal copies each way; saxpy copies twice as
    # much in as out, so each direction alone bounds it too), a map without
    # overlap against its copies in then out; dense's time against its kernel
    # plus its copies at the one-way rates.
    python3 - "$out" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
peak = json.load(open(os.path.join(out, "peak-pinned.json")))["opencl"][0]
h2d, d2h = peak["pinned_host_to_device_gbps"]["median"], peak["pinned_device_to_host_gbps"]["median"]
both = peak["pinned_bidirectional_gbps"]["median"]
print(f"pinned: host to device {h2d:.1f} GB/s, device to host {d2h:.1f} GB/s, both directions at once {both:.1f} GB/s")
for path in sorted(glob.glob(os.path.join(out, "pinned-*.json"))):
    run = json.load(open(path))
    r, name = run["results"][0], os.path.basename(path)
    if r["status"] != "ok" or not r["verified"]:
        print(f"{name}: {r['status']}, verified {r['verified']}")
    elif run["workload"] == "map":
        inputs = 2 if run["fn"] == "saxpy" else 1
        if r["overlapped"]:
            link, what = (inputs + 1) / max(inputs / h2d, 1 / d2h, (inputs + 1) / both), "both directions at once"
        else:
            link, what = (inputs + 1) / (inputs / h2d + 1 / d2h), "in then out"
        print(f"{name}: {r['gbps']:.1f} GB/s end to end = {r['gbps'] / link:.2f} of {link:.1f} GB/s {what}")
    elif run["workload"] in ("reduce", "dot"):
        print(f"{name}: {r['gbps']:.1f} GB/s end to end = {r['gbps'] / h2d:.2f} of host to device")
    else:
        b, i, o = run["batch"], run["in"], run["out"]
        link_ms = (b * i + o * i + o) * 4 / h2d / 1e6 + b * o * 4 / d2h / 1e6
        kernel_ms, total_ms = r["kernel_ms"]["median"], r["time_ms"]["median"]
        print(f"{name}: {total_ms:.2f} ms end to end, kernel {kernel_ms:.2f} + copies at the pinned rates "
              f"{link_ms:.2f} ms = {(kernel_ms + link_ms) / total_ms:.2f} of it ({r['impl']})")
EOF
    exit
fi
if [ "$mode" = bench ]; then
    $g bench --quiet --json="$out/bench.json" --csv="$out/bench.csv"
    exit
fi
$g devices
$g peak --size-mb=1024 --device=gpu
$g peak --size-mb=1024 --device=gpu --format=json >"$out/peak.json"
$g run reduce --size=1e8 --format=json >"$out/reduce-1e8.json"
$g run reduce --size=1e8
$g run reduce --size=1e9 --repeat=5
$g run reduce --size=1e8 --backend=opencl --cl-no-overlap --repeat=5 | tail -1
for fn in square saxpy sigmoid; do $g run map --size=1e8 --fn=$fn --repeat=5; done
$g run dense --format=json >"$out/dense-256.json"
$g run dense
for impl in kernel clblast; do $g run dense --impl=$impl --backend=opencl | tail -1; done
$g run dense --batch=1024 --in=4096 --out=4096 --repeat=5
[ $testing = ON ] && (cd build-device && ctest --output-on-failure -j 4 2>&1 | tail -15)
