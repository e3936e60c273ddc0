/* memmap.c - sanitize firmware memory maps into one sorted, non-overlapping map (see memmap.h). */
#include "mm/memmap.h"

#include <stdio.h>
#include <string.h>

#include "hotmem/params.h"
#include "platform.h"

#define TAG "memmap"

struct memmap memmap_boot;

/* Empty the map and its counters. */
void memmap_init(struct memmap *m)
{
    m->n = 0;
    memset(&m->stats, 0, sizeof m->stats);
}

/* Rank of a type when two overlap: the higher rank wins (RAM lowest, RESERVED highest). */
int memmap_type_rank(uint32_t type)
{
    switch (type) {
    case MEMMAP_RAM:
        return 0;
    case MEMMAP_ACPI_RECLAIM:
        return 1;
    case MEMMAP_PMEM:
        return 2;
    case MEMMAP_ACPI_NVS:
        return 3;
    case MEMMAP_UNUSABLE:
        return 4;
    default:
        return 5; /* MEMMAP_RESERVED */
    }
}

/* Short name of a type. */
const char *memmap_type_name(uint32_t type)
{
    switch (type) {
    case MEMMAP_RAM:
        return "ram";
    case MEMMAP_RESERVED:
        return "reserved";
    case MEMMAP_ACPI_RECLAIM:
        return "acpi-reclaim";
    case MEMMAP_ACPI_NVS:
        return "acpi-nvs";
    case MEMMAP_UNUSABLE:
        return "unusable";
    case MEMMAP_PMEM:
        return "pmem";
    default:
        return "unknown";
    }
}

/* Write the sources as "e820+efi" into buf (always NUL-terminated); returns buf. */
char *memmap_src_names(uint32_t src, char *buf, size_t size)
{
    static const char *const names[] = {"e820", "efi", "acpi", "srat", "kernel"};
    size_t pos = 0;
    if (!size)
        return buf;
    buf[0] = 0;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(src & (1u << i)))
            continue;
        int w = snprintf(buf + pos, size - pos, "%s%s", pos ? "+" : "", names[i]);
        if (w < 0 || (size_t)w >= size - pos) {
            buf[pos] = 0; /* drop the name that did not fit */
            break;
        }
        pos += (size_t)w;
    }
    if (!pos)
        snprintf(buf, size, "none");
    return buf;
}

/* The e820 type an EFI memory type stands for once boot services have exited (as Linux does). */
uint32_t memmap_type_from_efi(uint32_t efi_type)
{
    switch (efi_type) {
    case 1: /* EfiLoaderCode */
    case 2: /* EfiLoaderData */
    case 3: /* EfiBootServicesCode */
    case 4: /* EfiBootServicesData */
    case 7: /* EfiConventionalMemory */
        return MEMMAP_RAM;
    case 8: /* EfiUnusableMemory */
        return MEMMAP_UNUSABLE;
    case 9: /* EfiACPIReclaimMemory */
        return MEMMAP_ACPI_RECLAIM;
    case 10: /* EfiACPIMemoryNVS */
        return MEMMAP_ACPI_NVS;
    case 14: /* EfiPersistentMemory */
        return MEMMAP_PMEM;
    default: /* Reserved, RuntimeServices*, MMIO, MMIOPortSpace, PalCode, unknown */
        return MEMMAP_RESERVED;
    }
}

/* True if type is one of enum memmap_type. */
static bool known_type(uint32_t type)
{
    return type == MEMMAP_RAM || type == MEMMAP_RESERVED || type == MEMMAP_ACPI_RECLAIM ||
           type == MEMMAP_ACPI_NVS || type == MEMMAP_UNUSABLE || type == MEMMAP_PMEM;
}

/* Append [base, end) to out[*n], merging with the previous piece when it touches and matches.
 * RAM is trimmed to whole pages (a reserved range that cuts RAM mid-page takes the partial page). */
static void push(struct memmap_range *out, unsigned *n, uint64_t base, uint64_t end, uint32_t type,
                 uint32_t src)
{
    if (type == MEMMAP_RAM) {
        base = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        end &= ~(PAGE_SIZE - 1);
    }
    if (end <= base)
        return;
    if (*n) {
        struct memmap_range *p = &out[*n - 1];
        if (p->base + p->len == base && p->type == type && p->src == src) {
            p->len += end - base;
            return;
        }
    }
    out[*n].base = base;
    out[*n].len = end - base;
    out[*n].type = type;
    out[*n].src = src;
    (*n)++;
}

/* Copy the scratch result back into the map if it fits; 0, or -1 (map unchanged) on overflow. */
static int commit(struct memmap *m, unsigned n, uint64_t base, uint64_t end)
{
    if (n > MEMMAP_MAX) {
        m->stats.overflow++;
        plat_log(LOG_ERR, TAG, "map full (%u ranges max): [0x%llx-0x%llx) refused", MEMMAP_MAX,
                 (unsigned long long)base, (unsigned long long)end);
        return -1;
    }
    memcpy(m->r, m->tmp, n * sizeof m->tmp[0]);
    m->n = n;
    return 0;
}

/* Add [base, base+len) of type from src; fix/log bad input. 0 on success, -1 when refused. */
int memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t type, uint32_t src)
{
    char sb[40];
    m->stats.added++;
    if (!known_type(type)) {
        m->stats.unknown++;
        plat_log(LOG_INFO, TAG, "[0x%llx +0x%llx) unknown type %u (%s): reserved", (unsigned long long)base,
                 (unsigned long long)len, type, memmap_src_names(src, sb, sizeof sb));
        type = MEMMAP_RESERVED;
    }
    if (len == 0) {
        m->stats.zero_len++;
        plat_log(LOG_WARN, TAG, "0x%llx: zero-length %s entry (%s) dropped", (unsigned long long)base,
                 memmap_type_name(type), memmap_src_names(src, sb, sizeof sb));
        return 0;
    }
    uint64_t end = base + len;
    if (end < base) {
        m->stats.wrapped++;
        plat_log(LOG_WARN, TAG, "[0x%llx +0x%llx) %s wraps around: clipped", (unsigned long long)base,
                 (unsigned long long)len, memmap_src_names(src, sb, sizeof sb));
        end = MEMMAP_MAX_ADDR;
    }
    if (base >= MEMMAP_MAX_ADDR) {
        m->stats.absurd++;
        plat_log(LOG_WARN, TAG, "[0x%llx +0x%llx) %s beyond 2^52: dropped", (unsigned long long)base,
                 (unsigned long long)len, memmap_src_names(src, sb, sizeof sb));
        return 0;
    }
    if (end > MEMMAP_MAX_ADDR) {
        m->stats.absurd++;
        plat_log(LOG_WARN, TAG, "[0x%llx-0x%llx) %s ends beyond 2^52: clipped", (unsigned long long)base,
                 (unsigned long long)end, memmap_src_names(src, sb, sizeof sb));
        end = MEMMAP_MAX_ADDR;
    }
    if (type == MEMMAP_RAM) {
        uint64_t b = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), e = end & ~(PAGE_SIZE - 1);
        if (b != base || e != end) {
            m->stats.trimmed++;
            plat_log(LOG_INFO, TAG, "ram [0x%llx-0x%llx) (%s) trimmed to whole pages",
                     (unsigned long long)base, (unsigned long long)end, memmap_src_names(src, sb, sizeof sb));
            if (e <= b)
                return 0;
            base = b;
            end = e;
        }
    }

    /* Sweep the sorted map once, emitting old pieces, new pieces and resolved overlaps. */
    unsigned n = 0;
    uint64_t pos = base; /* the new range is emitted up to here */
    for (unsigned i = 0; i < m->n; i++) {
        const struct memmap_range *r = &m->r[i];
        uint64_t rend = r->base + r->len;
        if (rend <= base) {
            push(m->tmp, &n, r->base, rend, r->type, r->src);
            continue;
        }
        if (r->base >= end) {
            push(m->tmp, &n, pos, end, type, src);
            pos = end;
            push(m->tmp, &n, r->base, rend, r->type, r->src);
            continue;
        }
        uint64_t lo = r->base > base ? r->base : base, hi = rend < end ? rend : end;
        push(m->tmp, &n, r->base, lo, r->type, r->src);
        push(m->tmp, &n, pos, lo, type, src);
        uint32_t t = r->type, s = r->src;
        char sa[40];
        if (r->type == type) {
            s = r->src | src;
            m->stats.duplicates++;
            /* The same range in e820 and the EFI map is expected; inside one map it is a bug. */
            plat_log((r->src & src) ? LOG_WARN : LOG_DEBUG, TAG,
                     "[0x%llx-0x%llx) %s from %s also from %s: merged", (unsigned long long)lo,
                     (unsigned long long)hi, memmap_type_name(type), memmap_src_names(r->src, sa, sizeof sa),
                     memmap_src_names(src, sb, sizeof sb));
        } else {
            m->stats.overlaps++;
            if (memmap_type_rank(type) > memmap_type_rank(r->type)) {
                t = type;
                s = src;
            }
            plat_log(LOG_WARN, TAG, "[0x%llx-0x%llx) overlap: %s (%s) vs %s (%s): %s kept",
                     (unsigned long long)lo, (unsigned long long)hi, memmap_type_name(r->type),
                     memmap_src_names(r->src, sa, sizeof sa), memmap_type_name(type),
                     memmap_src_names(src, sb, sizeof sb), memmap_type_name(t));
        }
        push(m->tmp, &n, lo, hi, t, s);
        pos = hi;
        push(m->tmp, &n, hi, rend, r->type, r->src);
    }
    push(m->tmp, &n, pos, end, type, src);
    return commit(m, n, base, end);
}

/* Add one EFI memory descriptor (EFI type, physical start, number of 4 KiB pages). */
int memmap_add_efi(struct memmap *m, uint32_t efi_type, uint64_t base, uint64_t pages)
{
    uint64_t len = (pages >> 52) ? ~0ull : pages << 12; /* overflow: clipped by memmap_add */
    return memmap_add(m, base, len, memmap_type_from_efi(efi_type), MEMMAP_SRC_EFI);
}

/* Remove [base, base+len) whatever its type. 0, or -1 on overflow. */
int memmap_remove(struct memmap *m, uint64_t base, uint64_t len)
{
    uint64_t end = base + len;
    if (end < base)
        end = ~0ull;
    if (!len)
        return 0;
    unsigned n = 0;
    bool changed = false;
    for (unsigned i = 0; i < m->n; i++) {
        const struct memmap_range *r = &m->r[i];
        uint64_t rend = r->base + r->len;
        if (rend <= base || r->base >= end) {
            push(m->tmp, &n, r->base, rend, r->type, r->src);
            continue;
        }
        changed = true;
        push(m->tmp, &n, r->base, base > r->base ? base : r->base, r->type, r->src);
        push(m->tmp, &n, end < rend ? end : rend, rend, r->type, r->src);
    }
    if (changed)
        m->stats.removed++;
    return commit(m, n, base, end);
}

/* The range containing pa, or NULL (binary search). */
const struct memmap_range *memmap_find(const struct memmap *m, uint64_t pa)
{
    unsigned lo = 0, hi = m->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        const struct memmap_range *r = &m->r[mid];
        if (pa < r->base)
            hi = mid;
        else if (pa - r->base >= r->len)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

/* Bytes of the map of the given type. */
uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
    uint64_t sum = 0;
    for (unsigned i = 0; i < m->n; i++)
        if (m->r[i].type == type)
            sum += m->r[i].len;
    return sum;
}

/* True if [base, base+len) is entirely of the given type. */
bool memmap_is_type(const struct memmap *m, uint64_t base, uint64_t len, uint32_t type)
{
    uint64_t pos = base, end = base + len;
    if (end < base)
        return false;
    while (pos < end) {
        const struct memmap_range *r = memmap_find(m, pos);
        if (!r || r->type != type)
            return false;
        pos = r->base + r->len;
    }
    return true;
}

/* Check the invariants of memmap.h; 0 if they hold, else -1. */
int memmap_check(const struct memmap *m)
{
    if (m->n > MEMMAP_MAX)
        return -1;
    for (unsigned i = 0; i < m->n; i++) {
        const struct memmap_range *r = &m->r[i];
        if (!r->len || r->base >= MEMMAP_MAX_ADDR || r->len > MEMMAP_MAX_ADDR - r->base)
            return -1;
        if (!known_type(r->type))
            return -1;
        if (r->type == MEMMAP_RAM && ((r->base | r->len) & (PAGE_SIZE - 1)))
            return -1;
        if (i) {
            const struct memmap_range *p = &m->r[i - 1];
            if (p->base + p->len > r->base)
                return -1;
            if (p->base + p->len == r->base && p->type == r->type && p->src == r->src)
                return -1;
        }
    }
    return 0;
}
