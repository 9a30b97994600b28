# CONVT_TARGETS: the backends compiled into the library.
#   x86-avx2  x86-64 with AVX2+FMA, plus an SSE4.1 fallback picked at run time
# The default is the host's CPU backend.
set(_convt_known_targets x86-avx2)

if (NOT CONVT_TARGETS)
  if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(_convt_default x86-avx2)
  else ()
    message(FATAL_ERROR "convt: no default backend for ${CMAKE_SYSTEM_PROCESSOR}; "
                        "set -DCONVT_TARGETS to one of: ${_convt_known_targets}")
  endif ()
  set(CONVT_TARGETS "${_convt_default}" CACHE STRING
      "Backends to compile: ${_convt_known_targets}" FORCE)
endif ()

set(CONVT_KERNEL_FLAVOURS)
set(CONVT_BACKEND_DEFINITIONS)
foreach (t IN LISTS CONVT_TARGETS)
  if (t STREQUAL "x86-avx2")
    # Halide target strings per flavour; the runtime dispatches on CPU features.
    set(CONVT_HALIDE_TARGET_x86_avx2 "x86-64-linux-avx2-fma-f16c-user_context")
    set(CONVT_HALIDE_TARGET_x86_sse41 "x86-64-linux-sse41-user_context")
    list(APPEND CONVT_KERNEL_FLAVOURS x86_avx2 x86_sse41)
    list(APPEND CONVT_BACKEND_DEFINITIONS CONVT_HAVE_X86=1)
    set(CONVT_RUNTIME_TARGET "x86-64-linux")
  else ()
    message(FATAL_ERROR "convt: unknown backend '${t}' in CONVT_TARGETS; "
                        "known: ${_convt_known_targets}")
  endif ()
endforeach ()
