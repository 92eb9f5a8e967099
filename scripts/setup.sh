#!/usr/bin/env bash
# Installs every Debian 12 package ctgrad's build, examples, tests and benchmarks need. Safe to run again.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/setup.sh: installing packages needs root (run it as root, or with sudo)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "scripts/setup.sh: apt-get not found: this script is for Debian 12; install the packages listed in it by hand" >&2
  exit 1
fi
packages=(
  clang-19 lld-19 llvm-19-dev libclang-19-dev libclang-rt-19-dev g++-12  # compilers; LLVM for the JIT; sanitizer runtimes
  meson ninja-build pkg-config                                            # build
  libboost-dev libboost-test-dev librange-v3-dev zlib1g-dev               # Hana, Boost.Test, range-v3, gzip
  nlohmann-json3-dev                                                      # safetensors headers (JSON)
  spirv-tools spirv-headers libvulkan-dev mesa-vulkan-drivers vulkan-tools # the Vulkan backend, lavapipe for CI
  dataset-fashion-mnist                                                   # the real data the flagship trains on
  chromium                                                                # headless browser: the VIZ page's screenshot test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "scripts/setup.sh: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "scripts/setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
