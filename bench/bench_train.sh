#!/usr/bin/env bash
# The flagship's training loop beside PyTorch CPU, one after the other in one run on this machine: tinygrad's
# beautiful_mnist CNN on Fashion-MNIST, Adam (lr 1e-3, cosine decay), random batches of 512, all cores for each (the pool's threads;
# torch.set_num_threads). The test accuracy is measured every EVAL_EVERY steps, outside the training time. Prints one
# table: samples/s, training seconds to 90% test accuracy, and the model's arithmetic rate (3x the forward FLOPs per
# sample, 79.3 MFLOP) for comparison with the FMA peak that bench/bench_gemm measures.
# usage: bench/bench_train.sh [STEPS=1000] [EVAL_EVERY=50]      PYTHON: an interpreter with torch (default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-1000}
every=${2:-50}
python=${PYTHON:-python3}
threads=$(nproc)
ninja -C build examples/fashion_mnist >/dev/null
log=$(mktemp)
trap 'rm -f "$log" "$log.safetensors"' EXIT

echo "== ctgrad ($(nproc) threads)"
STEPS=$steps EVAL_EVERY=$every CHECKPOINT="$log.safetensors" ./build/examples/fashion_mnist | tee "$log" || true
ct_rate=$(sed -n 's/.*training, \([0-9.]*\) samples\/s).*/\1/p' "$log")
ct_acc=$(sed -n 's/^test accuracy \([0-9.]*\)%.*/\1/p' "$log")
ct_90=$(sed -n 's/^reached 90% test accuracy at step \([0-9]*\) after \([0-9.]*\) s.*/\2 \1/p' "$log")

echo "== PyTorch CPU ($threads threads)"
if "$python" -c 'import torch' 2>/dev/null; then
  peer=$("$python" bench/peer_train_torch.py "$steps" "$every" "$threads" 1e-3)
  read -r pt_rate pt_acc pt_90 < <("$python" -c '
import json, sys
r = json.loads(sys.argv[1])
t = r["to_90"]
print("%.0f %.2f %s" % (r["samples_per_s"], 100 * r["final_accuracy"], "%.1f_%d" % (t["seconds"], t["step"]) if t else "-"))' "$peer")
else
  echo "skipped: $python has no torch (set PYTHON to an interpreter with torch)"
  pt_rate=- pt_acc=- pt_90=-
fi

row() {  # row <name> <samples/s> <to-90 "seconds step" or -> <final accuracy>
  local s=${3%% *} st=${3##* }
  [ "$3" = - ] && s=- st=-
  local gf=-
  [ "$2" != - ] && gf=$(awk -v r="$2" 'BEGIN { printf "%.1f", r * 79.3e6 / 1e9 }')
  printf "%-16s %11s %14s %9s %10s %10s\n" "$1" "$2" "$s" "$st" "$4" "$gf"
}
echo
echo "beautiful_mnist CNN on Fashion-MNIST, batch 512, $steps steps, Adam lr 1e-3 (cosine decay), $threads threads, test accuracy every $every steps"
printf "%-16s %11s %14s %9s %10s %10s\n" "" "samples/s" "s to 90% acc" "at step" "final acc" "GFLOP/s"
row "ctgrad (LLVM)" "${ct_rate:--}" "${ct_90:--}" "${ct_acc:--}"
row "PyTorch CPU" "$pt_rate" "${pt_90/_/ }" "$pt_acc"
if [ -n "$ct_rate" ] && [ "$pt_rate" != - ]; then
  echo "ctgrad / PyTorch samples/s: $(awk -v a="$ct_rate" -v b="$pt_rate" 'BEGIN { printf "%.2f", a / b }')"
fi
