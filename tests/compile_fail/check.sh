#!/usr/bin/env bash
# Compile one snippet and check what the compiler says about it.
#   check.sh MODE SNIPPET INCLUDE_DIR COMPILER [COMPILER_ARGS...]
# MODE is "computed" (the compiler prints computed static_assert messages, P2741) or "fixed" (C++20: the literal
# part only). A snippet holds its expectation in a comment:
#   // expected-error: <text>          the first error must contain <text> (MODE computed)
#   // expected-error-fixed: <text>    the same, when MODE is fixed
#   // expected: compiles              no error and no warning at all (the positive control)
# A failing snippet passes only when the compiler rejects it with exactly one error: the expected one, no cascade.
set -u
if [ $# -lt 4 ]; then
  echo "usage: $0 computed|fixed SNIPPET INCLUDE_DIR COMPILER [ARGS...]" >&2
  exit 2
fi
mode=$1 snippet=$2 include=$3
shift 3

expectation() {  # the text after "// <tag>: " on the snippet's first such line
  sed -n "s|^// $1: ||p" "$snippet" | head -n 1
}
if [ "$(expectation expected)" = compiles ]; then
  expected=""
elif [ "$mode" = fixed ]; then
  expected=$(expectation expected-error-fixed)
else
  expected=$(expectation expected-error)
fi
if [ "$(expectation expected)" != compiles ] && [ -z "$expected" ]; then
  echo "FAIL: $snippet has no '// expected-error:' (or '// expected: compiles') line" >&2
  exit 2
fi

output=$("$@" -fsyntax-only -fno-color-diagnostics -I"$include" "$snippet" 2>&1)
status=$?
# Diagnostic lines only: "file:line:col: error: ..." or a bare "error: ..."; source excerpts start with spaces.
errors=$(printf '%s\n' "$output" | grep -E '^([^ ][^|]*: )?(fatal )?error: ')
warnings=$(printf '%s\n' "$output" | grep -E '^([^ ][^|]*: )?warning: ')
error_count=$(printf '%s' "$errors" | grep -c '')

fail() {
  echo "FAIL: $snippet: $1"
  echo "----- compiler output -----"
  printf '%s\n' "$output"
  exit 1
}

if [ -z "$expected" ]; then
  [ "$status" -eq 0 ] || fail "expected to compile, but does not"
  [ -z "$warnings" ] || fail "expected to compile cleanly, but warns"
  echo "PASS: $snippet compiles cleanly"
  exit 0
fi

[ "$status" -ne 0 ] || fail "compiled, but must fail with: $expected"
first=$(printf '%s\n' "$errors" | head -n 1)
case "$first" in
  *"$expected"*) ;;
  *) fail "the first error is not the expected one
  expected: $expected
  first:    $first" ;;
esac
[ "$error_count" -eq 1 ] || fail "$error_count errors (a cascade), expected exactly one:
$errors"
echo "PASS: $snippet: $first"
