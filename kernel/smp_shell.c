/* smp_shell.c - the `cpus` command: every CPU, its state, and a cross-call each online CPU answers. */
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/shell.h"

/* Cross-call body: count one answer. */
static void ping(void *arg)
{
    __atomic_add_fetch((volatile unsigned *)arg, 1, __ATOMIC_RELAXED);
}

static int cmd_cpus(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("takes no arguments");
    volatile unsigned answered = 0;
    uint64_t mask = smp_online_mask();
    ipi_call_mask(mask, ping, (void *)&answered);
    plat_printf("cpus=%u online=%u answered=%u this=%u start_failures=%llu tlb_lazy_skips=%llu\n", ncpus,
                ncpus_online, answered, this_cpu()->id, (unsigned long long)smp_start_failures,
                (unsigned long long)tlb_lazy_skips);
    for (unsigned i = 0; i < ncpus; i++)
        plat_printf("cpu=%u apic=%u state=%s ticks=%llu calls=%llu lazy_flushes=%llu lazy_pages=%llu\n", i,
                    cpus[i].apic_id, cpus[i].online ? "online" : "failed",
                    (unsigned long long)cpus[i].lapic_ticks, (unsigned long long)cpus[i].ipi_calls,
                    (unsigned long long)cpus[i].tlb_lazy_flushes, (unsigned long long)cpus[i].tlb_lazy_pages);
    return 0;
}
SHELL_COMMAND("cpus", "", "list the CPUs (each online CPU answers a cross-call IPI)", cmd_cpus);

static int cmd_threads(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return shell_error("takes no arguments");
    sched_dump();
    return 0;
}
SHELL_COMMAND("threads", "", "list the kernel threads (cpu, state, times switched in)", cmd_threads);
