#!/usr/bin/env bash
# compile_budget.sh <budget seconds> <README.md> <src dir> <libctgrad.so> <work dir> <compiler> [flags...]: the README's
# short example, compiled as a user compiles it against libctgrad, must take at most the budget (the best of three
# compiles: a busy machine only slows some), then link against the library and run.
set -euo pipefail
budget=$1 readme=$2 src=$3 lib=$(realpath "$4") work=$5; shift 5
mkdir -p "$work"
awk '/^## A short example/{f=1; next} f && /^```cpp/{g=1; next} g && /^```/{exit} g{print}' "$readme" > "$work/example.cpp"
grep -q 'ctgrad/ctgrad.hpp' "$work/example.cpp" || { echo "no C++ example under '## A short example' in $readme"; exit 1; }
best_ms=
for attempt in 1 2 3; do
  start=$(date +%s%N)
  "$@" -I "$src" -c "$work/example.cpp" -o "$work/example.o"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "compile $attempt: ${ms} ms"
  if [ -z "$best_ms" ] || (( ms < best_ms )); then best_ms=$ms; fi
done
echo "README example: best ${best_ms} ms of three (budget ${budget} s): $*"
"$1" "$work/example.o" "$lib" -Wl,-rpath,"$(dirname "$lib")" -o "$work/example" -ldl -lpthread
DEVICE=C "$work/example"
echo "linked against $(basename "$lib") and ran: exit 0"
(( best_ms <= budget * 1000 ))
