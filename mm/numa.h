/* numa.h - NUMA nodes and hotpluggable memory, from the firmware's affinity ranges (the ACPI SRAT,
 * handed over by drivers/acpi/srat_numa.c) and the sanitized memory map it refines.
 *
 * mm/ knows nothing of ACPI: the driver converts the SRAT into struct numa_affinity and calls
 * numa_build(). numa_build() intersects every enabled affinity range with the memory map:
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
 * SRAT ranges that overlap an earlier one, or name a node >= MAX_NODES, are logged, counted in nbad
 * and skipped. Affinity entries carry node ids: the ACPI driver turns proximity domains into nodes
 * (drivers/acpi/srat_numa.h, acpi_pxm_to_node: the domains in ascending order).
 *
 * Invariants of struct numa_info: r[0..n) sorted by base, non-overlapping, len > 0, node <
 * MAX_NODES; neighbours that touch differ in node or flags.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "hotmem/params.h"
#include "mm/memmap.h"

/* Ranges in the NUMA map: SRAT ranges (<= 128) times the RAM pieces inside them. */
#define NUMA_MAX_RANGES 256
/* Affinity ranges numa_build() accepts (ACPI_SRAT_MAX_MEM entries fit). */
#define NUMA_MAX_AFFINITY 128

/* numa_build() results (the same values as ACPI_OK / ACPI_ERR_ENTRY / ACPI_ERR_FULL). */
enum {
    NUMA_OK = 0,
    NUMA_ERR_ENTRY = -6, /* some affinity entries were skipped */
    NUMA_ERR_FULL = -7,  /* more ranges than NUMA_MAX_RANGES: the rest dropped */
};

/* Flags of one firmware memory affinity range. */
enum {
    NUMA_AFF_ENABLED = 1u << 0,
    NUMA_AFF_HOTPLUG = 1u << 1,
    NUMA_AFF_NONVOLATILE = 1u << 2,
};

/* One firmware memory affinity range: [base, base+len) on node `node`. */
struct numa_mem_affinity {
    uint64_t base, len;
    uint32_t node;
    uint32_t flags; /* NUMA_AFF_* */
};

/* One enabled processor's node. */
struct numa_cpu_affinity {
    uint32_t node;
    uint32_t apic_id;
};

/* What the firmware says about locality (valid = false: it said nothing, everything is node 0). */
struct numa_affinity {
    bool valid;
    unsigned nmem, ncpu;
    const struct numa_mem_affinity *mem;
    const struct numa_cpu_affinity *cpu;
};

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

/* Build *ni from the firmware's affinity aff (NULL or !valid: none) and the memory map m. NUMA_OK,
 * or NUMA_ERR_ENTRY (some entries skipped) or NUMA_ERR_FULL (ranges dropped); *ni is usable in
 * every case. */
int numa_build(struct numa_info *ni, const struct numa_affinity *aff, const struct memmap *m);
/* Log one line per online node of ni. */
void numa_log(const struct numa_info *ni);
/* The range of ni containing pa, or NULL. */
const struct numa_range *numa_find(const struct numa_info *ni, uint64_t pa);
/* The node of pa (from the range containing it), or -1 if no range has it. */
int numa_node_of(const struct numa_info *ni, uint64_t pa);
/* True if pa lies in a range the SRAT marks hotpluggable (present or not). */
bool numa_is_hotpluggable(const struct numa_info *ni, uint64_t pa);
/* Check the invariants above; 0 if they hold, else -1. */
int numa_check(const struct numa_info *ni);
