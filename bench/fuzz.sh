#!/usr/bin/env bash
# Fuzzes the safetensors loader, the idx(.gz) reader and the kernel cache's disk reader under libFuzzer with
# AddressSanitizer + UndefinedBehaviorSanitizer, each for $1 executions (default 10^6), and prints one line each.
# Usage: bench/fuzz.sh [runs]   (BUILD: the build dir, default build; FUZZ_SEED: libFuzzer's seed, default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
build=${BUILD:-build}
[ -f "$build/build.ninja" ] || CXX=clang++-19 meson setup "$build" -Dvulkan=disabled -Dcuda=disabled
targets=(bench/make_seeds bench/fuzz_safetensors bench/fuzz_idx bench/fuzz_cache)
ninja -C "$build" -j2 "${targets[@]}"
status=0
for kind in safetensors idx cache; do
  bench/fuzz/run.sh "$build/bench/fuzz_$kind" "$build/bench/make_seeds" "$runs" "$build/fuzz-work/$kind" || status=1
done
exit $status
