#!/usr/bin/env bash
# compile_time.sh <budget seconds> <compiler and flags...> <file>: the type-level work of a TU (-fsyntax-only) must stay
# within the budget; a generous one, so only a blow-up (deep template recursion) fails on a busy machine.
set -euo pipefail
budget=$1; shift
start=$(date +%s%N)
"$@" -fsyntax-only
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "front end: ${elapsed_ms} ms (budget ${budget} s)"
(( elapsed_ms < budget * 1000 ))
