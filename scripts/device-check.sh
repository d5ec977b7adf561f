#!/usr/bin/env bash
# Runs gpucc on a machine with a discrete GPU whose image has CUDA's OpenCL
# (headers and ICD loader) but no distribution packages: builds without the
# tests, lists devices, runs the reduction and the benchmark. Output goes to
# stdout and, when OUT is set, to $OUT/device-check.log.
set -uo pipefail
cd "$(dirname "$0")/.."
log=${OUT:-/tmp}/device-check.log
exec > >(tee "$log") 2>&1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cuda=/usr/local/cuda
if [ ! -e /etc/OpenCL/vendors/nvidia.icd ] && ldconfig -p | grep -q libnvidia-opencl.so.1; then
    mkdir -p /etc/OpenCL/vendors && echo libnvidia-opencl.so.1 >/etc/OpenCL/vendors/nvidia.icd
fi
ls /etc/OpenCL/vendors 2>/dev/null; ldconfig -p | grep -i opencl | head -5
opencl_lib=$(ls $cuda/lib64/libOpenCL.so* $cuda/targets/x86_64-linux/lib/libOpenCL.so* 2>/dev/null | head -1)
[ -n "$opencl_lib" ] || opencl_lib=$(ldconfig -p | awk '/libOpenCL.so/{print $NF; exit}')
echo "OpenCL library: $opencl_lib"
cmake -S . -B build-device -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
    -DOpenCL_INCLUDE_DIR=$cuda/include -DOpenCL_LIBRARY="$opencl_lib" >/dev/null && \
    cmake --build build-device -j 16 2>&1 | grep -E "warning|error" 
g=build-device/gpucc
$g devices
$g run reduce --size=1e8
$g run reduce --size=1e9 --repeat=5
$g run reduce --size=1e8 --op=max --repeat=5
$g run reduce --size=1e8 --backend=opencl --cl-shape=cpu --repeat=5
for ls in 64 128 512 1024; do $g run reduce --size=1e8 --backend=opencl --local-size=$ls --repeat=5 | tail -1; done
$g run reduce --size=1e8 --backend=opencl --cl-fp32 --repeat=5 | tail -1
$g run reduce --size=1e8 --format=json > "${OUT:-/tmp}/reduce-1e8.json"
build-device/bench/bench-reduce --rounds=10
