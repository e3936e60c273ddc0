/* srat_numa.h - the ACPI side of NUMA: the SRAT turned into mm/numa.h's affinity ranges. */
#pragma once
#include "drivers/acpi/tables/tables.h"
#include "mm/numa.h"

/* The node of proximity domain pxm. Nodes are the SRAT's domains (those of its enabled memory and
 * processor entries) numbered in ascending order: the smallest domain is node 0, the next node 1,
 * and so on, at most MAX_NODES of them - QEMU's domains 0..n-1 stay nodes 0..n-1, domains
 * 0, 7, 200 are nodes 0, 1, 2. No SRAT (NULL or !valid): every domain is node 0. -1 if the SRAT
 * does not declare pxm, or declares it past the MAX_NODES-th domain. */
int acpi_pxm_to_node(const struct acpi_srat *srat, uint64_t pxm);
/* numa_build() of srat (NULL or !valid: no SRAT) and the memory map m, its domains turned into
 * nodes by acpi_pxm_to_node (an entry whose domain has no node is skipped and counted, like a
 * bad entry); ACPI_OK, ACPI_ERR_ENTRY or ACPI_ERR_FULL as numa_build() returns them. */
int acpi_numa_build(struct numa_info *ni, const struct acpi_srat *srat, const struct memmap *m);
/* acpi_numa_build(&numa_boot, &acpi_srat_info, &memmap_boot); CPUs from the MADT if no SRAT; logs
 * every node. */
int acpi_numa_init(void);
