# Cross-compiles convt for 64-bit ARM Linux with Debian's g++-aarch64-linux-gnu
# (scripts/setup.sh installs it). Programs built here run on the build host
# under qemu-aarch64 (Debian's qemu-user), which CTest uses for every test.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Debian's multiarch sysroot for the cross toolchain.
set(CONVT_AARCH64_SYSROOT /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH ${CONVT_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # tools run on the host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)    # libraries must be AArch64
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)    # no host (x86) CMake packages

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L ${CONVT_AARCH64_SYSROOT})
