#!/usr/bin/env bash
# Runs safetensors_torch.py with $CTGRAD_PYTHON, else /tmp/peers/bin/python, else python3; exits 77 (Meson's
# "skipped"), saying why, when there is no python. Usage: safetensors_torch.sh <safetensors_interop> <work dir>
set -uo pipefail
py=${CTGRAD_PYTHON:-}
if [ -z "$py" ]; then
  for c in /tmp/peers/bin/python python3; do
    if command -v "$c" >/dev/null 2>&1; then py=$c; break; fi
  done
fi
if [ -z "$py" ] || ! command -v "$py" >/dev/null 2>&1; then
  echo "SKIP: no python found (set CTGRAD_PYTHON to a python with torch and safetensors)"
  exit 77
fi
exec "$py" "$(dirname "$0")/safetensors_torch.py" "$@"
