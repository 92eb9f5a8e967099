#!/usr/bin/env bash
# compile_budget.sh <budget seconds> <README.md> <src dir> <libctgrad.so> <work dir> <compiler> [flags...]: the README's
# short example, compiled as a user compiles it against libctgrad, must take at most the budget, then link against the
# library and run. The figure is the compiler's CPU time (user + system), the best of three: the compiler is one thread,
# so on an idle machine that is its wall time, and a busy machine (CI runs other jobs beside it) cannot inflate it by
# making it wait for a core. The wall time is printed beside it.
set -euo pipefail
budget=$1 readme=$2 src=$3 lib=$(realpath "$4") work=$5; shift 5
mkdir -p "$work"
awk '/^## A short example/{f=1; next} f && /^```cpp/{g=1; next} g && /^```/{exit} g{print}' "$readme" > "$work/example.cpp"
grep -q 'ctgrad/ctgrad.hpp' "$work/example.cpp" || { echo "no C++ example under '## A short example' in $readme"; exit 1; }
best_ms=
TIMEFORMAT='%3R %3U %3S'
for attempt in 1 2 3; do
  { time "$@" -I "$src" -c "$work/example.cpp" -o "$work/example.o" 2>&3; } 3>&2 2>"$work/time.txt"
  read -r wall user sys < "$work/time.txt"
  ms=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')
  echo "compile $attempt: ${ms} ms CPU (user ${user} s + system ${sys} s), ${wall} s wall"
  if [ -z "$best_ms" ] || (( ms < best_ms )); then best_ms=$ms; fi
done
echo "README example: best ${best_ms} ms CPU of three (budget ${budget} s): $*"
"$1" "$work/example.o" "$lib" -Wl,-rpath,"$(dirname "$lib")" -o "$work/example" -ldl -lpthread
DEVICE=C "$work/example"
echo "linked against $(basename "$lib") and ran: exit 0"
(( best_ms <= budget * 1000 ))
