#!/usr/bin/env bash
# Installs the built convt into a scratch prefix, then builds the consumer
# program against it twice, as the README describes: with find_package(convt)
# and with a plain compiler line. Both must run and print "consumer ok".
#   check_install.sh <build-dir> <cmake> <c++ compiler> <scratch-dir>
set -euo pipefail
build="$1" cmake="$2" cxx="$3" scratch="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$scratch" && mkdir -p "$scratch"
prefix="$scratch/prefix"
"$cmake" --install "$build" --prefix "$prefix" >/dev/null

"$cmake" -S "$here" -B "$scratch/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release >/dev/null
"$cmake" --build "$scratch/cmake-build" >/dev/null
"$scratch/cmake-build/consumer" | tee "$scratch/cmake.log"
grep -q "consumer ok" "$scratch/cmake.log"

libdir="$prefix/lib"
[ -d "$libdir" ] || libdir="$prefix/lib64"
kernels=$(cd "$libdir" && ls libconvt_*.a | grep -v runtime | sed 's/^lib\(.*\)\.a$/-l\1/' | tr '\n' ' ')
"$cxx" -std=c++17 -O2 "$here/consumer.cpp" -I"$prefix/include" -L"$libdir" \
  -lconvt $kernels -lconvt_halide_runtime -lpthread -ldl -o "$scratch/consumer-plain"
"$scratch/consumer-plain" | tee "$scratch/plain.log"
grep -q "consumer ok" "$scratch/plain.log"
