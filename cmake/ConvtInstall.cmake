# `cmake --install` lays out headers, the static libraries (the C++ API, the
# generated kernels, the Halide runtime) and a CMake package, so another
# project can find_package(convt) and link convt::convt.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/convt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS convt ${convt_kernel_libs} convt_halide_runtime
        EXPORT convtTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        # The kernels' generated C headers; only convt's own sources use them.
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/convt/kernels)
install(EXPORT convtTargets
        NAMESPACE convt::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convt)
configure_package_config_file(
  cmake/convtConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/convtConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convt)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/convtConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/convtConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/convtConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/convt)
