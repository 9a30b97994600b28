# -DCONVT_SCHEDULE=<file>: schedule knobs for the kernel libraries, as a JSON
# object keyed by flavour (x86_avx2, x86_avx512, x86_sse41, arm_neon), each
# an object of knob names (the GeneratorParams of
# generators/conv_transpose2d_generator.cpp) to integers:
#   {"x86_avx2": {"x_channels": 6, "enough_blocks": 4}}
# A flavour the file does not name keeps its target's own tiles. tuning/
# writes such files, after checking each candidate against the reference.
set(CONVT_SCHEDULE "" CACHE FILEPATH "JSON file of schedule knobs per kernel flavour (empty: the targets' own)")

# Sets <out_var> to the generator parameters (name=value ...) that the
# schedule file gives <flavour>, and says which schedule the build uses.
function(convt_schedule_params flavour out_var)
  set(params)
  if (CONVT_SCHEDULE)
    if (NOT EXISTS "${CONVT_SCHEDULE}")
      message(FATAL_ERROR "CONVT_SCHEDULE: no such file: ${CONVT_SCHEDULE}")
    endif ()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CONVT_SCHEDULE}")
    file(READ "${CONVT_SCHEDULE}" json)
    string(JSON type ERROR_VARIABLE err TYPE "${json}")
    if (err OR NOT type STREQUAL "OBJECT")
      message(FATAL_ERROR "CONVT_SCHEDULE: ${CONVT_SCHEDULE} is not a JSON object ${err}")
    endif ()
    string(JSON knobs ERROR_VARIABLE missing GET "${json}" "${flavour}")
    if (NOT missing)
      string(JSON count LENGTH "${knobs}")
      if (count GREATER 0)
        math(EXPR last "${count} - 1")
        foreach (i RANGE ${last})
          string(JSON name MEMBER "${knobs}" ${i})
          string(JSON value GET "${knobs}" "${name}")
          if (NOT value MATCHES "^[0-9]+$")
            message(FATAL_ERROR "CONVT_SCHEDULE: ${flavour}.${name} is ${value}, not a non-negative integer")
          endif ()
          list(APPEND params "${name}=${value}")
        endforeach ()
      endif ()
    endif ()
  endif ()
  if (params)
    list(JOIN params " " shown)
    message(STATUS "convt: ${flavour} schedule from ${CONVT_SCHEDULE}: ${shown}")
  else ()
    message(STATUS "convt: ${flavour} schedule: the target's own tiles")
  endif ()
  set(${out_var} "${params}" PARENT_SCOPE)
endfunction ()
