#!/usr/bin/env bash
# gpucc's one-step set-up: installs what is missing (Debian 12 / Ubuntu
# packages, as root or through sudo), builds with CMake, then
#   ./setup.sh run    runs `gpucc run reduce --size=1e8`
#   ./setup.sh test   runs the whole test suite (what CI runs)
#   ./setup.sh bench  runs the reduction benchmark against the read bandwidth
#   ./setup.sh build  only installs and builds
# BUILD_DIR (default: build) chooses the build directory.
set -euo pipefail
cd "$(dirname "$0")"
build_dir=${BUILD_DIR:-build}

case "${1:-}" in
run | test | bench | build) ;;
*)
    echo "usage: ./setup.sh run|test|bench|build" >&2
    exit 64
    ;;
esac

if [ "$1" = test ]; then
    scripts/install-deps.sh --with-plots # the suite tests bench/plot.sh too
else
    scripts/install-deps.sh
fi
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j "$(nproc)"

case "$1" in
run) "$build_dir/gpucc" run reduce --size=1e8 ;;
test) (cd "$build_dir" && ctest --output-on-failure -j "$(nproc)") ;;
bench) "$build_dir/bench/bench-reduce" ;;
build) ;;
esac
