# shellcheck shell=bash
# Shared by the CI steps in scripts/ci/ (sourced, not run): a header per
# step, a build helper, pass/fail counting with a summary line, and the
# sanitizer canary.

# ci_header NAME WHAT prints the banner that opens a step's output.
ci_header() {
    printf '\n==== CI step: %s ====\n%s\n\n' "$1" "$2"
}

# ci_build DIR CMAKE-ARGS... configures and builds the project in DIR
# (incrementally where DIR already holds a build).
ci_build() {
    local dir=$1
    shift
    cmake -S . -B "$dir" "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)" >/dev/null
}

ci_passed=0
ci_failed=0

# ci_pass LABEL and ci_fail LABEL [DETAIL] count and print one check.
ci_pass() {
    ci_passed=$((ci_passed + 1))
    echo "PASS: $1"
}
ci_fail() {
    ci_failed=$((ci_failed + 1))
    echo "FAIL: $1"
    [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/    /'
}

# ci_summary STEP prints "N passed, N failed" and returns 1 if anything
# failed (or if nothing was checked at all).
ci_summary() {
    echo "$1: $ci_passed passed, $ci_failed failed"
    [ "$ci_failed" -eq 0 ] && [ "$ci_passed" -gt 0 ]
}

# ci_canary CFLAGS MODE PATTERN compiles tests/sanitizers/canary.c with
# CFLAGS into $work (the caller's scratch folder) and passes when the
# canary, run in MODE, fails with output matching the extended regular
# expression PATTERN: the sanitizer works here and its report is seen.
# shellcheck disable=SC2154 # work is the caller's
ci_canary() {
    local flags=$1 mode=$2 pattern=$3 rc=0
    local bin=$work/canary${flags//[^a-z]/-}
    # shellcheck disable=SC2086 # CFLAGS is a list of options
    [ -x "$bin" ] || cc $flags -g -O1 -pthread tests/sanitizers/canary.c -o "$bin"
    "$bin" "$mode" >"$work/canary.out" 2>&1 || rc=$?
    if [ "$rc" -ne 0 ] && grep -Eq "$pattern" "$work/canary.out"; then
        ci_pass "canary $mode is reported ($flags)"
    else
        ci_fail "canary $mode is not reported ($flags; exit $rc)" "$(head -n 20 "$work/canary.out")"
    fi
}
