/* mb2.h - parse the multiboot2 boot information block that GRUB hands the kernel.
 *
 * mb2_parse() walks the tags of a block of known size and never reads past it: every tag's size
 * is checked against the space left, a malformed tag ends the walk with an error (what was
 * parsed before it is kept). It records where the tags the kernel needs are; pointers in
 * struct mb2_info point into the block itself, which must stay mapped while they are used.
 * Freestanding and host-buildable (it is part of the host library that tests and fuzzers link).
 *
 * Tags: 1 command line, 2 boot loader name, 6 memory map (e820 types), 12 EFI64 system table,
 * 3 module (a user program), 14 ACPI old RSDP (a copy of RSDP 1.0), 15 ACPI new RSDP (a copy of RSDP 2.0+),
 * 17 EFI memory map. Tag 4 (basic meminfo) is ignored: it is wrong under OVMF. Other tags are skipped.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/memmap.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u /* in eax at entry */

enum {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_BOOTLOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_EFI_MMAP = 17,
};

/* Return codes of mb2_parse (negative: the walk stopped there; what came before is kept). */
enum {
    MB2_OK = 0,
    MB2_ERR_SIZE = -1,   /* block smaller than its 8-byte header, or total_size > given size */
    MB2_ERR_TAG = -2,    /* a tag header or tag size runs past the end of the block */
    MB2_ERR_NO_END = -3, /* the block ended without an end tag */
    MB2_ERR_NULL = -4,   /* NULL block */
};

#define MB2_MAX_MODS 16 /* modules recorded (user programs); more are logged and ignored */

/* What mb2_parse found. Counts of memory map entries are what fits in the tag. */
struct mb2_info {
    uint32_t total_size;    /* the block's own size field */
    unsigned ntags;         /* tags walked, end tag included */
    unsigned nbad;          /* tags recognized but malformed (ignored, logged) */
    const char *cmdline;    /* NUL-terminated inside the tag, or NULL */
    const char *bootloader; /* NUL-terminated inside the tag, or NULL */
    /* Tag 6: entries of mmap_entry_size bytes (>= 24: u64 base, u64 len, u32 type, u32 rsvd). */
    const uint8_t *mmap;
    uint32_t mmap_entry_size, mmap_count;
    /* Tag 17: EFI descriptors of efi_desc_size bytes (>= 40: u32 type, u32 pad, u64 phys,
     * u64 virt, u64 pages, u64 attr). */
    const uint8_t *efi_mmap;
    uint32_t efi_desc_size, efi_desc_version, efi_count;
    /* Tags 14/15: the RSDP copy and its size in the tag (validated later by acpi_tables_init). */
    const void *rsdp_old, *rsdp_new;
    uint32_t rsdp_old_len, rsdp_new_len;
    /* Tag 12: physical address of the EFI system table. */
    bool has_efi64;
    uint64_t efi64_systab;
    /* Tag 3: boot modules (user programs), [start, end) physical, cmdline their name. */
    unsigned nmods;
    struct {
        uint32_t start, end;
        const char *cmdline; /* NUL-terminated inside the tag */
    } mods[MB2_MAX_MODS];
};

/* Parse the block [info, info+size); fills *out (zeroed first). MB2_OK or an MB2_ERR_* code. */
int mb2_parse(const void *info, size_t size, struct mb2_info *out);
/* Entry i of tag 6: base, length, e820 type. 0, or -1 if i is out of range. */
int mb2_mmap_entry(const struct mb2_info *mi, unsigned i, uint64_t *base, uint64_t *len, uint32_t *type);
/* Descriptor i of tag 17: EFI type, physical start, pages. 0, or -1 if i is out of range. */
int mb2_efi_entry(const struct mb2_info *mi, unsigned i, uint32_t *type, uint64_t *phys, uint64_t *pages);
/* Add every entry of tags 6 and 17 to m (sources e820 / efi). Returns the number of entries
 * memmap_add refused (overflow), 0 normally. */
int mb2_fill_memmap(const struct mb2_info *mi, struct memmap *m);
/* The best RSDP copy: the new one (tag 15) if present, else the old one; NULL if neither. */
const void *mb2_rsdp(const struct mb2_info *mi, size_t *len);
