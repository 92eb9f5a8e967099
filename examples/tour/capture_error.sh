#!/usr/bin/env bash
# capture_error.sh <out> <compiler and args...>: compiles a snippet that must fail; writes its first error line to
# <out> as a C++ raw string literal, so the tour shows exactly what the compiler said.
set -u
out=$1; shift
if "$@" > "$out.log" 2>&1; then
  echo "capture_error.sh: the snippet compiled, but it should not have" >&2
  exit 1
fi
{ printf 'R"ctgrad('; grep -m1 'error:' "$out.log" | sed 's/^[^ ]*: error: /error: /' | tr -d '\n'; printf ')ctgrad"\n'; } > "$out"
rm -f "$out.log"
