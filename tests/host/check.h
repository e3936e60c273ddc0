/* check.h - a tiny test framework for host unit tests: CHECK(cond) records a failure and goes on;
 * each test binary ends with CHECK_SUMMARY(), which prints "N passed, N failed" and sets the exit code. */
#pragma once
#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed;
#define CHECK(cond)                                                                                          \
    do {                                                                                                     \
        if (cond) {                                                                                          \
            check_passed++;                                                                                  \
        } else {                                                                                             \
            check_failed++;                                                                                  \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                         \
        }                                                                                                    \
    } while (0)
#define CHECK_EQ(a, b)                                                                                       \
    do {                                                                                                     \
        unsigned long long check_a_ = (unsigned long long)(a), check_b_ = (unsigned long long)(b);           \
        if (check_a_ == check_b_) {                                                                          \
            check_passed++;                                                                                  \
        } else {                                                                                             \
            check_failed++;                                                                                  \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (0x%llx != 0x%llx)\n", __FILE__, __LINE__, #a, \
                    #b, check_a_, check_b_);                                                                 \
        }                                                                                                    \
    } while (0)
#define CHECK_SUMMARY()                                                                                      \
    do {                                                                                                     \
        printf("%s: %d checks passed, %d failed\n", __FILE__, check_passed, check_failed);                   \
        return check_failed ? 1 : 0;                                                                         \
    } while (0)

/* The seed of a random test: HOTMEM_TEST_SEED from the environment, else the fixed default;
 * printed, so a failing run can be repeated with the same inputs. */
static inline unsigned long long check_seed(const char *what, unsigned long long dflt)
{
    const char *e = getenv("HOTMEM_TEST_SEED");
    unsigned long long seed = e && *e ? strtoull(e, NULL, 0) : dflt;
    printf("%s: seed %llu (HOTMEM_TEST_SEED=%llu repeats this run)\n", what, seed, seed);
    return seed;
}
