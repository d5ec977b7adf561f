#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_detail[8192]; /* room for a build log */
static _Thread_local gpucc_status last_status;

static const char *const status_messages[] = {
#define GPUCC_STATUS_MESSAGE(name, msg) msg,
    GPUCC_STATUS_TABLE(GPUCC_STATUS_MESSAGE)
#undef GPUCC_STATUS_MESSAGE
};

static const char *const status_names[] = {
#define GPUCC_STATUS_NAME(name, msg) #name,
    GPUCC_STATUS_TABLE(GPUCC_STATUS_NAME)
#undef GPUCC_STATUS_NAME
};

const char *gpucc_strerror(gpucc_status status)
{
    if ((unsigned)status >= GPUCC_STATUS_COUNT)
        return "unknown status";
    return status_messages[status];
}

const char *gpucc_status_name(gpucc_status status)
{
    if ((unsigned)status >= GPUCC_STATUS_COUNT)
        return "GPUCC_E_UNKNOWN";
    return status_names[status];
}

gpucc_status gpucci_fail(gpucc_status status, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(last_detail, sizeof last_detail, fmt, args);
    va_end(args);
    last_status = status;
    return status;
}

void gpucci_clear_error(void)
{
    last_detail[0] = '\0';
    last_status = GPUCC_OK;
}

const char *gpucc_last_error(void)
{
    return last_detail[0] ? last_detail : gpucc_strerror(last_status);
}
