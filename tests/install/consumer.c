/* A program outside the gpucc tree, built against an installed gpucc (see
 * install-test.sh): it sums 1..1000 as floats on the serial backend, checks
 * the sum is exactly 500500, and checks it again with the library's exact
 * reference and verifier. Prints "consumer: sum 500500 verified" and exits 0
 * when all of that holds, else one line on stderr and exit 1. */
#include <gpucc.h>
#include <stdio.h>

#define COUNT 1000

/* Prints what failed, with the library's detail, and returns 1. */
static int fail(const char *what, gpucc_status status)
{
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, gpucc_last_error(), gpucc_status_name(status));
    return 1;
}

int main(void)
{
    static float x[COUNT];
    for (int i = 0; i < COUNT; i++)
        x[i] = (float)(i + 1);

    gpucc_backend *backend = NULL;
    gpucc_status status = gpucc_backend_open(GPUCC_BACKEND_SERIAL, NULL, &backend);
    if (status != GPUCC_OK)
        return fail("gpucc_backend_open", status);
    gpucc_reduce_result result;
    status = gpucc_reduce(backend, GPUCC_REDUCE_SUM, x, COUNT, &result);
    gpucc_backend_close(backend);
    if (status != GPUCC_OK)
        return fail("gpucc_reduce", status);

    gpucc_reference ref;
    status = gpucc_reference_compute(x, COUNT, 1, &ref);
    if (status != GPUCC_OK)
        return fail("gpucc_reference_compute", status);
    double error = -1;
    int verified = gpucc_reduce_verify(GPUCC_REDUCE_SUM, result.value, &ref, &error);
    if (result.value != 500500.0 || ref.sum != 500500.0 || !verified || error != 0) {
        fprintf(stderr, "consumer: sum %.17g, reference %.17g, verified %d, error %g; expected 500500 exactly\n",
                result.value, ref.sum, verified, error);
        return 1;
    }
    printf("consumer: sum %.0f verified\n", result.value);
    return 0;
}
