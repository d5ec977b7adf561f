# `cmake --install`: libgpucc (shared with SONAME, and static), the public
# header, the gpucc program, a pkg-config file and a CMake package
# (find_package(gpucc) -> gpucc::gpucc, gpucc::gpucc_static).
include(CMakePackageConfigHelpers)

install(TARGETS gpucc gpucc_static EXPORT gpuccTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS gpucc-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/gpucc.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(GPUCC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gpucc)
install(EXPORT gpuccTargets NAMESPACE gpucc:: DESTINATION ${GPUCC_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gpuccConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/gpuccConfig.cmake INSTALL_DESTINATION ${GPUCC_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gpuccConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gpuccConfig.cmake ${PROJECT_BINARY_DIR}/gpuccConfigVersion.cmake
        DESTINATION ${GPUCC_CMAKE_DIR})

configure_file(${PROJECT_SOURCE_DIR}/cmake/gpucc.pc.in ${PROJECT_BINARY_DIR}/gpucc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gpucc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
