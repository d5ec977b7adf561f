#!/usr/bin/env bash
# The layering rule of the source tree (README.md, "Architecture"), checked on
# every #include of the library, the program, bench/ and the kernels:
#
#   cli, bench -> gpucc.h + host/internal -> workloads -> backends -> core
#                                                      workloads -> io -> core
#
# Each layer includes only its own headers and those of the layers below it:
#   core       include/, kernels/, host/core/, host/internal/ headers that core implements
#   io         include/, host/core/, host/io/ (and the host/internal/ headers of both)
#   backends   include/, kernels/, host/core/, host/backends/
#   workloads  include/, kernels/, host/core/, host/backends/, host/io/, host/workloads/
#   cli        include/, host/internal/, host/cli/ (host/cli/bench/ is part of it)
#   bench      include/, host/internal/, bench/; the CLI's number parser
#              (host/cli/parse.h); kernels/ only where listed in BENCH_KERNELS
#   kernels    kernels/ and include/ (the public headers, which every layer may include)
# A header in host/internal/ belongs to the layer of the folder that holds its
# .c file. Within a layer, one workload's folder never includes another's, and
# one backend's folder includes no other backend's except backends/cpu/ (the
# CPU routines that serial and pthreads share).
#
# The CMake include directories already make most upward includes fail to
# compile; this check also covers what they cannot see: same-folder and
# relative includes ("../core/pool.h"), and an include that only compiles
# because a lower layer exports the folder. A quoted include must name a
# project header; an angle-bracket include must not.
#
#   usage: check-layers.sh [SOURCE_DIR]     check the tree (default: this repository)
#          check-layers.sh --self-test      check that the checker finds known violations
#
# Prints one line per violation and finally "N passed, M failed" (includes
# that follow the rule, and those that do not); exits nonzero on a violation.
set -u

# The bench programs that may include a kernel header (the map functions).
BENCH_KERNELS="bench/bench-dense.c"

# layer_of PATH: sets LAYER to the layer of a project file ("" for a file
# outside them). A host/internal/ header takes the layer of the folder that
# holds its .c file (INTERNAL_LAYER, filled by check_tree).
layer_of() {
    case $1 in
    include/*) LAYER=public ;;
    kernels/*) LAYER=kernels ;;
    host/internal/*) LAYER=${INTERNAL_LAYER[$1]:-internal-without-implementation} ;;
    host/core/*) LAYER=core ;;
    host/io/*) LAYER=io ;;
    host/backends/*) LAYER=backends ;;
    host/workloads/*) LAYER=workloads ;;
    host/cli/*) LAYER=cli ;;
    bench/*) LAYER=bench ;;
    *) LAYER="" ;;
    esac
}

# BELOW[LAYER]: the layers whose headers LAYER may include (itself included).
# The public headers are declarations only: every layer may include them.
declare -A BELOW=(
    [public]="public"
    [kernels]="kernels public"
    [core]="core public kernels"
    [io]="io core public"
    [backends]="backends core public kernels"
    [workloads]="workloads backends io core public kernels"
    [cli]="cli public"
    [bench]="bench public")
declare -A INTERNAL_LAYER=()

# why FILE TARGET: sets REASON to why FILE may not include TARGET, or to ""
# when it may.
why() {
    local file=$1 target=$2 from to
    REASON=""
    layer_of "$file"
    from=$LAYER
    layer_of "$target"
    to=$LAYER
    if [[ $from == cli || $from == bench ]]; then
        case $target in
        host/internal/*) return ;;
        host/cli/parse.h) [[ $from == bench ]] && return ;;
        kernels/*) [[ $from == bench && " $BENCH_KERNELS " == *" $file "* ]] && return ;;
        esac
        case $target in
        host/core/* | host/io/* | host/backends/* | host/workloads/*)
            REASON="a private header of $to: $from uses only gpucc.h, host/internal/ and its own headers"
            return ;;
        esac
    fi
    if [[ $to == internal-without-implementation ]]; then
        REASON="no .c file in host/ implements it, so it belongs to no layer"
        return
    fi
    if [[ $from == internal-without-implementation ]]; then
        REASON="$file: no .c file in host/ of the same name implements it, so it belongs to no layer"
        return
    fi
    if [[ " ${BELOW[$from]} " != *" $to "* ]]; then
        REASON="$from may include only ${BELOW[$from]// /, } (it is not below $from)"
        return
    fi
    # Sibling folders: workloads are units; backends share only backends/cpu/.
    local from_dir to_dir
    from_dir=${file%/*}
    to_dir=${target%/*}
    case $from_dir/:$to_dir/ in
    host/workloads/*/*:host/workloads/*/*)
        [[ ${from_dir#host/workloads/} != "${to_dir#host/workloads/}" ]] &&
            REASON="one workload's folder includes another's (${to_dir#host/})" ;;
    host/backends/*/*:host/backends/cpu/) ;;
    host/backends/*/*:host/backends/*/*)
        [[ ${from_dir#host/backends/} != "${to_dir#host/backends/}" ]] &&
            REASON="one backend's folder includes another's (${to_dir#host/}; only backends/cpu/ is shared)" ;;
    esac
}

# check_tree ROOT: checks every include under ROOT; prints the violations and
# the totals; returns 1 when there is a violation.
check_tree() {
    cd "$1" || return 2
    local -a files dirs matches
    local file dir impl passed=0 failed=0 number line kind close name target reason
    mapfile -t files < <(find include kernels host bench -type f \( -name '*.c' -o -name '*.h' -o -name '*.cl' \) \
        2>/dev/null | sort)
    mapfile -t dirs < <(printf '%s\n' "${files[@]}" | sed 's|/[^/]*$||' | sort -u)
    for file in "${files[@]}"; do
        [[ $file == host/internal/*.h ]] || continue
        impl=${file#host/internal/}
        impl=${impl%.h}.c
        for target in "${files[@]}"; do
            case $target in
            host/core/*/"$impl" | host/core/"$impl") INTERNAL_LAYER[$file]=core ;;
            host/io/*/"$impl" | host/io/"$impl") INTERNAL_LAYER[$file]=io ;;
            host/backends/*/"$impl" | host/backends/"$impl") INTERNAL_LAYER[$file]=backends ;;
            host/workloads/*/"$impl" | host/workloads/"$impl") INTERNAL_LAYER[$file]=workloads ;;
            esac
        done
    done
    # normalize PATH: sets NORMAL to PATH relative to the root, without ./ or ../
    normalize() {
        if [[ $1 == *..* || $1 == ./* ]]; then NORMAL=$(realpath -m --relative-to=. "$1"); else NORMAL=$1; fi
    }
    local include_re='^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*(["<])([^">]*)[">]'
    while IFS= read -r line; do
            file=${line%%:*}
            line=${line#*:}
            [[ $line =~ $include_re ]] || continue
            number=${BASH_REMATCH[1]}
            kind=${BASH_REMATCH[2]}
            name=${BASH_REMATCH[3]}
            close='"'
            [[ $kind == '<' ]] && close='>'
            # The including file's folder first (as the compiler does for
            # quotes), then every project folder as if it were on the include
            # path, which also resolves relative names such as ../core/pool.h.
            matches=()
            if [[ $kind == '"' && -f ${file%/*}/$name ]]; then
                normalize "${file%/*}/$name"
                matches=("$NORMAL")
            else
                for dir in "${dirs[@]}"; do
                    [[ -f $dir/$name ]] || continue
                    normalize "$dir/$name"
                    [[ " ${matches[*]} " == *" $NORMAL "* ]] || matches+=("$NORMAL")
                done
            fi
            reason=""
            if [[ ${#matches[@]} -gt 1 ]]; then
                reason="names several project headers (${matches[*]}); header names must be unique"
            elif [[ ${#matches[@]} -eq 0 ]]; then
                [[ $kind == '"' ]] && reason="names no project header (use <> for system headers)"
            elif [[ $kind == '<' ]]; then
                reason="names the project header ${matches[0]} with <> (use quotes)"
            else
                target=${matches[0]}
                why "$file" "$target"
                [[ -n $REASON ]] && reason="includes $target: $REASON"
            fi
            if [[ -n $reason ]]; then
                failed=$((failed + 1))
                echo "$file:$number: #include $kind$name$close: $reason"
            else
                passed=$((passed + 1))
            fi
    done < <(grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' "${files[@]}")
    echo "$passed passed, $failed failed"
    [[ $failed -eq 0 && $passed -gt 0 ]]
}

# self_test: a small tree with one violation of each kind, and includes that
# are allowed; the checker must report exactly the violations.
self_test() {
    local status
    work=$(mktemp -d "${TMPDIR:-/tmp}/gpucc-layers.XXXXXX") || return 2
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work"/{include,kernels,host/internal,host/core,host/io,host/backends/cpu,host/backends/serial} \
        "$work"/{host/backends/opencl,host/workloads/a,host/workloads/b,host/cli/bench,bench}
    touch "$work"/include/gpucc.h "$work"/kernels/ops.h "$work"/host/internal/{timer,npy,orphan}.h \
        "$work"/host/core/{timer.c,pool.h} "$work"/host/io/npy.c "$work"/host/backends/backend-impl.h \
        "$work"/host/backends/cpu/cpu.h "$work"/host/backends/opencl/cl.h "$work"/host/workloads/b/b.h \
        "$work"/host/cli/{cli.h,parse.h} "$work"/host/cli/bench/bench.h "$work"/bench/util.h
    printf '#include "gpucc.h"\n#include "ops.h"\n#include "timer.h"\n#include "pool.h"\n#include <stdio.h>\n' \
        >"$work"/host/core/ok.c
    printf '#include "npy.h"\n#include "backend-impl.h"\n#include <pool.h>\n#include "nothere.h"\n' \
        >"$work"/host/core/bad.c
    printf '#include "pool.h"\n#include "npy.h"\n#include "timer.h"\n#include "ops.h"\n' >"$work"/host/io/io.c
    printf '#include "cpu.h"\n#include "../opencl/cl.h"\n#include "orphan.h"\n' >"$work"/host/backends/serial/s.c
    printf '#include "backend-impl.h"\n#include "../b/b.h"\n#include "cli.h"\n' >"$work"/host/workloads/a/a.c
    printf '#include "cli.h"\n#include "bench.h"\n#include "npy.h"\n#include "../core/pool.h"\n#include "b.h"\n' \
        >"$work"/host/cli/bench/cmd.c
    printf '#include "util.h"\n#include "parse.h"\n#include "ops.h"\n#include "timer.h"\n' >"$work"/bench/bench-dense.c
    printf '#include "ops.h"\n#include "cli.h"\n' >"$work"/bench/other.c
    printf '#include "gpucc.h"\n#include "cli.h"\n' >"$work"/kernels/k.cl
    cat >"$work/expected" <<'EXPECTED'
bench/other.c:1: #include "ops.h": includes kernels/ops.h: bench may include only bench, public (it is not below bench)
bench/other.c:2: #include "cli.h": includes host/cli/cli.h: bench may include only bench, public (it is not below bench)
host/backends/serial/s.c:2: #include "../opencl/cl.h": includes host/backends/opencl/cl.h: one backend's folder includes another's (backends/opencl; only backends/cpu/ is shared)
host/backends/serial/s.c:3: #include "orphan.h": includes host/internal/orphan.h: no .c file in host/ implements it, so it belongs to no layer
host/cli/bench/cmd.c:4: #include "../core/pool.h": includes host/core/pool.h: a private header of core: cli uses only gpucc.h, host/internal/ and its own headers
host/cli/bench/cmd.c:5: #include "b.h": includes host/workloads/b/b.h: a private header of workloads: cli uses only gpucc.h, host/internal/ and its own headers
host/core/bad.c:1: #include "npy.h": includes host/internal/npy.h: core may include only core, public, kernels (it is not below core)
host/core/bad.c:2: #include "backend-impl.h": includes host/backends/backend-impl.h: core may include only core, public, kernels (it is not below core)
host/core/bad.c:3: #include <pool.h>: names the project header host/core/pool.h with <> (use quotes)
host/core/bad.c:4: #include "nothere.h": names no project header (use <> for system headers)
host/io/io.c:4: #include "ops.h": includes kernels/ops.h: io may include only io, core, public (it is not below io)
host/workloads/a/a.c:2: #include "../b/b.h": includes host/workloads/b/b.h: one workload's folder includes another's (workloads/b)
host/workloads/a/a.c:3: #include "cli.h": includes host/cli/cli.h: workloads may include only workloads, backends, io, core, public, kernels (it is not below workloads)
kernels/k.cl:2: #include "cli.h": includes host/cli/cli.h: kernels may include only kernels, public (it is not below kernels)
18 passed, 14 failed
EXPECTED
    (check_tree "$work") >"$work/got"
    status=$?
    if [[ $status -ne 1 ]]; then
        echo "FAIL: the checker exits $status on a tree with violations (expected 1)"
        return 1
    fi
    if ! diff "$work/expected" "$work/got"; then
        echo "FAIL: the checker's report differs from the expected one (< expected, > got)"
        return 1
    fi
    echo "self-test: the checker reports each of the 14 known violations and passes the 18 allowed includes"
}

if [[ ${1:-} == --self-test ]]; then
    self_test
else
    check_tree "${1:-$(dirname "$0")/..}"
fi
