/* srat_numa.h - the ACPI side of NUMA: the SRAT turned into mm/numa.h's affinity ranges. */
#pragma once
#include "drivers/acpi/tables/tables.h"
#include "mm/numa.h"

/* numa_build() of srat (NULL or !valid: no SRAT) and the memory map m; ACPI_OK, ACPI_ERR_ENTRY or
 * ACPI_ERR_FULL as numa_build() returns them. */
int acpi_numa_build(struct numa_info *ni, const struct acpi_srat *srat, const struct memmap *m);
/* acpi_numa_build(&numa_boot, &acpi_srat_info, &memmap_boot); CPUs from the MADT if no SRAT; logs
 * every node. */
int acpi_numa_init(void);
