#!/usr/bin/env bash
# Compile one snippet and check what the compiler says about it.
#   check.sh MODE SNIPPET INCLUDE_DIR COMPILER [COMPILER_ARGS...]
# MODE says what a failed check prints on its first error line (src/ctgrad/check.hpp, docs/static.md):
#   computed  clang -std=c++2c: the computed message (P2741), e.g. "ctgrad::matmul: inner dims differ: (2,3) @ (4,5)"
#   typed     C++20 (clang, gcc): the type ctgrad::shape_error<text<15>{"ctgrad::matmul"}, text<18>{"inner dims
#             differ"}, ctgrad::dims<2, 3>, ctgrad::dims<4, 5>>
# A snippet holds its expectation in comments:
#   // expected-error: <text>          the computed message (a part of it)
#   // expected-error-fixed: <text>    the check's fixed text: the call, ": ", the rule
#   // expected-shapes: <text>         the shapes of the typed error, where the computed text has other numbers in
#                                      parentheses (reshape's element counts)
#   // expected: compiles              no error and no warning at all (the positive controls)
# In typed mode the expectation is derived from those two lines: the first error line must hold the call (the
# computed text before its first ": "), the rule (the fixed text after its first ": ") and every shape written in the
# computed text, "(2,3)" as ctgrad::dims<2, 3>, in order and nothing else. The first error line is the first line
# that is a diagnostic of severity error ("file:line:col: error: ..."); gcc's "In instantiation of ..." and "required
# from ..." lines before it are context, not errors. A failing snippet passes only when the compiler rejects it with
# exactly one error: the expected one, no cascade.
set -u
if [ $# -lt 4 ]; then
  echo "usage: $0 computed|typed SNIPPET INCLUDE_DIR COMPILER [ARGS...]" >&2
  exit 2
fi
mode=$1 snippet=$2 include=$3
shift 3

expectation() {  # the text after "// <tag>: " on the snippet's first such line
  sed -n "s|^// $1: ||p" "$snippet" | head -n 1
}
compiles=false
[ "$(expectation expected)" = compiles ] && compiles=true
computed=$(expectation expected-error)
fixed=$(expectation expected-error-fixed)
if ! $compiles && { [ -z "$computed" ] || { [ "$mode" = typed ] && [ -z "$fixed" ]; }; }; then
  echo "FAIL: $snippet needs '// expected-error:' and '// expected-error-fixed:' lines (or '// expected: compiles')" >&2
  exit 2
fi

# clang prints a string template argument of at most 36 characters whole, a longer one as its first 34 and "[...]";
# both compilers escape quotes.
printed() {
  local s=$1
  [ ${#s} -gt 36 ] && s=${s:0:34}
  s=${s//\\/\\\\}
  printf '%s' "${s//\"/\\\"}"
}
# The parts the first error line must hold, each a fixed string.
needles=()
if ! $compiles; then
  if [ "$mode" = computed ]; then
    needles=("$computed")
  else
    call=${computed%%: *}
    rule=${fixed#*: }
    needles=("{\"$(printed "$call")" "{\"$(printed "$rule")")
    shape_text=$(expectation expected-shapes)
    [ -n "$shape_text" ] || shape_text=$computed
    # a shape is "(2,3)" or "()" not right after a name: ".sum()" is a call
    shapes=$(printf '%s\n' "$shape_text" | grep -oE '(^|[^A-Za-z0-9_])\(([0-9]+(,[0-9]+)*)?\)' |
      sed -E 's/^[^(]*//; s/[()]//g; s/,/, /g; s/.*/ctgrad::dims<&>/' | paste -sd '#')
    shapes=${shapes//#/, }
    # the shapes end the argument list: "...>>" (clang) or "...> >" (gcc), or the rule does when there are none
    if [ -n "$shapes" ]; then needles+=("}, $shapes>"); else needles+=("\"}>"); fi
  fi
fi

output=$("$@" -fsyntax-only -fno-diagnostics-color -I"$include" "$snippet" 2>&1)
status=$?
# Diagnostic lines only: "file:line:col: error: ..." or a bare "error: ..."; source excerpts start with spaces.
errors=$(printf '%s\n' "$output" | grep -E '^([^ ][^|]*: )?(fatal )?error: ')
warnings=$(printf '%s\n' "$output" | grep -E '^([^ ][^|]*: )?warning: ')
error_count=$(printf '%s' "$errors" | grep -c '')

fail() {
  echo "FAIL: $snippet ($mode): $1"
  echo "----- compiler output -----"
  printf '%s\n' "$output"
  exit 1
}

if $compiles; then
  [ "$status" -eq 0 ] || fail "expected to compile, but does not"
  [ -z "$warnings" ] || fail "expected to compile cleanly, but warns"
  echo "PASS: $snippet compiles cleanly"
  exit 0
fi

[ "$status" -ne 0 ] || fail "compiled, but must fail with: ${needles[*]}"
first=$(printf '%s\n' "$errors" | head -n 1)
if [ "$mode" = typed ]; then
  first=${first//\\\'/\'}  # clang escapes the apostrophes in a string template argument
  first=${first//> >/>>}   # gcc spaces the closing brackets
fi
for needle in "${needles[@]}"; do
  case "$first" in
    *"$needle"*) ;;
    *) fail "the first error is not the expected one
  expected: $needle
  first:    $first" ;;
  esac
done
[ "$error_count" -eq 1 ] || fail "$error_count errors (a cascade), expected exactly one:
$errors"
echo "PASS: $snippet: $first"
