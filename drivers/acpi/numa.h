/* numa.h - NUMA nodes and hotpluggable memory, from the SRAT and the sanitized memory map.
 *
 * numa_build() intersects every enabled SRAT memory affinity range with the memory map:
 *   - RAM in the map inside an SRAT range is "present" on that range's node (and "hotplug" too
 *     if the SRAT marks the range hotpluggable: it goes to the movable zone);
 *   - parts of a hotpluggable SRAT range that the map does not list at all are "hotplug, absent":
 *     reserved for memory added later. QEMU's device-memory region and its cold-plugged DIMMs are
 *     in neither e820 nor the EFI map, so at boot they all show up here; once an ACPI memory
 *     device adds its range to the map (memmap_add(..., MEMMAP_SRC_ACPI)), rebuilding makes that
 *     part present;
 *   - parts of a hotpluggable SRAT range that the map lists as reserved (or any non-RAM type)
 *     are excluded, with a log line (the SRAT overlaps a hole);
 *   - RAM that no SRAT range covers goes to node 0 (with a log line if there is an SRAT).
 * SRAT ranges that overlap an earlier one, or name a proximity domain >= MAX_NODES, are logged,
 * counted in nbad and skipped. Proximity domain = node id (QEMU numbers them 0..n-1).
 *
 * Invariants of struct numa_info: r[0..n) sorted by base, non-overlapping, len > 0, node <
 * MAX_NODES; neighbours that touch differ in node or flags.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "drivers/acpi/tables/tables.h"
#include "hotmem/params.h"
#include "mm/memmap.h"

/* Ranges in the NUMA map: SRAT ranges (<= 128) times the RAM pieces inside them. */
#define NUMA_MAX_RANGES 256

enum {
    NUMA_PRESENT = 1u << 0,     /* RAM in the memory map now */
    NUMA_HOTPLUG = 1u << 1,     /* the SRAT marks it hotpluggable */
    NUMA_NONVOLATILE = 1u << 2, /* the SRAT marks it non-volatile */
    NUMA_NO_SRAT = 1u << 3,     /* RAM outside every SRAT range: put on node 0 */
};

struct numa_range {
    uint64_t base, len;
    uint32_t node;
    uint32_t flags;
};

struct numa_node {
    bool online;             /* has memory (present or hotplug) or processors */
    unsigned ncpus;          /* enabled SRAT processor entries (or MADT processors without SRAT) */
    uint64_t present;        /* bytes of RAM present now */
    uint64_t hotplug;        /* of which hotpluggable */
    uint64_t hotplug_absent; /* bytes reserved for memory added later */
};

struct numa_info {
    bool from_srat;  /* false: no SRAT, everything on node 0 */
    unsigned nnodes; /* highest online node + 1 */
    unsigned nbad;   /* SRAT entries skipped */
    unsigned n;
    struct numa_node node[MAX_NODES];
    struct numa_range r[NUMA_MAX_RANGES];
};

/* What the kernel computed at boot (shell `numa` prints it). */
extern struct numa_info numa_boot;

/* Build *ni from srat (NULL or !valid: no SRAT) and the memory map m. ACPI_OK, or ACPI_ERR_ENTRY
 * (some SRAT entries skipped) or ACPI_ERR_FULL (ranges dropped); *ni is usable in every case. */
int numa_build(struct numa_info *ni, const struct acpi_srat *srat, const struct memmap *m);
/* numa_build(&numa_boot, &acpi_srat_info, &memmap_boot); CPUs from the MADT if no SRAT. */
int numa_init(void);
/* The range of ni containing pa, or NULL. */
const struct numa_range *numa_find(const struct numa_info *ni, uint64_t pa);
/* The node of pa (from the range containing it), or -1 if no range has it. */
int numa_node_of(const struct numa_info *ni, uint64_t pa);
/* True if pa lies in a range the SRAT marks hotpluggable (present or not). */
bool numa_is_hotpluggable(const struct numa_info *ni, uint64_t pa);
/* Check the invariants above; 0 if they hold, else -1. */
int numa_check(const struct numa_info *ni);
