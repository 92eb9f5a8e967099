#!/usr/bin/env bash
# Runs one libFuzzer harness from fresh seeds and prints one summary line; fails on any crash, leak, UB report or
# over-large allocation (-malloc_limit_mb: inputs are at most 8 KiB, so nothing honest needs 64 MiB).
# Usage: run.sh <fuzz_NAME binary> <make_seeds binary> <runs> <work dir of its own>   (FUZZ_SEED: -seed, default 1)
set -uo pipefail
harness=$1 make_seeds=$2 runs=$3 work=$4
kind=$(basename "$harness")
kind=${kind#fuzz_}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work/seeds" "$work/corpus" || exit 1
"$make_seeds" "$work/seeds" || exit 1
args=(-runs="$runs" -seed="${FUZZ_SEED:-1}" -max_len=8192 -malloc_limit_mb=64 -rss_limit_mb=2048 -print_final_stats=1
      -artifact_prefix="$work/crash-")
[ -f "$here/$kind.dict" ] && args+=(-dict="$here/$kind.dict")
log=$work/log
start=$(date +%s.%N)
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$harness" "${args[@]}" "$work/corpus" "$work/seeds/$kind" >"$log" 2>&1
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
units=$(ls "$work/corpus" | wc -l)
if [ $rc -ne 0 ]; then
  tail -60 "$log"
  echo "fuzz_$kind: FAILED (exit $rc) after ${execs:-?} executions; input saved as $work/crash-*; log $log"
  exit 1
fi
printf 'fuzz_%-12s %9s execs  %6.1f s  %8.0f execs/s  0 crashes  %s  new corpus units %s\n' "$kind" "$execs" "$secs" \
  "$(echo "$execs / $secs" | bc -l)" "$cov" "$units"
