/* mb2.c - multiboot2 boot information parser (see mb2.h). Never reads past [info, info+size). */
#include "kernel/mb2.h"

#include <string.h>

#include "hotmem/bytes.h"
#include "platform.h"

#define TAG "mb2"

/* True if a NUL byte is within [p, p+n) (memchr is not in libc/include/string.h). */
static bool has_nul(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!p[i])
            return true;
    return false;
}

/* The string in a tag's payload if it is NUL-terminated within it, else NULL. */
static const char *tag_string(const uint8_t *payload, uint32_t len, uint32_t type, struct mb2_info *out)
{
    if (len == 0 || !has_nul(payload, len)) {
        out->nbad++;
        plat_log(LOG_WARN, TAG, "tag %u: string not NUL-terminated within %u bytes: ignored", type, len);
        return NULL;
    }
    return (const char *)payload;
}

/* Record one tag of type with payload [p, p+len). */
static void parse_tag(uint32_t type, const uint8_t *p, uint32_t len, struct mb2_info *out)
{
    switch (type) {
    case MB2_TAG_CMDLINE:
        out->cmdline = tag_string(p, len, type, out);
        break;
    case MB2_TAG_BOOTLOADER:
        out->bootloader = tag_string(p, len, type, out);
        break;
    case MB2_TAG_MMAP: {
        uint32_t esz = len >= 8 ? get_le32(p) : 0;
        if (len < 8 || esz < 24 || esz % 8) {
            out->nbad++;
            plat_log(LOG_ERR, TAG, "memory map tag: payload %u bytes, entry size %u: ignored", len, esz);
            break;
        }
        if ((len - 8) % esz)
            plat_log(LOG_WARN, TAG, "memory map tag: %u trailing bytes ignored", (len - 8) % esz);
        out->mmap = p + 8;
        out->mmap_entry_size = esz;
        out->mmap_count = (len - 8) / esz;
        break;
    }
    case MB2_TAG_EFI_MMAP: {
        uint32_t dsz = len >= 8 ? get_le32(p) : 0;
        if (len < 8 || dsz < 40 || dsz % 8) {
            out->nbad++;
            plat_log(LOG_ERR, TAG, "EFI memory map tag: payload %u bytes, descriptor size %u: ignored", len,
                     dsz);
            break;
        }
        if ((len - 8) % dsz)
            plat_log(LOG_WARN, TAG, "EFI memory map tag: %u trailing bytes ignored", (len - 8) % dsz);
        out->efi_mmap = p + 8;
        out->efi_desc_size = dsz;
        out->efi_desc_version = get_le32(p + 4);
        out->efi_count = (len - 8) / dsz;
        break;
    }
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        if (len < 20) {
            out->nbad++;
            plat_log(LOG_ERR, TAG, "RSDP tag %u: %u bytes, need 20: ignored", type, len);
            break;
        }
        if (type == MB2_TAG_ACPI_OLD) {
            out->rsdp_old = p;
            out->rsdp_old_len = len;
        } else {
            out->rsdp_new = p;
            out->rsdp_new_len = len;
        }
        break;
    case MB2_TAG_MODULE:
        if (len < 9 || p[len - 1] || get_le32(p + 4) < get_le32(p) || out->nmods == MB2_MAX_MODS) {
            out->nbad++;
            plat_log(LOG_ERR, TAG, "module tag: %u bytes, bad range or name, or more than %d: ignored", len,
                     MB2_MAX_MODS);
            break;
        }
        out->mods[out->nmods].start = get_le32(p);
        out->mods[out->nmods].end = get_le32(p + 4);
        out->mods[out->nmods++].cmdline = (const char *)p + 8;
        break;
    case MB2_TAG_EFI64:
        if (len < 8) {
            out->nbad++;
            plat_log(LOG_ERR, TAG, "EFI64 tag: %u bytes, need 8: ignored", len);
            break;
        }
        out->has_efi64 = true;
        out->efi64_systab = get_le64(p);
        break;
    default:
        break;
    }
}

/* Parse the block [info, info+size); fills *out (zeroed first). MB2_OK or an MB2_ERR_* code. */
int mb2_parse(const void *info, size_t size, struct mb2_info *out)
{
    memset(out, 0, sizeof *out);
    if (!info) {
        plat_log(LOG_ERR, TAG, "no boot information block");
        return MB2_ERR_NULL;
    }
    const uint8_t *base = info;
    if (size < 8) {
        plat_log(LOG_ERR, TAG, "block of %zu bytes has no header", size);
        return MB2_ERR_SIZE;
    }
    uint32_t total = get_le32(base);
    out->total_size = total;
    if (total < 8 || total > size) {
        plat_log(LOG_ERR, TAG, "total_size %u out of range (8..%zu)", total, size);
        return MB2_ERR_SIZE;
    }
    size_t off = 8;
    for (;;) {
        if (total - off < 8) {
            plat_log(LOG_ERR, TAG, "no end tag within %u bytes", total);
            return off == total ? MB2_ERR_NO_END : MB2_ERR_TAG;
        }
        uint32_t type = get_le32(base + off), tsize = get_le32(base + off + 4);
        if (tsize < 8 || tsize > total - off) {
            plat_log(LOG_ERR, TAG, "tag %u at offset %zu: size %u runs past the block (%u bytes)", type, off,
                     tsize, total);
            return MB2_ERR_TAG;
        }
        out->ntags++;
        if (type == MB2_TAG_END)
            return MB2_OK;
        parse_tag(type, base + off + 8, tsize - 8, out);
        off += ((size_t)tsize + 7) & ~(size_t)7;
        if (off > total) {
            plat_log(LOG_ERR, TAG, "tag %u: padding runs past the block; no end tag", type);
            return MB2_ERR_NO_END;
        }
    }
}

/* Entry i of tag 6: base, length, e820 type. 0, or -1 if i is out of range. */
int mb2_mmap_entry(const struct mb2_info *mi, unsigned i, uint64_t *base, uint64_t *len, uint32_t *type)
{
    if (!mi->mmap || i >= mi->mmap_count)
        return -1;
    const uint8_t *e = mi->mmap + (size_t)i * mi->mmap_entry_size;
    *base = get_le64(e);
    *len = get_le64(e + 8);
    *type = get_le32(e + 16);
    return 0;
}

/* Descriptor i of tag 17: EFI type, physical start, pages. 0, or -1 if i is out of range. */
int mb2_efi_entry(const struct mb2_info *mi, unsigned i, uint32_t *type, uint64_t *phys, uint64_t *pages)
{
    if (!mi->efi_mmap || i >= mi->efi_count)
        return -1;
    const uint8_t *d = mi->efi_mmap + (size_t)i * mi->efi_desc_size;
    *type = get_le32(d);
    *phys = get_le64(d + 8);
    *pages = get_le64(d + 24);
    return 0;
}

/* Add every entry of tags 6 and 17 to m. Returns how many entries memmap_add refused. */
int mb2_fill_memmap(const struct mb2_info *mi, struct memmap *m)
{
    int refused = 0;
    uint64_t base, len, pages;
    uint32_t type;
    for (unsigned i = 0; mb2_mmap_entry(mi, i, &base, &len, &type) == 0; i++)
        if (memmap_add(m, base, len, type, MEMMAP_SRC_E820) < 0)
            refused++;
    for (unsigned i = 0; mb2_efi_entry(mi, i, &type, &base, &pages) == 0; i++)
        if (memmap_add_efi(m, type, base, pages) < 0)
            refused++;
    if (!mi->mmap && !mi->efi_mmap)
        plat_log(LOG_ERR, TAG, "no memory map tag (6 or 17)");
    return refused;
}

/* The best RSDP copy: the new one (tag 15) if present, else the old one; NULL if neither. */
const void *mb2_rsdp(const struct mb2_info *mi, size_t *len)
{
    if (mi->rsdp_new) {
        *len = mi->rsdp_new_len;
        return mi->rsdp_new;
    }
    *len = mi->rsdp_old_len;
    return mi->rsdp_old;
}
