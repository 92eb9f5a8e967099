#!/usr/bin/env bash
# Builds ctgrad (clang-19, Meson, -j2) and runs one job:
#   train  the flagship: the beautiful_mnist CNN trained on Fashion-MNIST on the default CPU device (the README's
#          first command); it saves fashion_mnist.safetensors and classify reads it back
#   tour   the example tour
#   test   the whole test suite, plus the core suites under AddressSanitizer + UndefinedBehaviorSanitizer
#   tsan   the suites that use the thread pool and the kernel cache, under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-tour}
configure() {  # configure() <dir> [meson options...]: sets up once, reconfigures later
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    CXX=clang++-19 meson setup "$dir" "$@"
  fi
}
case "$job" in
  train)
    configure build
    ninja -C build -j2 examples/fashion_mnist examples/classify
    ./build/examples/fashion_mnist
    ./build/examples/classify fashion_mnist.safetensors
    ;;
  tour)
    configure build
    ninja -C build -j2 examples/tour
    ./build/examples/tour
    ;;
  test)
    # the dynamic core under AddressSanitizer + UndefinedBehaviorSanitizer: graph, view algebra, fusion, the kernel
    # cache, autograd, the jit and the file readers (the op suites add op coverage, not new core paths)
    asan_tests=(view_static view_chains ops_reference fusion cache errors jit autograd grad_movement viz io_safetensors io_idx nn_state)
    configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dllvm=disabled -Dcuda=disabled -Dvulkan=disabled -Dmodule=disabled
    ninja -C build-asan -j2 tests/backend/c/test_c_backend "${asan_tests[@]/#/tests/test_}"
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      meson test -C build-asan --no-rebuild --num-processes 2 --print-errorlogs c_backend "${asan_tests[@]}"
    configure build
    ninja -C build -j2
    set -o pipefail
    meson test -C build --num-processes 2 --print-errorlogs | sed '/^Full log written to/d'
    ;;
  tsan)
    # kernels run on the pool's threads (C device: compiled without TSan, so only ctgrad's own code is checked);
    # the cache suite also realizes from several threads at once
    tsan_tests=(cache jit device ops_reference)
    configure build-tsan -Db_sanitize=thread -Db_lundef=false -Dllvm=disabled -Dcuda=disabled -Dvulkan=disabled -Dmodule=disabled
    ninja -C build-tsan -j2 tests/backend/c/test_c_backend "${tsan_tests[@]/#/tests/test_}"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      meson test -C build-tsan --no-rebuild --num-processes 2 --print-errorlogs c_backend "${tsan_tests[@]}"
    ;;
  *)
    echo "usage: scripts/ctgrad.sh train|tour|test|tsan" >&2
    exit 2
    ;;
esac
