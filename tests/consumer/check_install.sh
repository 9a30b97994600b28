#!/usr/bin/env bash
# Installs the built convt into a scratch prefix, then builds the consumer
# program against it twice, as the README describes: with find_package(convt)
# and with a plain compiler line. Both must run and print "consumer ok".
#   check_install.sh <build-dir> <cmake> <c++ compiler> <scratch-dir> \
#                    [<toolchain file> <emulator command...>]
# A cross build passes its toolchain file and emulator: the consumer is then
# cross-compiled the same way and run under the emulator.
set -euo pipefail
build="$1" cmake="$2" cxx="$3" scratch="$4"
toolchain="${5:-}"
emulator=("${@:6}")
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$scratch" && mkdir -p "$scratch"
prefix="$scratch/prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null
libdir="$prefix/lib"
[ -d "$libdir" ] || libdir="$prefix/lib64"

cross_args=()
if [ -n "$toolchain" ]; then
  # The toolchain restricts package search to the target sysroot; name the
  # package directly.
  cross_args=(-DCMAKE_TOOLCHAIN_FILE="$toolchain" -Dconvt_DIR="$libdir/cmake/convt")
fi
"$cmake" -S "$here" -B "$scratch/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release "${cross_args[@]}" >/dev/null
"$cmake" --build "$scratch/cmake-build" >/dev/null
"${emulator[@]}" "$scratch/cmake-build/consumer" | tee "$scratch/cmake.log"
grep -q "consumer ok" "$scratch/cmake.log"

kernels=$(cd "$libdir" && ls libconvt_*.a | grep -v runtime | sed 's/^lib\(.*\)\.a$/-l\1/' | tr '\n' ' ')
"$cxx" -std=c++17 -O2 "$here/consumer.cpp" -I"$prefix/include" -L"$libdir" \
  -lconvt $kernels -lconvt_halide_runtime -lpthread -ldl -o "$scratch/consumer-plain"
"${emulator[@]}" "$scratch/consumer-plain" | tee "$scratch/plain.log"
grep -q "consumer ok" "$scratch/plain.log"
