#!/usr/bin/env bash
# consumer.sh <source root> <build root> <work dir>: ctgrad used from another project, two ways:
#  1. as a Meson subproject (subprojects/consumer, whose subprojects/ctgrad links back to this tree);
#  2. installed (`meson install` into a staging dir), found with pkg-config.
set -euo pipefail
src=$1 build=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
echo "== as a Meson subproject"
CXX=clang++-19 meson setup "$work/sub" "$src/subprojects/consumer" >"$work/sub.log" 2>&1 || { cat "$work/sub.log"; exit 1; }
ninja -C "$work/sub" -j2 >>"$work/sub.log" 2>&1 || { tail -40 "$work/sub.log"; exit 1; }
"$work/sub/consumer"
echo "== installed, through pkg-config"
DESTDIR="$work/stage" meson install -C "$build" --no-rebuild --quiet
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])' 2>/dev/null || echo /usr/local)
root="$work/stage$prefix"
pcdir=$(dirname "$(find "$root" -name ctgrad.pc | head -n1)")
test -f "$root/share/ctgrad/modules/ctgrad.cppm"
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$root" --cflags ctgrad)
libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$root" --libs ctgrad)
# shellcheck disable=SC2086
clang++-19 $cflags "$src/subprojects/consumer/main.cpp" -o "$work/installed_consumer" $libs
libdir=$(dirname "$(find "$root" -name 'libctgrad.so' | head -n1)")  # the staged prefix is not on the loader's path
LD_LIBRARY_PATH="$libdir" "$work/installed_consumer"
