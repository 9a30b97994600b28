#!/usr/bin/env bash
# Installs what building and testing convt needs, idempotently:
#   - Debian packages: a C++ toolchain, Python venv support, GoogleTest, for
#     the AArch64 build the cross toolchain, its objdump and qemu-user,
#     OpenCL on the CPU (PoCL) to test the GPU schedule without a GPU, and
#     Google Benchmark with oneDNN for the CPU comparison (cpu_vs_onednn),
#     and for the reliability checks clang with its sanitizer and libFuzzer
#     runtimes and valgrind;
#   - a project-local virtualenv (.venv) with Halide, CMake and Ninja from PyPI.
# Safe to run repeatedly; does nothing when everything is already present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"

apt_packages=(g++ python3-venv libgtest-dev
              g++-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user
              pocl-opencl-icd ocl-icd-libopencl1 ocl-icd-opencl-dev
              libbenchmark-dev libdnnl-dev
              clang libclang-rt-dev valgrind)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

req="$root/scripts/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: creating virtualenv $venv (Halide, CMake, Ninja from PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$req"
  echo "$want" >"$stamp"
fi
