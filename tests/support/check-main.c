/* The main() of every unit test program: runs the program's test_suite()
 * (see support.h) and exits 0 when all its tests pass. */
#include "support.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(test_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
