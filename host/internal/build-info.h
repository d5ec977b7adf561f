/* Internal: how this copy of libgpucc was built (gpucc --version, and the
 * program's checks of options that need an optional part). */
#ifndef GPUCC_BUILD_INFO_H
#define GPUCC_BUILD_INFO_H

typedef struct {
    const char *version;    /* GPUCC_VERSION */
    const char *git;        /* `git describe --always --dirty` at configure time, or "unknown" */
    const char *build_type; /* CMAKE_BUILD_TYPE ("Release") */
    const char *sanitizer;  /* the GPUCC_SANITIZE list, "" for none */
    const char *compiler;   /* compiler id and version ("GNU 12.2.0") */
    int opencl;             /* GPUCC_OPENCL: the OpenCL backend is built */
    int clblast;            /* CLBlast was found and is used by the OpenCL dense layer */
    int native;             /* GPUCC_NATIVE: compiled with -march=native */
} gpucci_build_info;

/* The build's facts; a static table, never NULL. */
const gpucci_build_info *gpucci_build(void);

#endif
