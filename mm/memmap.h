/* memmap.h - the sanitized physical memory map: one sorted, non-overlapping list of ranges of
 * usable RAM and reserved memory, built from the firmware's maps (e820 via multiboot2 tag 6, the
 * EFI memory map via tag 17) and from ranges found later (ACPI memory devices, hot-add).
 *
 * Invariants of struct memmap after every call:
 *   - r[0..n) sorted by base, non-overlapping, every len > 0, base + len <= MEMMAP_MAX_ADDR;
 *   - two neighbours that touch never have the same type and sources (they are merged);
 *   - MEMMAP_RAM ranges start and end on PAGE_SIZE boundaries (trimmed inward when added).
 * Where two inputs overlap, the more restrictive type wins (memmap_type_rank); the sources of
 * ranges of the same type are OR-ed, so a range seen in both e820 and the EFI map says so.
 * Every fix (zero length, wrap-around, absurd address, overlap with another type, trimmed RAM,
 * overflow) is one log line and one counter.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ranges in one map: QEMU gives ~10 e820 entries and ~100 EFI descriptors (merged to far
 * fewer); 256 leaves room for hot-added DIMMs (at most 256 slots, most merge with neighbours). */
#define MEMMAP_MAX 256
/* Addresses at or above 2^52 (the architectural limit of x86_64 physical addresses) are absurd. */
#define MEMMAP_MAX_ADDR (1ull << 52)

/* Range types: the e820 numbering (multiboot2 tag 6 uses it); unknown types become RESERVED. */
enum memmap_type {
    MEMMAP_RAM = 1,
    MEMMAP_RESERVED = 2,
    MEMMAP_ACPI_RECLAIM = 3,
    MEMMAP_ACPI_NVS = 4,
    MEMMAP_UNUSABLE = 5,
    MEMMAP_PMEM = 7,
};

/* Where a range came from (a bit mask: a range seen in several maps has several bits). */
enum memmap_src {
    MEMMAP_SRC_E820 = 1u << 0,   /* multiboot2 tag 6 */
    MEMMAP_SRC_EFI = 1u << 1,    /* multiboot2 tag 17 */
    MEMMAP_SRC_ACPI = 1u << 2,   /* an ACPI memory device (PNP0C80 _CRS), at boot or hot-added */
    MEMMAP_SRC_SRAT = 1u << 3,   /* the SRAT (not used for RAM by numa.c; for callers) */
    MEMMAP_SRC_KERNEL = 1u << 4, /* the kernel itself (e.g. a range it reserves) */
};

struct memmap_range {
    uint64_t base;
    uint64_t len;
    uint32_t type; /* enum memmap_type */
    uint32_t src;  /* enum memmap_src bits */
};

/* Counters of what was fixed or refused, for the shell and for tests. */
struct memmap_stats {
    unsigned added;      /* calls to memmap_add */
    unsigned zero_len;   /* dropped: length 0 */
    unsigned wrapped;    /* base + len overflowed 64 bits: clipped */
    unsigned absurd;     /* beyond MEMMAP_MAX_ADDR: dropped or clipped */
    unsigned overlaps;   /* overlapped a range of another type (the more restrictive kept) */
    unsigned duplicates; /* overlapped a range of the same type (merged) */
    unsigned trimmed;    /* RAM trimmed to page boundaries (or dropped: less than a page) */
    unsigned unknown;    /* unknown type turned into RESERVED */
    unsigned overflow;   /* refused: the map would exceed MEMMAP_MAX ranges */
    unsigned removed;    /* calls to memmap_remove that changed something */
};

struct memmap {
    unsigned n;
    struct memmap_range r[MEMMAP_MAX];
    struct memmap_stats stats;
    /* Scratch for memmap_add/remove: one insertion splits at most MEMMAP_MAX + 1 ranges into
     * at most 2 * MEMMAP_MAX + 3 pieces before merging. Kept here, not on the kernel stack. */
    struct memmap_range tmp[2 * MEMMAP_MAX + 4];
};

/* The map the kernel builds at boot (shell `memmap` prints it). */
extern struct memmap memmap_boot;

/* Empty the map and its counters. */
void memmap_init(struct memmap *m);
/* Add [base, base+len) of type (e820 numbering) from src; fix/log bad input. 0 on success (also
 * when the input was dropped as empty after fixing), -1 when refused (overflow: map unchanged). */
int memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t type, uint32_t src);
/* Add one EFI memory descriptor (EFI type, physical start, number of 4 KiB pages); as memmap_add. */
int memmap_add_efi(struct memmap *m, uint32_t efi_type, uint64_t base, uint64_t pages);
/* Remove [base, base+len) whatever its type (e.g. memory hot-removed). 0, or -1 on overflow. */
int memmap_remove(struct memmap *m, uint64_t base, uint64_t len);
/* The e820 type an EFI memory type stands for once boot services have exited. */
uint32_t memmap_type_from_efi(uint32_t efi_type);
/* Rank of a type when two overlap: the higher rank wins (RAM lowest, RESERVED highest). */
int memmap_type_rank(uint32_t type);
/* The range containing pa, or NULL. */
const struct memmap_range *memmap_find(const struct memmap *m, uint64_t pa);
/* Bytes of the map of the given type. */
uint64_t memmap_total(const struct memmap *m, uint32_t type);
/* True if [base, base+len) is entirely of the given type. */
bool memmap_is_type(const struct memmap *m, uint64_t base, uint64_t len, uint32_t type);
/* Short name of a type ("ram", "reserved", "acpi-reclaim", "acpi-nvs", "unusable", "pmem"). */
const char *memmap_type_name(uint32_t type);
/* Write the sources as "e820+efi" into buf (always NUL-terminated); returns buf. */
char *memmap_src_names(uint32_t src, char *buf, size_t size);
/* Check the invariants above; 0 if they hold, else -1 (tests and fuzzers call it). */
int memmap_check(const struct memmap *m);
