#!/usr/bin/env bash
# Installs gpucc's build and test dependencies from the distribution's
# packages (Debian 12, Ubuntu 22.04+) when any is missing. Idempotent: does
# nothing, and needs no root, when everything is already there.
#
#   usage: scripts/install-deps.sh [--with-plots] [--ci]
#
# --with-plots also installs gnuplot-nox, which bench/plot.sh needs (the test
# set-up passes it, so that the plots are tested).
# --ci also installs what the CI steps after the test suite need (.ci/run,
# scripts/ci/): Oclgrind, and clang with its libFuzzer runtime.
set -euo pipefail

with_plots=0
with_ci=0
for arg in "$@"; do
    case $arg in
    --with-plots) with_plots=1 ;;
    --ci) with_ci=1 ;;
    *) echo "usage: scripts/install-deps.sh [--with-plots] [--ci]" >&2; exit 64 ;;
    esac
done

packages=(
    build-essential cmake pkg-config # compiler and build
    ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd # OpenCL loader, headers, PoCL (CPU device)
    libclblast-dev # CLBlast (GEMM)
    check # unit tests
    libopenblas-dev # OpenBLAS: the SGEMM peer that `gpucc peak` and bench-dense compare with
    openmpi-bin libopenmpi-dev # Open MPI: gpucc run across MPI ranks (GPUCC_MPI) and its test
)
[ "$with_plots" -eq 1 ] && packages+=(gnuplot-nox) # bench/plot.sh
# scripts/ci/oclgrind.sh; scripts/ci/fuzz.sh (libclang-rt-dev: libFuzzer for
# the distribution's clang, libclang-rt-14-dev on Debian 12)
[ "$with_ci" -eq 1 ] && packages+=(oclgrind clang libclang-rt-dev)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "install-deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
    exit 69
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
        echo "install-deps: missing ${missing[*]}; run as root or install sudo" >&2
        exit 77
    fi
    sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
