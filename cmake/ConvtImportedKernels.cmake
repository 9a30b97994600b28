# -DCONVT_KERNELS_FROM=<host build>: the kernel libraries (one per flavour
# of CONVT_KERNEL_FLAVOURS, with their generated headers) and the Halide
# runtime that build made, as imported targets under the names the
# generating build gives them. The host build must have the same
# CONVT_TARGETS (and tests on, for the OpenCL flavours).
find_package(Threads REQUIRED)
foreach (file IN ITEMS libconvt_halide_runtime.a)
  if (NOT EXISTS "${CONVT_KERNELS_FROM}/${file}")
    message(FATAL_ERROR "convt: CONVT_KERNELS_FROM=${CONVT_KERNELS_FROM} has no ${file}; "
                        "build it first (scripts/build.sh)")
  endif ()
endforeach ()
add_library(convt_halide_runtime STATIC IMPORTED)
set_target_properties(convt_halide_runtime PROPERTIES
  IMPORTED_LOCATION "${CONVT_KERNELS_FROM}/libconvt_halide_runtime.a"
  INTERFACE_LINK_LIBRARIES "Halide::Runtime;Threads::Threads;${CMAKE_DL_LIBS}")
set(convt_kernel_libs)
foreach (flavour IN LISTS CONVT_KERNEL_FLAVOURS)
  set(_convt_lib "${CONVT_KERNELS_FROM}/libconvt_${flavour}.a")
  if (NOT EXISTS "${_convt_lib}" OR NOT EXISTS "${CONVT_KERNELS_FROM}/convt_${flavour}.h")
    message(FATAL_ERROR "convt: CONVT_KERNELS_FROM=${CONVT_KERNELS_FROM} has no kernel "
                        "${flavour}; its CONVT_TARGETS must include this build's")
  endif ()
  add_library(convt_${flavour} STATIC IMPORTED)
  set_target_properties(convt_${flavour} PROPERTIES
    IMPORTED_LOCATION "${_convt_lib}"
    INTERFACE_INCLUDE_DIRECTORIES "${CONVT_KERNELS_FROM}"
    INTERFACE_LINK_LIBRARIES convt_halide_runtime)
  list(APPEND convt_kernel_libs convt_${flavour})
endforeach ()
