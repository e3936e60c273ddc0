/* selftest.c - in-kernel tests (SELFTEST in any file), run when the command line says `selftest`. */
#include <stdio.h>
#include <string.h>
#include "kernel/arch.h"
#include "kernel/kernel.h"

extern const struct selftest __selftests_start[], __selftests_end[];

/* Run every test, print "selftest: N passed, M failed" and exit QEMU with the pass/fail code. */
void selftest_run_all(void)
{
    int passed = 0, failed = 0;
    for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
        uint64_t t0 = kern_uptime_ns();
        int r = t->fn();
        uint64_t us = (kern_uptime_ns() - t0) / 1000;
        plat_printf("selftest: %-32s %s (%llu us)\n", t->name, r ? "FAIL" : "ok", (unsigned long long)us);
        if (r)
            failed++;
        else
            passed++;
    }
    plat_printf("selftest: %d passed, %d failed\n", passed, failed);
    kern_debug_exit(failed ? DEBUG_EXIT_FAIL : DEBUG_EXIT_PASS);
    plat_printf("selftest: no isa-debug-exit device; halting\n");
    for (;;)
        hlt();
}

/* snprintf formats what the kernel prints. */
static int test_snprintf(void)
{
    char b[64];
    snprintf(b, sizeof b, "%d %u %x %05d %-3s| %llx %p %c %%", -42, 7u, 0xbeef, 42, "ab",
             0x123456789abcdefull, (void *)0x1000, 'z');
    return strcmp(b, "-42 7 beef 00042 ab | 123456789abcdef 0x1000 z %") != 0;
}
SELFTEST("libc.snprintf", test_snprintf);

/* The symbol table names the function an address is in. */
static int test_ksyms(void)
{
    uint64_t off;
    const char *name = ksym_lookup((uint64_t)test_ksyms + 3, &off);
    return !name || strcmp(name, "test_ksyms") || off != 3;
}
SELFTEST("kernel.ksyms", test_ksyms);

/* Kernel text is mapped at its load address and the stack guard page is unmapped. (That no mapping
 * of the text is writable is checked from QEMU's view of the page tables: test_paging.py.) */
static int test_paging_protection(void)
{
    extern char kernel_stack_guard[];
    if (paging_virt_to_phys((uint64_t)kernel_stack_guard) != ~0ull)
        return 1;
    if (paging_virt_to_phys((uint64_t)__text_start) != KERNEL_PHYS(__text_start))
        return 1;
    return 0;
}
SELFTEST("paging.protection", test_paging_protection);

/* The timer advances while interrupts are on. */
static int test_timer_ticks(void)
{
    uint64_t t = timer_ticks;
    for (int i = 0; i < 1000 && timer_ticks == t; i++)
        sti_hlt();
    return timer_ticks == t;
}
SELFTEST("timer.ticks", test_timer_ticks);

#ifdef HOTMEM_FAILING_TEST
/* Compiled only into the failtest build: proves that a failing test fails the run. */
static int test_deliberate_failure(void)
{
    return 1;
}
SELFTEST("deliberate.failure", test_deliberate_failure);
#endif
