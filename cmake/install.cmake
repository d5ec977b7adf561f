# `cmake --install`: libgpucc (shared with SONAME, and static), the public
# headers (include/), the gpucc program, a pkg-config file and a CMake package
# (find_package(gpucc) -> gpucc::gpucc, gpucc::gpucc_static). Both the
# pkg-config file and the package are relocatable: they find the prefix from
# their own place, so `cmake --install build --prefix DIR` works for any DIR.
include(CMakePackageConfigHelpers)

install(TARGETS gpucc gpucc_static EXPORT gpuccTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS gpucc-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

# What a program linking the static library must link too, read from the
# target itself so that it follows the build options: the find_dependency()
# lines of the CMake package and the Libs.private of gpucc.pc.
set(GPUCC_FIND_DEPENDENCIES "")
set(GPUCC_PC_LIBS_PRIVATE "")
get_target_property(gpucc_static_links gpucc_static INTERFACE_LINK_LIBRARIES)
foreach(link IN LISTS gpucc_static_links)
  string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
  if(link STREQUAL "OpenCL::OpenCL")
    string(APPEND GPUCC_FIND_DEPENDENCIES "find_dependency(OpenCL)\n")
    string(APPEND GPUCC_PC_LIBS_PRIVATE " -lOpenCL")
  elseif(link STREQUAL "clblast")
    string(APPEND GPUCC_FIND_DEPENDENCIES "find_dependency(CLBlast)\n")
    string(APPEND GPUCC_PC_LIBS_PRIVATE " -lclblast")
  elseif(link STREQUAL "Threads::Threads")
    string(APPEND GPUCC_FIND_DEPENDENCIES "find_dependency(Threads)\n")
    string(APPEND GPUCC_PC_LIBS_PRIVATE " -pthread")
  elseif(link MATCHES "(^|/)(lib)?m(\\.so|\\.a)?$")
    string(APPEND GPUCC_PC_LIBS_PRIVATE " -lm")
  elseif(link STREQUAL "dl")
    string(APPEND GPUCC_PC_LIBS_PRIVATE " -ldl")
  elseif(link)
    message(FATAL_ERROR "cmake/install.cmake: gpucc_static links '${link}', which the installed "
                        "package and gpucc.pc do not know how to find; add it there")
  endif()
endforeach()

set(GPUCC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/gpucc)
install(EXPORT gpuccTargets NAMESPACE gpucc:: DESTINATION ${GPUCC_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gpuccConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/gpuccConfig.cmake INSTALL_DESTINATION ${GPUCC_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gpuccConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gpuccConfig.cmake ${PROJECT_BINARY_DIR}/gpuccConfigVersion.cmake
        DESTINATION ${GPUCC_CMAKE_DIR})

# gpucc.pc names the prefix relative to its own folder (${pcfiledir}), unless
# the library folder was given as an absolute path.
set(GPUCC_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(GPUCC_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH pc_to_prefix "/prefix/${GPUCC_PC_DIR}" "/prefix")
  string(REGEX REPLACE "/$" "" pc_to_prefix "${pc_to_prefix}")
  set(GPUCC_PC_PREFIX "\${pcfiledir}/${pc_to_prefix}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/gpucc.pc.in ${PROJECT_BINARY_DIR}/gpucc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/gpucc.pc DESTINATION ${GPUCC_PC_DIR})
