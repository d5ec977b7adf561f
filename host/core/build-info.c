/* How this copy of libgpucc was built: the facts CMake passes to this one
 * file (host/CMakeLists.txt). */
#include "build-info.h"

#include "gpucc.h"

const gpucci_build_info *gpucci_build(void)
{
    static const gpucci_build_info info = {
        .version = GPUCC_VERSION,
        .git = GPUCC_GIT_DESCRIBE,
        .build_type = GPUCC_BUILD_TYPE,
        .sanitizer = GPUCC_SANITIZER,
        .compiler = GPUCC_COMPILER,
        .opencl = GPUCC_OPENCL_BUILT,
        .clblast = GPUCC_HAVE_CLBLAST_BUILT,
        .native = GPUCC_NATIVE_BUILT,
    };
    return &info;
}
