# Finds Halide 21. The project's setup step (scripts/setup.sh) installs the
# PyPI wheel into .venv; its CMake package lives inside the Python package, so
# ask that interpreter where it is unless the caller already pointed CMake at
# a Halide (Halide_DIR or CMAKE_PREFIX_PATH).
if (NOT Halide_DIR AND EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/.venv/bin/python")
  execute_process(
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/.venv/bin/python" -c
            "import halide; print(halide.install_dir())"
    OUTPUT_VARIABLE _convt_halide_root
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _convt_halide_rc)
  # The wheel keeps its package under lib64/, which CMake's prefix search
  # skips on Debian; point at it directly.
  if (_convt_halide_rc EQUAL 0)
    set(Halide_DIR "${_convt_halide_root}/lib64/cmake/Halide")
    set(HalideHelpers_DIR "${_convt_halide_root}/lib64/cmake/HalideHelpers")
  endif ()
endif ()

if (CMAKE_CROSSCOMPILING)
  # A cross build needs only Halide's helpers: add_halide_library, the
  # runtime headers and GenRT (a host tool). find_package(Halide) would also
  # import the host's libHalide, which nothing here may link; the generator
  # comes from a host build instead (ConvtHostGenerators.cmake).
  find_package(HalideHelpers 21 REQUIRED)
  set(Halide_VERSION "${HalideHelpers_VERSION}")
  set(_convt_halide_from "${HalideHelpers_DIR}")
else ()
  find_package(Halide 21 REQUIRED)
  set(_convt_halide_from "${Halide_DIR}")
endif ()
message(STATUS "convt: Halide ${Halide_VERSION} from ${_convt_halide_from}")
