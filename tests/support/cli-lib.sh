# shellcheck shell=bash
# Shared by the end-to-end test scripts (tests/cli/cli-test.sh,
# tests/cli/test_bench.sh, tests/cli/test_dtype.sh, ...): a work folder, counted checks, running gpucc,
# the parts a build may leave out and the closing "N passed, M failed" line. Source it, set GPUCC to the
# program under test, and call cli_lib_init first.
#
# The checks named expect_* look at the last command that `run` ran: its
# stdout in $OUT, its stderr in $ERR, its exit status in $LAST_RC.

# cli_lib_init NAME: makes the work folder $WORK (removed at exit), names
# $OUT and $ERR in it, and zeroes the counts.
cli_lib_init() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 2
    trap 'rm -rf "$WORK"' EXIT
    OUT=$WORK/out
    ERR=$WORK/err
    passed=0
    failed=0
    skipped=0
    LAST_CMD="(nothing run yet)"
    LAST_RC=
}

# pass: counts a passed check.
pass() { passed=$((passed + 1)); }

# fail WHAT: counts a failed check and shows WHAT, the last command run, its
# exit status and the start of its output.
fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n  last command: gpucc %s\n  exit status: %s\n' "$1" "$LAST_CMD" "$LAST_RC"
    [[ -s $OUT ]] && head -n 8 "$OUT" | sed 's/^/  stdout: /'
    [[ -s $ERR ]] && head -n 8 "$ERR" | sed 's/^/  stderr: /'
    return 0
}

# check WHAT COMMAND...: one check; passes when COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

# run ARGS...: runs gpucc ARGS, keeping its stdout, stderr and exit status.
run() {
    LAST_CMD="$*"
    "$GPUCC" "$@" >"$OUT" 2>"$ERR" </dev/null
    LAST_RC=$?
}

# expect_exit CODE -- ARGS...: runs gpucc ARGS and checks its exit status.
expect_exit() {
    local code=$1
    shift
    [[ ${1-} == -- ]] && shift
    run "$@"
    expect_status "$code"
}

# expect_status CODE: the last command exited with CODE.
expect_status() {
    if [[ $LAST_RC == "$1" ]]; then pass; else fail "expected exit status $1, got $LAST_RC"; fi
}

expect_stderr_contains() {
    if grep -qF -- "$1" "$ERR"; then pass; else fail "stderr does not contain: $1"; fi
}

expect_stdout_contains() {
    if grep -qF -- "$1" "$OUT"; then pass; else fail "stdout does not contain: $1"; fi
}

expect_stdout_lacks() {
    if ! grep -qF -- "$1" "$OUT"; then pass; else fail "stdout contains: $1"; fi
}

expect_output_contains() {
    if cat "$OUT" "$ERR" | grep -qF -- "$1"; then pass; else fail "neither stdout nor stderr contains: $1"; fi
}

expect_stdout_empty() {
    if [[ ! -s $OUT ]]; then pass; else fail "stdout is not empty"; fi
}

expect_stderr_empty() {
    if [[ ! -s $ERR ]]; then pass; else fail "stderr is not empty"; fi
}

# Exactly one line on stderr, ending in a newline.
expect_stderr_one_line() {
    local lines
    lines=$(wc -l <"$ERR")
    if [[ $lines == 1 && $(tail -c 1 "$ERR" | od -An -c | tr -d ' ') == '\n' ]]; then
        pass
    else
        fail "expected exactly one line on stderr, got $lines"
    fi
}

# needs PART WHAT: true when $GPUCC was built with PART (OpenCL or CLBlast:
# its --version says GPUCC_OPENCL=ON, CLBlast=ON). Otherwise prints "WHAT
# skipped: gpucc built without PART" (OpenCL when both are missing), counts
# WHAT as skipped, and is false.
needs() {
    local options missing=""
    options=$("$GPUCC" --version | sed -n 's/^options: //p')
    if [[ " $options " != *" GPUCC_OPENCL=ON "* ]]; then
        missing=OpenCL
    elif [[ $1 == CLBlast && " $options " != *" CLBlast=ON "* ]]; then
        missing=CLBlast
    fi
    [[ -z $missing ]] && return 0
    skipped=$((skipped + 1))
    echo "$2 skipped: gpucc built without $missing"
    return 1
}

# cli_summary: prints "N passed, M failed" (and ", K skipped" when a group
# of checks needed what the build lacks); fails when any check failed (the
# last command of a script, so that it gives the script's exit status).
cli_summary() {
    echo "$passed passed, $failed failed$( ((skipped == 0)) || echo ", $skipped skipped")"
    [[ $failed == 0 ]]
}

# write_npy FILE DESCR SHAPE: a .npy 1.0 header (padded to 64 bytes) for the
# given dtype and shape; the caller appends the data.
write_npy() {
    local header="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
    local unpadded=$((10 + ${#header} + 1))
    local pad=$(((64 - unpadded % 64) % 64))
    local len=$((${#header} + pad + 1))
    {
        printf '\x93NUMPY\x01\x00'
        printf '%b' "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $((len >> 8)))"
        printf '%s%*s\n' "$header" "$pad" ''
    } >"$1"
}

# expect_usage_error ARGS...: exit 64, nothing on stdout, one line on stderr.
expect_usage_error() {
    expect_exit 64 -- "$@"
    expect_stdout_empty
    expect_stderr_one_line
}

# expect_error CODE ARGS...: exit CODE, nothing on stdout, one line on stderr.
expect_error() {
    local code=$1
    shift
    expect_exit "$code" -- "$@"
    expect_stdout_empty
    expect_stderr_one_line
}
