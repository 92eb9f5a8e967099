#!/usr/bin/env bash
# viz_screenshot.sh TEST_VIZ PNG_CHECK WORKDIR: runs test_viz's page_at_exit case with VIZ=1, opens the page it writes
# at exit in headless Chromium, and checks that the graph was drawn: SVG nodes in the DOM after the page's scripts
# ran, and a screenshot whose graph panel is not a single colour. Skipped (exit 77) only when chromium is missing.
set -euo pipefail
test_viz=$1 png_check=$2 work=$3
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh installs the Debian package chromium)"
  exit 77
fi
fail() {
  echo "viz_screenshot: $1" >&2
  exit 1
}
rm -rf "$work"
mkdir -p "$work"
page=$work/page.html
VIZ=1 VIZ_PATH=$page "$test_viz" --run_test=page_at_exit --color_output=no 2>"$work/program.txt" ||
  { cat "$work/program.txt"; fail "the program failed"; }
grep -F "VIZ: wrote $page" "$work/program.txt" || { cat "$work/program.txt"; fail "the program did not report writing $page"; }

flags=(--headless --no-sandbox --disable-gpu --window-size=1200,800 --user-data-dir="$work/profile")
# the first view (the first realize's graph): the DOM after the scripts ran, and a screenshot, from one launch
"$browser" "${flags[@]}" --dump-dom --screenshot="$work/screenshot.png" "file://$page" >"$work/dom.html" 2>"$work/chromium.txt" ||
  { cat "$work/chromium.txt"; fail "chromium --dump-dom --screenshot failed"; }
nodes=$(grep -o '<g class="node' "$work/dom.html" | wc -l || true)
echo "viz_screenshot: $nodes graph nodes in the DOM"
[ "$nodes" -gt 0 ] || fail "the page drew no graph node (DOM in $work/dom.html)"
# a kernel's view (its program stage, picked by the page's #kernel=&stage= address): graph nodes and the source
"$browser" "${flags[@]}" --dump-dom "file://$page#kernel=0&stage=2" >"$work/kernel_dom.html" 2>>"$work/chromium.txt" ||
  { cat "$work/chromium.txt"; fail "chromium --dump-dom failed"; }
nodes=$(grep -o '<g class="node' "$work/kernel_dom.html" | wc -l || true)
echo "viz_screenshot: $nodes program nodes in the DOM of the first kernel's view"
[ "$nodes" -gt 0 ] || fail "the kernel view drew no graph node (DOM in $work/kernel_dom.html)"
grep -q '<pre class="source">.' "$work/kernel_dom.html" || fail "the kernel view shows no source (DOM in $work/kernel_dom.html)"

# the graph panel: right of the 280 px list, left of the 440 px details, below the tabs and the note line
"$png_check" "$work/screenshot.png" 290 70 750 790 || fail "the screenshot $work/screenshot.png shows no graph"
