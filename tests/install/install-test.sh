#!/usr/bin/env bash
# Install test: `cmake --install` of a build into a temporary prefix, then
# what a user of the library relies on there: the header, the shared library
# (with a SONAME carrying the major version, exporting exactly the functions
# of include/gpucc.h), the static library, the gpucc program, and a program
# outside the tree (consumer.c) built against the installed tree both ways,
# with find_package(gpucc) (CMakeLists.txt here) and with pkg-config, and run:
# each sums 1..1000 through the library on the serial backend and checks it.
#
#   usage: install-test.sh BUILD_DIR SOURCE_DIR
#
# The build must be complete (ctest runs after the build). The environment
# may name the tools: CMAKE (default cmake), CC (default cc), and
# GPUCC_CONSUMER_CFLAGS, flags the consumers need to link the library (the
# sanitizer flags of an instrumented build). Prints one line per failed check
# and finally "N passed, M failed"; exits nonzero when any check failed.
set -u

BUILD=${1:?usage: install-test.sh BUILD_DIR SOURCE_DIR}
SOURCE=${2:?usage: install-test.sh BUILD_DIR SOURCE_DIR}
CMAKE=${CMAKE:-cmake}
CC=${CC:-cc}
read -r -a CONSUMER_CFLAGS <<<"${GPUCC_CONSUMER_CFLAGS:-}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-install-test.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
passed=0
failed=0

# check WHAT COMMAND...: one check; passes when COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}

# stop WHAT LOG: a failed step that the remaining checks need; shows its log,
# prints the totals and exits.
stop() {
    failed=$((failed + 1))
    echo "FAIL: $1"
    sed 's/^/  | /' "$2"
    echo "$passed passed, $failed failed (stopped: nothing to check without it)"
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

"$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1 || stop "cmake --install $BUILD" "$WORK/install.log"
passed=$((passed + 1))

# The library folder is CMAKE_INSTALL_LIBDIR: lib, or lib/<multiarch> for /usr.
PC=$(find "$PREFIX" -path '*/pkgconfig/gpucc.pc' | head -n 1)
[[ -n $PC ]] || stop "gpucc.pc is installed under $PREFIX" "$WORK/install.log"
passed=$((passed + 1))
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
"$PREFIX/bin/gpucc" --help >"$WORK/help" 2>&1
check "the installed gpucc --help exits 0" test $? -eq 0
check "the installed gpucc --help prints the usage" grep -q 'gpucc run' "$WORK/help"

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
if "$CMAKE" -S "$SOURCE/tests/install" -B "$WORK/consumer" -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="${CONSUMER_CFLAGS[*]}" >"$WORK/configure.log" 2>&1; then
    passed=$((passed + 1))
    check "find_package found the installed package" grep -q "^gpucc_DIR:PATH=$LIBDIR/cmake/gpucc$" \
        "$WORK/consumer/CMakeCache.txt"
    if "$CMAKE" --build "$WORK/consumer" >"$WORK/build.log" 2>&1; then
        passed=$((passed + 1))
        consumer_runs "the find_package consumer (gpucc::gpucc)" "$WORK/consumer/consumer"
        check "the gpucc::gpucc consumer needs libgpucc.so.$MAJOR" grep -qx "libgpucc.so.$MAJOR" \
            <(needs "$WORK/consumer/consumer")
        consumer_runs "the find_package consumer (gpucc::gpucc_static)" "$WORK/consumer/consumer-static"
        check "the gpucc::gpucc_static consumer needs no libgpucc.so" \
            test "$(needs "$WORK/consumer/consumer-static" | grep -c libgpucc)" -eq 0
    else
        failed=$((failed + 1))
        echo "FAIL: the find_package consumer builds"
        sed 's/^/  | /' "$WORK/build.log"
    fi
else
    failed=$((failed + 1))
    echo "FAIL: the find_package consumer configures with CMAKE_PREFIX_PATH=$PREFIX"
    sed 's/^/  | /' "$WORK/configure.log"
fi

# (b) pkg-config, with nothing but the installed gpucc.pc on its path.
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
check "pkg-config --modversion gpucc is $VERSION" test "$(pkg-config --modversion gpucc 2>&1)" = "$VERSION"
read -r -a PC_FLAGS <<<"$(pkg-config --cflags --libs gpucc)"
if "$CC" "${CONSUMER_CFLAGS[@]}" "$SOURCE/tests/install/consumer.c" -o "$WORK/consumer-pc" "${PC_FLAGS[@]}" \
    >"$WORK/cc.log" 2>&1; then
    passed=$((passed + 1))
    consumer_runs "the pkg-config consumer" "$WORK/consumer-pc"
else
    failed=$((failed + 1))
    echo "FAIL: cc consumer.c \$(pkg-config --cflags --libs gpucc) builds"
    sed 's/^/  | /' "$WORK/cc.log"
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
