#!/usr/bin/env bash
# End-to-end test of NVIDIA board energy, clocks and throttle reasons
# through NVML, against the tests' stub NVML library (GPUCC_NVML_LIBRARY;
# tests/support/nvml-stub.c), its device named as PoCL's: the OpenCL row of
# `gpucc run` shows the board's clocks and throttle reasons (table and JSON)
# and its energy per call (exactly the stub's 0.25 J per timed call), CPU
# rows keep the host's; the board is matched by name (PoCL tells no PCI
# location); a board without the energy counter, an NVML whose init fails,
# no NVML at all and two identical boards (which only a PCI location tells
# apart) say n/a and why, and the run still passes;
# `gpucc bench` records the boards in its context and meters its OpenCL rows
# on the board.
#
#   usage: test_nvml.sh PATH/TO/gpucc PATH/TO/libgpucc_nvml_stub.so
#
# Prints one line per failed check and finally "N passed, M failed"; exits
# nonzero when any check failed.
set -u

# shellcheck disable=SC2034 # cli-lib.sh's run uses it
GPUCC=${1:?usage: test_nvml.sh PATH/TO/gpucc PATH/TO/libgpucc_nvml_stub.so}
STUB=${2:?usage: test_nvml.sh PATH/TO/gpucc PATH/TO/libgpucc_nvml_stub.so}
# shellcheck source=../support/cli-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/cli-lib.sh"
cli_lib_init gpucc-nvml-test

# Long enough that the timed calls last over the 100 ms that energy needs
# on this kind of machine; where even the fastest call times 300 reach
# 100 ms, energy must be there (a faster machine may leave it out).
LONG=(--size=1e7 --warmup=1 --repeat=300)

# json_check PYTHON: runs PYTHON with `results` (the rows of the last JSON
# run) and `context`; passes when it raises nothing.
json_check() {
    python3 - "$OUT" "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
results = doc.get("results", [])
context = doc.get("context", {})
exec(sys.argv[2])
PY
}

# ---- No NVML: n/a and why, nothing fails (whatever the build) ----
GPUCC_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1 expect_exit 0 -- run reduce --size=1e4 --repeat=2
expect_stdout_lacks "gpu clocks"

if needs OpenCL "NVML checks"; then
    # The OpenCL device's name, which the stub's device takes.
    run run reduce --backend=opencl --size=1e3 --repeat=1 --format=json
    NAME=$(python3 -c 'import json,sys; d = json.load(open(sys.argv[1]))["results"][0]["device"]; print(d[:d.rindex(" (")])' "$OUT")
    export GPUCC_NVML_STUB_NAME=$NAME

    GPUCC_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1 expect_exit 0 -- run reduce --backend=opencl --size=1e4 --repeat=2
    expect_stdout_contains "board energy and clocks: n/a: no NVML (/nonexistent/libnvidia-ml.so.1"
    expect_stdout_lacks "gpu clocks"
    GPUCC_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1 expect_exit 0 -- run reduce --backend=opencl --size=1e4 \
        --repeat=2 --format=json
    check "JSON: the OpenCL row says why it has no board" json_check '
gpu = results[0]["gpu"]
assert gpu["available"] is False and gpu["why"].startswith("no NVML"), gpu
assert results[0]["energy_source"] != "nvml"'

    export GPUCC_NVML_LIBRARY=$STUB
    GPUCC_NVML_STUB_INIT_FAIL=1 expect_exit 0 -- run reduce --backend=opencl --size=1e4 --repeat=2
    expect_stdout_contains "board energy and clocks: n/a: NVML init failed: Driver Not Loaded"

    # ---- The stub's board: clocks, throttle reasons and energy ----
    expect_exit 0 -- run reduce --backend=serial,opencl "${LONG[@]}"
    expect_stdout_contains "board energy: rows on NVIDIA boards read the board's own counter (NVML)"
    expect_stdout_contains "gpu clocks (NVML 0): SM 1410 MHz -> 1410 MHz, memory 1593 MHz -> 1593 MHz; throttle: sw_power_cap, sw_thermal -> sw_power_cap, sw_thermal"
    check "table: energy columns" grep -qE '^backend .* J/call +GB/J +check$' "$OUT"
    check "table: one gpu clocks line, under the OpenCL row" test "$(grep -c 'gpu clocks' "$OUT")" = 1

    GPUCC_NVML_STUB_THROTTLE=0x88 expect_exit 0 -- run reduce --backend=serial,opencl "${LONG[@]}" --format=json
    check "JSON: the OpenCL row's board, clocks, throttle reasons and energy; serial's from the host" json_check '
serial, opencl = results
gpu = opencl["gpu"]
assert gpu["available"] is True and gpu["nvml_index"] == 0, gpu
assert gpu["matched_by"] == "name", gpu  # PoCL does not tell a PCI location
for sample in (gpu["before"], gpu["after"]):
    assert sample == {"sm_clock_mhz": 1410, "memory_clock_mhz": 1593, "throttle": ["hw_slowdown", "hw_power_brake"]}, sample
assert opencl["energy_source"] == "nvml", opencl
if opencl["time_ms"]["min"] * 300 >= 100:
    assert opencl["energy_j"] == 0.25 and abs(opencl["gb_per_joule"] - 0.16) < 1e-12, opencl
else:
    assert opencl["energy_j"] in (0.25, None), opencl
assert "gpu" not in serial and serial["energy_source"] != "nvml", serial'

    expect_exit 0 -- run reduce --backend=opencl "${LONG[@]}" --format=csv
    check "CSV: the OpenCL row's energy_j is 0.25" python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows[0]["energy_j"] == "0.25" or float(rows[0]["time_ms_min"]) * 300 < 100, rows' "$OUT"

    # A board without the energy counter: clocks, and why no energy.
    GPUCC_NVML_STUB_NO_ENERGY=1 expect_exit 0 -- run reduce --backend=opencl "${LONG[@]}" --format=json
    check "JSON: no board energy, and why" json_check '
row = results[0]
assert row["energy_j"] is None and row["energy_source"] == "nvml", row
assert row["gpu"]["why"] == "board energy not readable: Not Supported", row["gpu"]
assert row["gpu"]["after"]["sm_clock_mhz"] == 1410'

    # Identical boards, told apart by PCI location only, which PoCL does not tell: no match, and why.
    GPUCC_NVML_STUB_DEVICES=2 expect_exit 0 -- run reduce --backend=opencl --size=1e4 --repeat=2
    expect_stdout_contains "board energy and clocks: n/a: 2 NVML devices are named"
    expect_stdout_contains "cannot tell which one ran (the OpenCL platform does not tell the device's PCI location)"

    # ---- gpucc bench: the boards in its context, OpenCL rows' board energy ----
    expect_exit 0 -- bench --suite=size --backend=pthreads,opencl --max-size=1e4 --min-time=0.2 --ceilings=skip \
        --json="$WORK/bench.json" --quiet
    check "bench JSON: the stub's board in the context; OpenCL rows' energy the board's, pthreads' the host's" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
context = next(json.loads("{" + l.strip().rstrip(",") + "}")["context"] for l in lines if l.startswith(" \"context\": "))
nvml = context["nvml"]
assert nvml["available"] is True, nvml
gpu, = nvml["gpus"]
assert gpu["index"] == 0 and gpu["clocks"] == {"sm_clock_mhz": 1410, "memory_clock_mhz": 1593, "throttle": ["sw_power_cap", "sw_thermal"]}, gpu
rows = [json.loads(l.strip().rstrip(",")) for l in lines if l.startswith("  {\"suite\": ")]
opencl = [r for r in rows if r["backend"] == "opencl"]
assert opencl and all(r["status"] == "ok" for r in rows), rows
for r in rows:
    assert r["energy_source"] == ("nvml" if r["backend"] == "opencl" else "rapl"), r
for r in opencl:
    # the timed calls window: the samples are the calls, or the means of shares of them
    window = sum(r["samples_ms"]) * r["repeats"] / len(r["samples_ms"])
    if window >= 110:
        assert r["energy_j"] == 0.25, r
    elif window <= 90:
        assert r["energy_j"] is None, r' "$WORK/bench.json"
    GPUCC_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1 expect_exit 0 -- bench --suite=threads --backend=pthreads \
        --max-size=1e3 --min-time=0.01 --ceilings=skip --json="$WORK/bench-none.json" --quiet
    check "bench JSON context without NVML: n/a and why" grep -q '"nvml": {"available": false, "why": "no NVML (/nonexistent' "$WORK/bench-none.json"
fi

cli_summary
