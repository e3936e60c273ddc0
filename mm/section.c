/* section.c - the section table, the frame database of boot memory, and boot initialisation. */
#include <string.h>

#include "mm/mm_internal.h"

/* The section table: NR_SECTIONS (8192 for 1 TiB) pointers, 64 KiB. Physical addresses at or
 * above MAX_PHYS_ADDR cannot be managed (mm_boot_add_range / mm_add_memory refuse them). */
struct mm_section *mm_sect[NR_SECTIONS];

#define BOOT_MAX_RANGES 64
#define BOOT_MAX_RES 128
#define SUB_MEMMAP_BYTES (MM_PAGES_PER_SUB * sizeof(struct frame)) /* 8 KiB */

static struct {
    uint64_t base, end;
    uint8_t node;
    bool hp;
} br[BOOT_MAX_RANGES];
static unsigned nbr;
static struct {
    uint64_t base, end;
    uint8_t owner;
} bres[BOOT_MAX_RES];
static unsigned nbres;
static bool booted;

/* Declare boot RAM (page-aligned inward). */
int mm_boot_add_range(uint64_t base, uint64_t size, unsigned node, bool hotpluggable)
{
    uint64_t b = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    uint64_t e = (base + size) & ~(PAGE_SIZE - 1);
    if (booted || node >= MAX_NODES || base + size < base || e > MAX_PHYS_ADDR || nbr == BOOT_MAX_RANGES) {
        MM_LOG(LOG_ERR, "boot range 0x%llx+0x%llx node %u refused (limit 0x%llx, %u ranges max)",
               (unsigned long long)base, (unsigned long long)size, node, (unsigned long long)MAX_PHYS_ADDR,
               BOOT_MAX_RANGES);
        mm_counters.boot_fail++;
        return MM_EINVAL;
    }
    if (e <= b)
        return 0;
    for (unsigned i = 0; i < nbr; i++)
        if (b < br[i].end && br[i].base < e) {
            MM_LOG(LOG_ERR, "boot range 0x%llx-0x%llx overlaps 0x%llx-0x%llx", (unsigned long long)b,
                   (unsigned long long)e, (unsigned long long)br[i].base, (unsigned long long)br[i].end);
            mm_counters.boot_fail++;
            return MM_EEXIST;
        }
    /* insertion sort by base */
    unsigned i = nbr++;
    while (i > 0 && br[i - 1].base > b) {
        br[i] = br[i - 1];
        i--;
    }
    br[i].base = b;
    br[i].end = e;
    br[i].node = (uint8_t)node;
    br[i].hp = hotpluggable;
    return 0;
}

/* Mark [base, base+size) used by owner (page-aligned outward). */
int mm_boot_reserve(uint64_t base, uint64_t size, unsigned owner)
{
    if (booted || owner == MM_OWN_FREE || owner >= MM_NR_OWNERS || nbres == BOOT_MAX_RES ||
        base + size < base) {
        MM_LOG(LOG_ERR, "boot reserve 0x%llx+0x%llx owner %u refused", (unsigned long long)base,
               (unsigned long long)size, owner);
        mm_counters.boot_fail++;
        return MM_EINVAL;
    }
    if (!size)
        return 0;
    bres[nbres].base = base & ~(PAGE_SIZE - 1);
    bres[nbres].end = (base + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    bres[nbres].owner = (uint8_t)owner;
    nbres++;
    return 0;
}

/* Highest page-aligned [start, start+bytes) inside a boot range chosen by pass that overlaps no
 * reservation; 0 if none (page 0 is always reserved, so 0 is never a valid answer). */
static uint64_t boot_find_hole(unsigned node, uint64_t bytes, int pass)
{
    for (int i = (int)nbr - 1; i >= 0; i--) {
        bool node_ok = pass >= 2 || br[i].node == node;
        bool hp_ok = (pass & 1) || !br[i].hp;
        if (!node_ok || !hp_ok)
            continue;
        uint64_t end = br[i].end;
        while (end >= br[i].base + bytes) {
            uint64_t start = end - bytes;
            unsigned j;
            for (j = 0; j < nbres; j++)
                if (bres[j].base < end && bres[j].end > start)
                    break;
            if (j == nbres)
                return start;
            end = bres[j].base;
        }
    }
    return 0;
}

/* Owner of the first reservation containing pfn, or MM_OWN_FREE. */
static unsigned boot_res_owner(uint64_t pfn)
{
    uint64_t pa = pfn << PAGE_SHIFT;
    for (unsigned j = 0; j < nbres; j++)
        if (pa >= bres[j].base && pa < bres[j].end)
            return bres[j].owner;
    return MM_OWN_FREE;
}

/* Is pfn inside a boot range? */
static bool boot_in_ram(uint64_t pfn)
{
    uint64_t pa = pfn << PAGE_SHIFT;
    for (unsigned i = 0; i < nbr; i++)
        if (pa >= br[i].base && pa < br[i].end)
            return true;
    return false;
}

/* Free [p, e) (online subsection) as the largest aligned blocks (created OFFLINE, then freed). */
static void boot_free_run(uint64_t p, uint64_t e)
{
    while (p < e) {
        unsigned o = p ? (unsigned)__builtin_ctzll(p) : MM_MAX_ORDER;
        if (o > MM_MAX_ORDER)
            o = MM_MAX_ORDER;
        while ((1ull << o) > e - p)
            o--;
        frame_init(pfn_frame(p), FS_OFFLINE, o);
        buddy_free_block_locked(p, o);
        p += 1ull << o;
    }
}

/* Initialise the frames of boot subsection (s, sub) starting at pfn sp and put it online. */
static void boot_init_sub(struct mm_section *s, unsigned sub, uint64_t sp)
{
    uint64_t sa = sp << PAGE_SHIFT, ea = sa + SUBSECTION_SIZE;
    struct frame *mem = s->mem[sub];
    struct mm_zone_lists *z = sect_zone_ptr(s, sub);
    bool full = false;
    for (unsigned i = 0; i < nbr; i++)
        if (br[i].base <= sa && br[i].end >= ea)
            full = true;
    for (unsigned j = 0; j < nbres && full; j++)
        if (bres[j].base < ea && bres[j].end > sa)
            full = false;
    s->online |= 1ull << sub;
    if (full) {
        s->sub_pages[sub] = MM_PAGES_PER_SUB;
        z->present += MM_PAGES_PER_SUB;
        z->online += MM_PAGES_PER_SUB;
        boot_free_run(sp, sp + MM_PAGES_PER_SUB);
        return;
    }
    unsigned pages = 0;
    uint64_t run = 0;
    bool in_run = false;
    for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB; p++) {
        struct frame *f = mem + (p - sp);
        unsigned owner = MM_OWN_FREE;
        bool ram = boot_in_ram(p);
        if (ram) {
            pages++;
            owner = boot_res_owner(p);
        }
        if (ram && owner == MM_OWN_FREE) {
            if (!in_run) {
                run = p;
                in_run = true;
            }
            continue;
        }
        if (in_run) {
            boot_free_run(run, p);
            in_run = false;
        }
        frame_init(f, ram ? FS_USED : FS_HOLE, 0);
        f->owner = (uint8_t)(ram ? owner : MM_OWN_HOLE);
    }
    if (in_run)
        boot_free_run(run, sp + MM_PAGES_PER_SUB);
    s->sub_pages[sub] = (uint16_t)pages;
    z->present += pages;
    z->online += pages;
}

/* Build the frame database of boot memory and fill the free lists. */
int mm_boot_finish(void)
{
    if (booted)
        return MM_EINVAL;
    buddy_zones_init();
    if (nbr && br[0].base == 0)
        mm_boot_reserve(0, PAGE_SIZE, MM_OWN_FIRMWARE);

    /* 1. per node: subsections and sections to describe (ranges are sorted by base). */
    uint64_t need[MAX_NODES] = {0}, nsect[MAX_NODES] = {0};
    uint64_t last_sub = ~0ull, last_sect = ~0ull;
    for (unsigned i = 0; i < nbr; i++) {
        for (uint64_t g = br[i].base >> SUBSECTION_SHIFT; g <= (br[i].end - 1) >> SUBSECTION_SHIFT; g++) {
            if (g != last_sub)
                need[br[i].node] += SUB_MEMMAP_BYTES;
            last_sub = g;
            uint64_t sidx = g >> (SECTION_SHIFT - SUBSECTION_SHIFT);
            if (sidx != last_sect)
                nsect[br[i].node]++;
            last_sect = sidx;
        }
    }
    /* 2. carve each node's frame database + section structs from its boot RAM. */
    uint8_t *cursor[MAX_NODES] = {0};
    uint8_t *sect_cursor[MAX_NODES] = {0};
    for (unsigned n = 0; n < MAX_NODES; n++) {
        if (!need[n])
            continue;
        uint64_t bytes = need[n] + nsect[n] * ((sizeof(struct mm_section) + 63) & ~63ull);
        bytes = (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t pa = 0;
        for (int pass = 0; pass < 4 && !pa; pass++)
            pa = boot_find_hole(n, bytes, pass);
        uint8_t *v = pa ? plat_phys_to_virt(pa) : NULL;
        if (!v) {
            MM_LOG(LOG_ERR, "boot: no room for the frame database of node %u (%llu bytes)", n,
                   (unsigned long long)bytes);
            mm_counters.boot_fail++;
            return MM_ENOMEM;
        }
        mm_boot_reserve(pa, bytes, MM_OWN_MEMMAP);
        cursor[n] = v;
        sect_cursor[n] = v + need[n];
        MM_LOG(LOG_INFO, "node %u: frame database 0x%llx-0x%llx", n, (unsigned long long)pa,
               (unsigned long long)(pa + bytes));
    }
    /* 3. sections and subsections. */
    for (unsigned i = 0; i < nbr; i++) {
        unsigned n = br[i].node;
        for (uint64_t g = br[i].base >> SUBSECTION_SHIFT; g <= (br[i].end - 1) >> SUBSECTION_SHIFT; g++) {
            unsigned idx = (unsigned)(g >> (SECTION_SHIFT - SUBSECTION_SHIFT));
            unsigned sub = (unsigned)g & (SUBSECTIONS_PER_SECTION - 1);
            struct mm_section *s = mm_sect[idx];
            if (!s) {
                s = (struct mm_section *)sect_cursor[n];
                sect_cursor[n] += (sizeof(struct mm_section) + 63) & ~63ull;
                memset(s, 0, sizeof *s);
                s->node = (uint8_t)n;
                mm_sect[idx] = s;
            } else if (s->node != n && !(s->present >> sub & 1)) {
                MM_LOG(LOG_WARN, "section %u spans nodes %u and %u: counted on node %u", idx, s->node, n,
                       s->node);
            }
            if (s->present >> sub & 1) {
                if (!br[i].hp)
                    s->movable &= ~(1ull << sub);
                continue;
            }
            s->mem[sub] = (struct frame *)cursor[n];
            cursor[n] += SUB_MEMMAP_BYTES;
            memset(s->mem[sub], 0, SUB_MEMMAP_BYTES);
            s->present |= 1ull << sub;
            if (br[i].hp)
                s->movable |= 1ull << sub;
            mm_node_mask |= 1u << s->node;
        }
    }
    /* 4. frames: holes, reservations, free blocks. */
    for (unsigned idx = 0; idx < NR_SECTIONS; idx++) {
        struct mm_section *s = mm_sect[idx];
        if (!s)
            continue;
        for (unsigned sub = 0; sub < SUBSECTIONS_PER_SECTION; sub++)
            if (s->present >> sub & 1)
                boot_init_sub(s, sub,
                              ((uint64_t)idx << PFN_SECTION_SHIFT) + ((uint64_t)sub << PFN_SUB_SHIFT));
    }
    booted = true;
    struct mm_zone_stats t;
    mm_total_stats(&t);
    MM_LOG(LOG_INFO, "boot: %llu pages present, %llu free, %u ranges, %u reservations",
           (unsigned long long)t.present, (unsigned long long)t.free, nbr, nbres);
    return 0;
}

/* The section struct for idx, allocated (plat_alloc) if absent. */
struct mm_section *sect_get_or_alloc(unsigned idx, unsigned node)
{
    if (mm_sect[idx])
        return mm_sect[idx];
    struct mm_section *s = plat_alloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->node = (uint8_t)node;
    s->heap_alloc = 1;
    mm_sect[idx] = s;
    mm_node_mask |= 1u << node;
    return s;
}

/* Free the struct of section idx if no subsection is present and it came from plat_alloc. */
void sect_put_if_empty(unsigned idx)
{
    struct mm_section *s = mm_sect[idx];
    if (s && !s->present && s->heap_alloc) {
        mm_sect[idx] = NULL;
        plat_free(s);
    }
}

void heap_reset(void);
void obj_reset(void);
void hotplug_reset(void);

/* Forget everything (host only). */
void mm_reset(void)
{
    obj_reset();
    heap_reset();
    hotplug_reset();
    for (unsigned i = 0; i < NR_SECTIONS; i++) {
        struct mm_section *s = mm_sect[i];
        if (s && s->heap_alloc)
            plat_free(s);
        mm_sect[i] = NULL;
    }
    mm_zones_ready = false;
    buddy_zones_init();
    memset(&mm_counters, 0, sizeof mm_counters);
    memset(mm_migrate_fns, 0, sizeof mm_migrate_fns);
    mm_node_mask = 0;
    nbr = nbres = 0;
    booted = false;
}

/* Derived state of section idx. */
enum mm_sect_state mm_section_state(unsigned idx)
{
    const struct mm_section *s = idx < NR_SECTIONS ? mm_sect[idx] : NULL;
    if (!s || !s->present)
        return MM_SECT_ABSENT;
    if (s->caged)
        return MM_SECT_CAGED;
    if (s->online)
        return MM_SECT_ONLINE;
    return MM_SECT_OFFLINE;
}

const char *mm_sect_state_name(enum mm_sect_state st)
{
    switch (st) {
    case MM_SECT_ABSENT:
        return "absent";
    case MM_SECT_OFFLINE:
        return "offline";
    case MM_SECT_ONLINE:
        return "online";
    case MM_SECT_CAGED:
        return "caged";
    }
    return "?";
}

uint64_t mm_section_present(unsigned idx)
{
    return idx < NR_SECTIONS && mm_sect[idx] ? mm_sect[idx]->present : 0;
}

uint64_t mm_section_online(unsigned idx)
{
    return idx < NR_SECTIONS && mm_sect[idx] ? mm_sect[idx]->online : 0;
}

/* Log what frame pfn is. */
void mm_log_frame(int level, const char *what, uint64_t pfn)
{
    struct frame *f = pfn_frame_safe(pfn);
    if (!f) {
        MM_LOG(level, "%s: frame 0x%llx not present", what, (unsigned long long)pfn);
        return;
    }
    MM_LOG(level, "%s: frame 0x%llx (pa 0x%llx) state %s order %u owner %s cookie 0x%x", what,
           (unsigned long long)pfn, (unsigned long long)(pfn << PAGE_SHIFT), frame_state_name(f->state),
           f->order, mm_owner_name(f->owner), f->cookie);
}
