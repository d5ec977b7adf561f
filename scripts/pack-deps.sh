#!/usr/bin/env bash
# Packs CLBlast and Check from this machine's Debian packages into a prefix
# (default .device-deps/) that can be copied to a machine that has an OpenCL
# driver but no distribution packages (such as a CUDA container), so that
# scripts/device-check.sh can build and test gpucc there. x86-64 only.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-.device-deps}
lib=/usr/lib/x86_64-linux-gnu
rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/CLBlast"
cp /usr/include/clblast.h /usr/include/clblast_c.h /usr/include/clblast_half.h /usr/include/check.h \
    /usr/include/check_stdint.h "$prefix/include/"
cp -L "$lib/libclblast.so.1" "$prefix/lib/libclblast.so.1"
cp "$lib/libcheck_pic.a" "$lib/libsubunit.a" "$prefix/lib/"
cat >"$prefix/lib/cmake/CLBlast/CLBlastConfig.cmake" <<'CMAKE'
# CLBlast packed by scripts/pack-deps.sh: the imported target `clblast`.
get_filename_component(_clblast_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
add_library(clblast SHARED IMPORTED)
set_target_properties(clblast PROPERTIES
  IMPORTED_LOCATION "${_clblast_prefix}/lib/libclblast.so.1"
  INTERFACE_INCLUDE_DIRECTORIES "${_clblast_prefix}/include")
CMAKE
cat >"$prefix/lib/pkgconfig/check.pc" <<'PC'
prefix=${pcfiledir}/../..
libdir=${prefix}/lib
includedir=${prefix}/include
Name: Check
Description: unit testing framework for C (packed)
Version: 0.15.2
Libs: -L${libdir} -lcheck_pic -lsubunit -lrt -lm
Cflags: -I${includedir} -pthread
PC
du -sh "$prefix"
