/* srat_numa.c - hand the SRAT's affinity entries to the memory manager's NUMA map (mm/numa.c). */
#include "drivers/acpi/srat_numa.h"

#include "platform.h"

_Static_assert((int)NUMA_OK == (int)ACPI_OK && (int)NUMA_ERR_ENTRY == (int)ACPI_ERR_ENTRY &&
                   (int)NUMA_ERR_FULL == (int)ACPI_ERR_FULL,
               "numa_build() returns ACPI codes unchanged");
_Static_assert(ACPI_SRAT_MAX_MEM <= NUMA_MAX_AFFINITY, "every SRAT memory entry fits numa_build()");

/* The SRAT memory affinity flags as NUMA_AFF_* flags. */
static uint32_t aff_flags(uint32_t srat_flags)
{
    return (srat_flags & ACPI_SRAT_MEM_ENABLED ? NUMA_AFF_ENABLED : 0) |
           (srat_flags & ACPI_SRAT_MEM_HOTPLUGGABLE ? NUMA_AFF_HOTPLUG : 0) |
           (srat_flags & ACPI_SRAT_MEM_NONVOLATILE ? NUMA_AFF_NONVOLATILE : 0);
}

/* The smallest domain of srat's enabled entries above `above` (all of them if first); false if none. */
static bool next_domain(const struct acpi_srat *srat, bool first, uint32_t above, uint32_t *out)
{
    bool found = false;
    for (unsigned i = 0; i < srat->nmem && i < ACPI_SRAT_MAX_MEM; i++) {
        uint32_t d = srat->mem[i].node;
        if ((srat->mem[i].flags & ACPI_SRAT_MEM_ENABLED) && (first || d > above) && (!found || d < *out))
            *out = d, found = true;
    }
    for (unsigned i = 0; i < srat->ncpu && i < ACPI_SRAT_MAX_CPU; i++) {
        uint32_t d = srat->cpu[i].node;
        if ((srat->cpu[i].flags & 1) && (first || d > above) && (!found || d < *out))
            *out = d, found = true;
    }
    return found;
}

/* srat's domains ranked (srat_numa.h): the smallest MAX_NODES of them, ascending, into dom (node
 * i is dom[i]); how many. */
static unsigned ranked_domains(const struct acpi_srat *srat, uint32_t dom[MAX_NODES])
{
    unsigned n = 0;
    uint32_t d = 0;
    while (n < MAX_NODES && next_domain(srat, n == 0, d, &d))
        dom[n++] = d;
    return n;
}

/* The node of domain pxm among the n ranked domains dom; -1 if it is not one of them. */
static int rank_of(const uint32_t *dom, unsigned n, uint64_t pxm)
{
    for (unsigned i = 0; i < n; i++)
        if (dom[i] == pxm)
            return (int)i;
    return -1;
}

/* The node of domain pxm (srat_numa.h): its rank among srat's domains. */
int acpi_pxm_to_node(const struct acpi_srat *srat, uint64_t pxm)
{
    if (!srat || !srat->valid)
        return 0;
    uint32_t dom[MAX_NODES];
    return rank_of(dom, ranked_domains(srat, dom), pxm);
}

/* The node of an entry's domain among the n ranked domains dom, or MAX_NODES (numa_build skips
 * and counts the entry) if it has none, logged. */
static uint32_t entry_node(const uint32_t *dom, unsigned n, uint32_t pxm)
{
    int node = rank_of(dom, n, pxm);
    if (node >= 0)
        return (uint32_t)node;
    plat_log(LOG_ERR, "numa", "SRAT proximity domain %u: more than %d domains, it has no node", pxm,
             MAX_NODES);
    return MAX_NODES;
}

/* Convert srat (enabled processors only; domains to nodes) and build *ni from it and m. */
int acpi_numa_build(struct numa_info *ni, const struct acpi_srat *srat, const struct memmap *m)
{
    static struct numa_mem_affinity mem[ACPI_SRAT_MAX_MEM];
    static struct numa_cpu_affinity cpu[ACPI_SRAT_MAX_CPU];
    struct numa_affinity aff = {.valid = srat && srat->valid, .mem = mem, .cpu = cpu};
    uint32_t dom[MAX_NODES]; /* ranked once: node i is domain dom[i] */
    unsigned ndom = aff.valid ? ranked_domains(srat, dom) : 0;
    for (unsigned i = 0; aff.valid && i < srat->nmem && i < ACPI_SRAT_MAX_MEM; i++)
        mem[aff.nmem++] = (struct numa_mem_affinity){
            .base = srat->mem[i].base,
            .len = srat->mem[i].len,
            .node = srat->mem[i].flags & ACPI_SRAT_MEM_ENABLED ? entry_node(dom, ndom, srat->mem[i].node) : 0,
            .flags = aff_flags(srat->mem[i].flags)};
    for (unsigned i = 0; aff.valid && i < srat->ncpu && i < ACPI_SRAT_MAX_CPU; i++)
        if (srat->cpu[i].flags & 1)
            cpu[aff.ncpu++] = (struct numa_cpu_affinity){.node = entry_node(dom, ndom, srat->cpu[i].node),
                                                         .apic_id = srat->cpu[i].apic_id};
    return numa_build(ni, &aff, m);
}

/* Build numa_boot from the boot SRAT and memory map; without an SRAT, node 0 has every MADT CPU. */
int acpi_numa_init(void)
{
    int rc = acpi_numa_build(&numa_boot, &acpi_srat_info, &memmap_boot);
    if (!numa_boot.from_srat) {
        for (unsigned i = 0; i < acpi_madt_info.ncpus && i < ACPI_MAX_CPUS; i++)
            if (acpi_madt_info.cpu[i].flags & 1)
                numa_boot.node[0].ncpus++;
        numa_boot.node[0].online = true;
        numa_boot.nnodes = numa_boot.nnodes ? numa_boot.nnodes : 1;
    }
    numa_log(&numa_boot);
    return rc;
}
