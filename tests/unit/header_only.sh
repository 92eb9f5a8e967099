#!/usr/bin/env bash
# header_only.sh <compiler> <src dir> <test file> <work dir>: compile header-only (CTGRAD_HEADER_ONLY, only -I src, nothing
# linked but the system libraries), then run on the C device.
# -O0: the kernels are JIT-compiled with full optimization whatever the host code's level; -O1 tripled the compile.
set -euo pipefail
cxx=$1 src=$2 file=$3 work=$4
mkdir -p "$work"
exe="$work/$(basename "$file" .cpp)_$(basename "$cxx")"
"$cxx" -std=c++20 -O0 -DCTGRAD_HEADER_ONLY -I "$src" "$file" -o "$exe" -ldl -lpthread
DEVICE=C "$exe"
