#!/usr/bin/env bash
# Install test: `cmake --install` of a build into a temporary prefix, then
# what a user of the library relies on there: the headers, the shared library
# (with a SONAME carrying the major version, exporting exactly the functions
# of the public headers), the static library, the gpucc program, and a program
# outside the tree (consumer.c) built against the installed tree both ways,
# with find_package(gpucc) (CMakeLists.txt here) and with pkg-config, and run:
# each sums 1..1000 through the library on the serial backend and checks it.
#
#   usage: install-test.sh BUILD_DIR SOURCE_DIR
#
# The build must be complete (ctest runs after the build). The environment
# may name the tools: CMAKE (default cmake), CC (default cc), and
# GPUCC_CONSUMER_CFLAGS, flags the consumers need to link the library (the
# sanitizer flags of an instrumented build). The checks are those of
# tests/support/cli-lib.sh: prints each failed check and finally "N passed,
# M failed"; exits nonzero when any check failed.
set -u

BUILD=${1:?usage: install-test.sh BUILD_DIR SOURCE_DIR}
SOURCE=${2:?usage: install-test.sh BUILD_DIR SOURCE_DIR}
CMAKE=${CMAKE:-cmake}
CC=${CC:-cc}
read -r -a CONSUMER_CFLAGS <<<"${GPUCC_CONSUMER_CFLAGS:-}"
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-install-test
PREFIX=$WORK/prefix

# step WHAT LOG COMMAND...: one check that runs a build step, its output in
# LOG; shows LOG when the step fails.
step() {
    local what=$1 log=$2
    shift 2
    if "$@" >"$log" 2>&1; then
        pass
        return 0
    fi
    fail "$what"
    sed 's/^/  | /' "$log"
    return 1
}

# stop: ends the test after a failed step that the remaining checks need.
stop() {
    echo "$passed passed, $failed failed (stopped: nothing to check without that step)"
    exit 1
}

# consumer_runs WHAT PROGRAM: runs a consumer against the installed library
# and checks its one line of output.
consumer_runs() {
    local out
    out=$(LD_LIBRARY_PATH=$LIBDIR "$2" 2>&1)
    check "$1 runs and verifies the sum (got: $out)" test "$out" = "consumer: sum 500500 verified"
}

# needs PROGRAM: the shared libraries PROGRAM names in its dynamic section.
needs() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

step "cmake --install $BUILD" "$WORK/install.log" "$CMAKE" --install "$BUILD" --prefix "$PREFIX" || stop

# The library folder is CMAKE_INSTALL_LIBDIR: lib, or lib/<multiarch> for /usr.
PC=$(find "$PREFIX" -path '*/pkgconfig/gpucc.pc' | head -n 1)
check "gpucc.pc is installed under $PREFIX" test -n "$PC" || stop
LIBDIR=$(dirname "$(dirname "$PC")")
HEADER=$PREFIX/include/gpucc.h
VERSION=$(sed -n 's/^#define GPUCC_VERSION "\(.*\)"$/\1/p' "$HEADER" 2>/dev/null)
MAJOR=${VERSION%%.*}
SO=$LIBDIR/libgpucc.so

# What is installed.
for header in "$SOURCE"/include/*.h; do
    check "$(basename "$header") is installed and is include/$(basename "$header")" \
        cmp -s "$header" "$PREFIX/include/$(basename "$header")"
done
check "gpucc.h defines GPUCC_VERSION" test -n "$VERSION"
check "libgpucc.a is installed" test -f "$LIBDIR/libgpucc.a"
check "libgpucc.so.$VERSION is installed" test -f "$LIBDIR/libgpucc.so.$VERSION" -a ! -L "$LIBDIR/libgpucc.so.$VERSION"
REAL_SO=$(readlink -f "$LIBDIR/libgpucc.so.$VERSION")
check "libgpucc.so and libgpucc.so.$MAJOR lead to libgpucc.so.$VERSION" \
    test "$(readlink -f "$SO")" = "$REAL_SO" -a "$(readlink -f "$LIBDIR/libgpucc.so.$MAJOR")" = "$REAL_SO"
soname=$(readelf -d "$SO" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "the SONAME is libgpucc.so.$MAJOR (got '$soname')" test "$soname" = "libgpucc.so.$MAJOR"
check "the CMake package is installed" test -f "$LIBDIR/cmake/gpucc/gpuccConfig.cmake" \
    -a -f "$LIBDIR/cmake/gpucc/gpuccConfigVersion.cmake" -a -f "$LIBDIR/cmake/gpucc/gpuccTargets.cmake"
check "the gpucc program is installed" test -x "$PREFIX/bin/gpucc"

# The symbols: the library exports exactly the functions that the public
# headers declare with GPUCC_API, and they declare no function without it.
cat "$PREFIX"/include/*.h >"$WORK/headers"
grep -v '^[[:space:]]*#' "$WORK/headers" | grep -o 'GPUCC_API [^(]*(' | sed 's/($//; s/.*[ *]//' | sort >"$WORK/declared"
nm -D --defined-only "$SO" | awk '{ print $3 }' | sort >"$WORK/exported"
check "gpucc.h declares GPUCC_API functions" test -s "$WORK/declared"
check "libgpucc.so exports exactly the functions of the public headers (< declared, > exported)" \
    diff "$WORK/declared" "$WORK/exported"
check "every function the public headers declare is marked GPUCC_API" \
    test "$(grep -E '^[a-z][^(]*\(' "$WORK/headers" | grep -vc '^typedef')" -eq 0

# (a) find_package(gpucc): tests/install/CMakeLists.txt, configured against
# the prefix only.
if step "the find_package consumer configures with CMAKE_PREFIX_PATH=$PREFIX" "$WORK/configure.log" \
    "$CMAKE" -S "$SOURCE/tests/install" -B "$WORK/consumer" -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="${CONSUMER_CFLAGS[*]}"; then
    check "find_package found the installed package" grep -q "^gpucc_DIR:PATH=$LIBDIR/cmake/gpucc$" \
        "$WORK/consumer/CMakeCache.txt"
    if step "the find_package consumer builds" "$WORK/build.log" "$CMAKE" --build "$WORK/consumer"; then
        consumer_runs "the find_package consumer (gpucc::gpucc)" "$WORK/consumer/consumer"
        check "the gpucc::gpucc consumer needs libgpucc.so.$MAJOR" grep -qx "libgpucc.so.$MAJOR" \
            <(needs "$WORK/consumer/consumer")
        consumer_runs "the find_package consumer (gpucc::gpucc_static)" "$WORK/consumer/consumer-static"
        check "the gpucc::gpucc_static consumer needs no libgpucc.so" \
            test "$(needs "$WORK/consumer/consumer-static" | grep -c libgpucc)" -eq 0
    fi
fi

# (b) pkg-config, with nothing but the installed gpucc.pc on its path.
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
check "pkg-config --modversion gpucc is $VERSION" test "$(pkg-config --modversion gpucc 2>&1)" = "$VERSION"
read -r -a PC_FLAGS <<<"$(pkg-config --cflags --libs gpucc)"
if step "cc consumer.c \$(pkg-config --cflags --libs gpucc) builds" "$WORK/cc.log" \
    "$CC" "${CONSUMER_CFLAGS[@]}" "$SOURCE/tests/install/consumer.c" -o "$WORK/consumer-pc" "${PC_FLAGS[@]}"; then
    consumer_runs "the pkg-config consumer" "$WORK/consumer-pc"
fi

# The installed program (last: a failed check shows the last command run).
GPUCC=$PREFIX/bin/gpucc
expect_exit 0 -- --help
expect_stdout_contains 'gpucc run'

cli_summary
