/* boot.c - boot memory: the ranges and reservations the kernel declares, the frame database of
 * boot RAM (carved from boot RAM of the same node with the section structs and table leaves),
 * and the first blocks. Cost: per subsection and per block, never per page (lazy descriptors,
 * see struct frame): a free 2 MiB subsection is one head in its section struct. */
#include <string.h>

#include "mm/mm_internal.h"

#define BOOT_MAX_RANGES 64
#define BOOT_MAX_RES 128
#define LEAF_BYTES (SECT_LEAF_SIZE * sizeof(struct mm_section *))

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
/* Section-table leaves of boot memory: the first BOOT_LEAVES (1 TiB of address space) are static
 * (.bss, so leak checkers see the hot-added section structs they point to), more are carved. */
#define BOOT_LEAVES 8
static struct mm_section *boot_leaves[BOOT_LEAVES][SECT_LEAF_SIZE];
static unsigned boot_leaves_used;

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

/* End (exclusive) of the run of pages from p on that share RAM-ness and reservations: the first
 * range or reservation edge after p, at most e. */
static uint64_t boot_run_end(uint64_t p, uint64_t e)
{
    uint64_t pa = p << PAGE_SHIFT, end = e << PAGE_SHIFT;
    for (unsigned i = 0; i < nbr; i++) {
        if (br[i].base > pa && br[i].base < end)
            end = br[i].base;
        if (br[i].end > pa && br[i].end < end)
            end = br[i].end;
    }
    for (unsigned j = 0; j < nbres; j++) {
        if (bres[j].base > pa && bres[j].base < end)
            end = bres[j].base;
        if (bres[j].end > pa && bres[j].end < end)
            end = bres[j].end;
    }
    return end >> PAGE_SHIFT;
}

/* Build the blocks of boot subsection (s, sub) at pfn sp run by run (holes, reservations, free
 * RAM) and put it online: its free blocks go to the free lists. */
static void boot_init_sub(struct mm_section *s, unsigned sub, uint64_t sp)
{
    struct mm_zone_lists *z = sect_zone_ptr(s, sub);
    uint64_t ep = sp + MM_PAGES_PER_SUB;
    unsigned pages = 0;
    MM_ASSERT(!((s->online | s->caged) >> sub & 1), sp, NULL);
    s->online |= 1ull << sub;
    for (uint64_t p = sp, e; p < ep; p = e) {
        e = boot_run_end(p, ep);
        bool ram = boot_in_ram(p);
        unsigned owner = ram ? boot_res_owner(p) : MM_OWN_HOLE;
        if (ram)
            pages += (unsigned)(e - p);
        if (owner != MM_OWN_FREE) {
            sect_make_blocks(p, e, ram ? FS_USED : FS_HOLE, owner);
            continue;
        }
        sect_make_blocks(p, e, FS_OFFLINE, MM_OWN_FREE);
        for (uint64_t q = p; q < e;) {
            unsigned o = pfn_frame(q)->order;
            buddy_free_block_locked(q, o);
            q += 1ull << o;
        }
    }
    s->sub_pages[sub] = (uint16_t)pages;
    z->present += pages;
    z->online += pages;
}

/* Sizes of the frame database each node carves: memmap bytes, section structs, table leaves. */
struct boot_need {
    uint64_t memmap, sects, leaves;
};

/* Count per node the subsections, sections and table leaves boot RAM needs (a section or leaf
 * shared by nodes counts for the first; ranges are sorted by base). */
static void boot_count(struct boot_need need[MAX_NODES])
{
    uint64_t last_sub = ~0ull, last_sect = ~0ull, last_leaf = ~0ull;
    for (unsigned i = 0; i < nbr; i++) {
        struct boot_need *n = &need[br[i].node];
        for (uint64_t g = br[i].base >> SUBSECTION_SHIFT; g <= (br[i].end - 1) >> SUBSECTION_SHIFT; g++) {
            uint64_t sidx = g >> (SECTION_SHIFT - SUBSECTION_SHIFT);
            if (g != last_sub)
                n->memmap += SUB_MEMMAP_BYTES;
            if (sidx != last_sect && !sect_at(sidx))
                n->sects++;
            if ((sidx >> SECT_LEAF_SHIFT) != last_leaf && !mm_sect_root[sidx >> SECT_LEAF_SHIFT])
                n->leaves++;
            last_sub = g;
            last_sect = sidx;
            last_leaf = sidx >> SECT_LEAF_SHIFT;
        }
    }
}

/* Where each node's frame database goes next (memmaps, section structs, leaves). */
struct boot_cursor {
    uint8_t *memmap, *sect, *leaf;
};

/* Carve each node's frame database + section structs + leaves from its boot RAM. */
static int boot_carve(struct boot_cursor cur[MAX_NODES])
{
    struct boot_need need[MAX_NODES];
    memset(need, 0, sizeof need);
    boot_count(need);
    for (unsigned n = 0; n < MAX_NODES; n++) {
        if (!need[n].memmap)
            continue;
        uint64_t bytes = need[n].memmap + need[n].sects * SECT_BYTES + need[n].leaves * LEAF_BYTES;
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
        cur[n].memmap = v;
        cur[n].leaf = v + need[n].memmap;
        cur[n].sect = cur[n].leaf + need[n].leaves * LEAF_BYTES;
        MM_LOG(LOG_INFO, "node %u: frame database 0x%llx-0x%llx", n, (unsigned long long)pa,
               (unsigned long long)(pa + bytes));
    }
    return 0;
}

/* The section struct of boot subsection g (node n), carved from cur if new. */
static struct mm_section *boot_sect(uint64_t g, unsigned n, struct boot_cursor *cur)
{
    uint64_t idx = g >> (SECTION_SHIFT - SUBSECTION_SHIFT);
    struct mm_section *s = sect_at(idx);
    if (s)
        return s;
    if (!mm_sect_root[idx >> SECT_LEAF_SHIFT]) {
        struct mm_section **leaf = (struct mm_section **)cur->leaf;
        if (boot_leaves_used < BOOT_LEAVES)
            leaf = boot_leaves[boot_leaves_used++];
        else
            cur->leaf += LEAF_BYTES;
        memset(leaf, 0, LEAF_BYTES);
        mm_sect_root[idx >> SECT_LEAF_SHIFT] = leaf;
    }
    s = (struct mm_section *)cur->sect;
    cur->sect += SECT_BYTES;
    memset(s, 0, sizeof *s);
    s->node = (uint8_t)n;
    mm_sect_root[idx >> SECT_LEAF_SHIFT][idx & (SECT_LEAF_SIZE - 1)] = s;
    return s;
}

/* Build sections and frame database, fill the free lists. */
int mm_boot_finish(void)
{
    if (booted)
        return MM_EINVAL;
    buddy_zones_init();
    if (nbr && br[0].base == 0)
        mm_boot_reserve(0, PAGE_SIZE, MM_OWN_FIRMWARE);
    struct boot_cursor cur[MAX_NODES];
    memset(cur, 0, sizeof cur);
    int r = boot_carve(cur);
    if (r)
        return r;
    /* sections and subsections (their memmaps are not written: lazy descriptors) */
    for (unsigned i = 0; i < nbr; i++) {
        unsigned n = br[i].node;
        for (uint64_t g = br[i].base >> SUBSECTION_SHIFT; g <= (br[i].end - 1) >> SUBSECTION_SHIFT; g++) {
            struct mm_section *s = boot_sect(g, n, &cur[n]);
            unsigned sub = (unsigned)g & (SUBSECTIONS_PER_SECTION - 1);
            if (s->node != n && !(s->present >> sub & 1))
                MM_LOG(LOG_WARN, "section %llu spans nodes %u and %u: counted on node %u",
                       (unsigned long long)(g >> (SECTION_SHIFT - SUBSECTION_SHIFT)), s->node, n, s->node);
            if (s->present >> sub & 1) {
                if (!br[i].hp)
                    s->movable &= ~(1ull << sub);
                continue;
            }
            s->mem[sub] = (struct frame *)cur[n].memmap;
            cur[n].memmap += SUB_MEMMAP_BYTES;
            s->present |= 1ull << sub;
            if (br[i].hp)
                s->movable |= 1ull << sub;
            mm_node_mask |= 1u << s->node;
        }
    }
    /* blocks: holes, reservations, free RAM */
    for (uint64_t idx = sect_next(0); idx < NR_SECTIONS; idx = sect_next(idx + 1)) {
        struct mm_section *s = sect_at(idx);
        for (unsigned sub = 0; sub < SUBSECTIONS_PER_SECTION; sub++)
            if (s->present >> sub & 1)
                boot_init_sub(s, sub, (idx << PFN_SECTION_SHIFT) + ((uint64_t)sub << PFN_SUB_SHIFT));
    }
    booted = true;
    struct mm_zone_stats t;
    mm_total_stats(&t);
    MM_LOG(LOG_INFO, "boot: %llu pages present, %llu free, %u ranges, %u reservations",
           (unsigned long long)t.present, (unsigned long long)t.free, nbr, nbres);
    return 0;
}

/* Forget the boot ranges and reservations (mm_reset). */
void boot_reset(void)
{
    nbr = nbres = 0;
    booted = false;
    boot_leaves_used = 0;
}
