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

/* Convert srat (enabled processors only) and build *ni from it and m. */
int acpi_numa_build(struct numa_info *ni, const struct acpi_srat *srat, const struct memmap *m)
{
    static struct numa_mem_affinity mem[ACPI_SRAT_MAX_MEM];
    static struct numa_cpu_affinity cpu[ACPI_SRAT_MAX_CPU];
    struct numa_affinity aff = {.valid = srat && srat->valid, .mem = mem, .cpu = cpu};
    for (unsigned i = 0; aff.valid && i < srat->nmem && i < ACPI_SRAT_MAX_MEM; i++)
        mem[aff.nmem++] = (struct numa_mem_affinity){.base = srat->mem[i].base,
                                                     .len = srat->mem[i].len,
                                                     .node = srat->mem[i].node,
                                                     .flags = aff_flags(srat->mem[i].flags)};
    for (unsigned i = 0; aff.valid && i < srat->ncpu && i < ACPI_SRAT_MAX_CPU; i++)
        if (srat->cpu[i].flags & 1)
            cpu[aff.ncpu++] =
                (struct numa_cpu_affinity){.node = srat->cpu[i].node, .apic_id = srat->cpu[i].apic_id};
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
