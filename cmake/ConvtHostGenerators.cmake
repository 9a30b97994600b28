# Cross builds run the generator on the build host, following Halide's
# cross-compiling workflow: a host build of this project exports its
# generator as the package convt-halide_generators, and add_halide_generator
# imports it instead of compiling one for the target.
#
# Pass -Dconvt-halide_generators_ROOT=<host build dir> to reuse a host build
# (the arm-neon preset points at build/). Without one, a generator-only host
# build is configured in <this build>/host-generators and rebuilt with it.
find_package(convt-halide_generators QUIET CMAKE_FIND_ROOT_PATH_BOTH)
if (NOT convt-halide_generators_FOUND)
  set(_convt_host_dir "${CMAKE_BINARY_DIR}/host-generators")
  message(STATUS "convt: no host generator given; configuring one in ${_convt_host_dir}")
  # A clean environment: the cross toolchain must not leak into the host build.
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env --unset=CC --unset=CXX
            ${CMAKE_COMMAND} -G "${CMAKE_GENERATOR}" -S "${PROJECT_SOURCE_DIR}"
            -B "${_convt_host_dir}" -DCMAKE_BUILD_TYPE=Release -DCONVT_GENERATORS_ONLY=ON
            "-DCMAKE_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}"
    RESULT_VARIABLE _convt_rc)
  if (_convt_rc EQUAL 0)
    execute_process(COMMAND ${CMAKE_COMMAND} --build "${_convt_host_dir}"
                    RESULT_VARIABLE _convt_rc)
  endif ()
  if (NOT _convt_rc EQUAL 0)
    message(FATAL_ERROR "convt: building the host generator in ${_convt_host_dir} failed")
  endif ()
  find_package(convt-halide_generators REQUIRED CONFIG
               PATHS "${_convt_host_dir}/cmake" NO_DEFAULT_PATH CMAKE_FIND_ROOT_PATH_BOTH)
endif ()
get_target_property(_convt_gen_exe convt::halide_generators::convt_generator
                    IMPORTED_LOCATION_RELEASE)
message(STATUS "convt: host generator ${_convt_gen_exe}")
if (DEFINED _convt_host_dir)
  # Keep it current when the generator sources change.
  add_custom_target(convt_host_generator ALL
                    COMMAND ${CMAKE_COMMAND} --build "${_convt_host_dir}"
                    BYPRODUCTS "${_convt_gen_exe}"
                    COMMENT "Updating the host generator"
                    VERBATIM)
endif ()
