/* pcp_shell.c - the `pcp` command: the per-CPU page caches (mm/pcp.c), and a way to fill every
 * CPU's cache with pages of one node (tests: an offline must take them all back). */
#include <string.h>

#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/shell.h"
#include "mm/mm.h"

static const char *const pcp_zone_names[MM_NR_ZONES] = {"normal", "movable"};

/* What one CPU of `pcp fill` does: its request and its failures. */
static struct {
    unsigned pages, node;
    uint64_t pa[MAX_CPUS][MM_PCP_HIGH];
    volatile unsigned failed;
} fill;

/* Cross-call body: allocate fill.pages movable pages of fill.node, then free them all, so they
 * stay in this CPU's cache. */
static void pcp_fill_cpu(void *arg)
{
    (void)arg;
    uint64_t *pa = fill.pa[plat_cpu_id() % MAX_CPUS];
    unsigned n = 0;
    for (; n < fill.pages; n++) {
        pa[n] = mm_alloc_pages_owner(0, MM_MOVABLE | MM_THISNODE | MM_NODE(fill.node), MM_OWN_SHELL, 0);
        if (!pa[n]) {
            __atomic_add_fetch(&fill.failed, 1, __ATOMIC_RELAXED);
            break;
        }
    }
    while (n--)
        mm_free_pages(pa[n], 0);
}

/* Print the totals, then one line per (cpu, node, zone) whose cache holds pages. */
static void pcp_show(void)
{
    struct mm_pcp_stats st;
    mm_pcp_stats(&st);
    plat_printf("pcp enabled=%u pages=%llu hits=%llu spills=%llu caged_frees=%llu drains=%llu syncs=%llu "
                "ipi_syncs=%llu\n",
                st.enabled, (unsigned long long)st.pages, (unsigned long long)st.hits,
                (unsigned long long)st.spills, (unsigned long long)st.caged_frees,
                (unsigned long long)st.drains, (unsigned long long)st.syncs,
                (unsigned long long)__atomic_load_n(&ipi_syncs, __ATOMIC_RELAXED));
    for (unsigned c = 0; c < ncpus; c++)
        for (unsigned n = 0; n < MAX_NODES; n++)
            for (unsigned z = 0; z < MM_NR_ZONES; z++) {
                uint64_t p = mm_pcp_pages(c, n, z);
                if (p)
                    plat_printf("pcp cpu=%u node=%u zone=%s pages=%llu\n", c, n, pcp_zone_names[z],
                                (unsigned long long)p);
            }
}

static int cmd_pcp(int argc, char **argv)
{
    if (argc == 1) {
        pcp_show();
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "on") || !strcmp(argv[1], "off"))) {
        mm_pcp_enable(argv[1][1] == 'n');
        pcp_show();
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "drain")) {
        mm_pcp_drain();
        pcp_show();
        return 0;
    }
    if ((argc == 3 || argc == 5) && !strcmp(argv[1], "fill")) {
        unsigned long long pages, node = 0;
        if (shell_parse_u64(argv[2], &pages) || pages == 0 || pages > MM_PCP_HIGH)
            return shell_error("pcp fill: pages must be 1..%u (a cache spills above that)", MM_PCP_HIGH);
        if (argc == 5 && (strcmp(argv[3], "node") || shell_parse_u64(argv[4], &node) || node >= MAX_NODES))
            return shell_error("pcp fill: expected `node N` with N < %u", MAX_NODES);
        fill.pages = (unsigned)pages;
        fill.node = (unsigned)node;
        fill.failed = 0;
        uint64_t mask = smp_online_mask();
        ipi_call_mask(mask, pcp_fill_cpu, NULL);
        plat_printf("pcp fill cpus=%u pages=%u node=%u failed=%u\n", ncpus_online, fill.pages, fill.node,
                    fill.failed);
        pcp_show();
        return fill.failed ? shell_error("pcp fill: %u CPUs could not allocate", fill.failed) : 0;
    }
    return shell_error("usage: pcp [on|off|drain|fill <pages> [node N]]");
}
SHELL_COMMAND("pcp", "[on|off|drain|fill <pages> [node N]]",
              "per-CPU page caches: pages per CPU, node and zone; fill every CPU's cache", cmd_pcp);
