/* expect_panic.h - EXPECT_PANIC(stmt, needle) for host tests: run stmt, which must panic
 * (plat_panic longjmps back through plat_host_panic_jmp), with needle in the message. */
#pragma once
#include <setjmp.h>
#include <string.h>

#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define EXPECT_PANIC(stmt, needle)                                                                           \
    do {                                                                                                     \
        static jmp_buf expect_panic_jb_;                                                                     \
        plat_host_panic_jmp = &expect_panic_jb_;                                                             \
        plat_host_panic_msg[0] = 0;                                                                          \
        if (setjmp(expect_panic_jb_) == 0) {                                                                 \
            stmt;                                                                                            \
            CHECK(!"no panic");                                                                              \
        } else {                                                                                             \
            CHECK(strstr(plat_host_panic_msg, needle) != NULL);                                              \
        }                                                                                                    \
        plat_host_panic_jmp = NULL;                                                                          \
    } while (0)
