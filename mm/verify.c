/* verify.c - mm_verify: cross-check the free lists, the frame database and the counters. */
#include <string.h>

#include "mm/mm_internal.h"

static unsigned nbad;

/* Record one problem (the first 20 are logged). */
#define BAD(...)                                                                                             \
    do {                                                                                                     \
        if (nbad++ < 20)                                                                                     \
            MM_LOG(LOG_ERR, "verify: " __VA_ARGS__);                                                         \
    } while (0)

/* Walk the free lists; marks every listed head with vflag = 1. */
static void verify_lists(void)
{
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++) {
            struct mm_zone_lists *z = &mm_zones[n][zi];
            uint64_t pages = 0;
            for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
                uint32_t cnt = 0;
                uint64_t prev = PFN_NIL;
                for (uint64_t p = z->head[o]; p != PFN_NIL;) {
                    struct frame *f = pfn_frame_safe(p);
                    if (!f) {
                        BAD("node %u zone %u order %u: pfn 0x%llx on list is not present", n, zi, o,
                            (unsigned long long)p);
                        break;
                    }
                    struct mm_section *s = pfn_sect(p);
                    unsigned sub = pfn_sub(p);
                    if (f->vflag) {
                        BAD("node %u zone %u order %u: pfn 0x%llx listed twice (or a cycle)", n, zi, o,
                            (unsigned long long)p);
                        break;
                    }
                    f->vflag = 1;
                    if (f->state != FS_FREE || f->order != o)
                        BAD("pfn 0x%llx on list order %u: state %s order %u", (unsigned long long)p, o,
                            frame_state_name(f->state), f->order);
                    if (p & ((1u << o) - 1))
                        BAD("pfn 0x%llx on list order %u: misaligned", (unsigned long long)p, o);
                    if (s->node != n || sect_zone(s, sub) != zi)
                        BAD("pfn 0x%llx on list of node %u zone %u but section says node %u zone %u",
                            (unsigned long long)p, n, zi, s->node, sect_zone(s, sub));
                    if (!((s->online & ~s->caged) >> sub & 1))
                        BAD("pfn 0x%llx: free block in a subsection that is not online (or caged)",
                            (unsigned long long)p);
                    if (lru_prev(f) != prev)
                        BAD("pfn 0x%llx: prev link 0x%llx, expected 0x%llx", (unsigned long long)p,
                            (unsigned long long)lru_prev(f), (unsigned long long)prev);
                    prev = p;
                    cnt++;
                    pages += 1u << o;
                    p = lru_next(f);
                }
                if (cnt != z->nr[o])
                    BAD("node %u zone %u order %u: %u blocks listed, counter says %u", n, zi, o, cnt,
                        z->nr[o]);
                if (!!(z->mask >> o & 1) != (z->head[o] != PFN_NIL))
                    BAD("node %u zone %u order %u: mask bit wrong", n, zi, o);
            }
            if (pages != z->free)
                BAD("node %u zone %u: %llu pages listed, counter says %llu", n, zi, (unsigned long long)pages,
                    (unsigned long long)z->free);
        }
}

struct acc {
    uint64_t present, online, held, movable;
};

/* Walk every present subsection block by block. */
static void verify_sections(struct acc acc[MAX_NODES][MM_NR_ZONES])
{
    for (uint64_t i = sect_next(0); i < NR_SECTIONS; i = sect_next(i + 1)) {
        struct mm_section *s = sect_at(i);
        unsigned idx = (unsigned)i;
        if ((s->online | s->caged | s->movable | s->keepmap) & ~s->present)
            BAD("section %u: masks outside present 0x%llx", idx, (unsigned long long)s->present);
        if (s->caged & ~s->online)
            BAD("section %u: caged but not online", idx);
        uint64_t sfree = 0, sheld = 0;
        for (unsigned sub = 0; sub < SUBSECTIONS_PER_SECTION; sub++) {
            if (!(s->present >> sub & 1))
                continue;
            bool online = s->online >> sub & 1, caged = s->caged >> sub & 1;
            struct acc *a = &acc[s->node][sect_zone(s, sub)];
            a->present += s->sub_pages[sub];
            if (online)
                a->online += s->sub_pages[sub];
            uint64_t sp = ((uint64_t)idx << PFN_SECTION_SHIFT) + ((uint64_t)sub << PFN_SUB_SHIFT);
            unsigned ram = 0;
            for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
                struct frame *f = sub_frame(s, sub, p - sp);
                unsigned o = f->order;
                unsigned st = f->state;
                if (st <= FS_TAIL || st >= FS_NR || o > MM_MAX_ORDER || (p & ((1ull << o) - 1))) {
                    BAD("pfn 0x%llx: expected a block head (state %s order %u)", (unsigned long long)p,
                        frame_state_name(st), o);
                    break;
                }
                uint64_t n = 1ull << o;
                if (st != FS_HOLE)
                    ram += (unsigned)n;
                if (st == FS_FREE) {
                    if (!f->vflag)
                        BAD("pfn 0x%llx: free block (order %u) on no free list", (unsigned long long)p, o);
                    sfree += n;
                    if (o < MM_MAX_ORDER) {
                        struct frame *b = sub_frame(s, sub, (p ^ n) - sp);
                        if (b->state == FS_FREE && b->order == o)
                            BAD("pfn 0x%llx and 0x%llx: free buddies of order %u not merged",
                                (unsigned long long)p, (unsigned long long)(p ^ n), o);
                    }
                } else if (st == FS_HELD) {
                    if (!caged)
                        BAD("pfn 0x%llx: held block in a subsection that is not caged",
                            (unsigned long long)p);
                    sheld += n;
                    a->held += n;
                } else if (st == FS_OFFLINE) {
                    if (online)
                        BAD("pfn 0x%llx: offline block in an online subsection", (unsigned long long)p);
                } else if (st == FS_USED || st == FS_MOVABLE || fs_is_migrating(st)) {
                    if (!online)
                        BAD("pfn 0x%llx: allocated block (owner %s) in an offline subsection",
                            (unsigned long long)p, mm_owner_name(f->owner));
                    if (fs_is_migrating(st) && !caged)
                        BAD("pfn 0x%llx: block being migrated in a subsection that is not caged",
                            (unsigned long long)p);
                    if (st != FS_USED)
                        a->movable += n;
                } else if (st == FS_CACHED) {
                    if (!online || caged)
                        BAD("pfn 0x%llx: cached block in a subsection that is not online (or caged)",
                            (unsigned long long)p);
                } /* FIXED and HOLE never change: being a head is all there is to check */
                if (f->vflag && st != FS_FREE)
                    BAD("pfn 0x%llx: listed but not a free block", (unsigned long long)p);
                f->vflag = 0;
                p += n;
            }
            if (ram != s->sub_pages[sub])
                BAD("section %u sub %u: %u RAM frames, counter says %u", idx, sub, ram, s->sub_pages[sub]);
        }
        if (sfree != s->nr_free)
            BAD("section %u: %llu free pages, counter says %u", idx, (unsigned long long)sfree, s->nr_free);
        if (sheld != s->nr_held)
            BAD("section %u: %llu held pages, counter says %u", idx, (unsigned long long)sheld, s->nr_held);
    }
}

/* 0 if everything is consistent, else MM_ECORRUPT (each problem logged). */
int mm_verify(void)
{
    static struct acc acc[MAX_NODES][MM_NR_ZONES];
    bool frozen = !plat_spin_held(&mm_lock);
    if (frozen)
        pcp_freeze(); /* the caches are empty and stay so while we look */
    unsigned long irq = mm_lock_irqsave();
    nbad = 0;
    memset(acc, 0, sizeof acc);
    if (mm_zones_ready)
        verify_lists();
    verify_sections(acc);
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++) {
            struct mm_zone_lists *z = &mm_zones[n][zi];
            struct acc *a = &acc[n][zi];
            if (a->present != z->present || a->online != z->online || a->held != z->held ||
                a->movable != z->movable)
                BAD("node %u zone %u: counted present/online/held/movable %llu/%llu/%llu/%llu, counters "
                    "%llu/%llu/%llu/%llu",
                    n, zi, (unsigned long long)a->present, (unsigned long long)a->online,
                    (unsigned long long)a->held, (unsigned long long)a->movable,
                    (unsigned long long)z->present, (unsigned long long)z->online,
                    (unsigned long long)z->held, (unsigned long long)z->movable);
        }
    unsigned bad = nbad;
    if (bad)
        mm_counters.verify_fail++;
    mm_unlock_irqrestore(irq);
    if (frozen)
        pcp_thaw();
    if (bad)
        MM_LOG(LOG_ERR, "verify: %u problems", bad);
    return bad ? MM_ECORRUPT : 0;
}

/* Order-independent fingerprint of the set of free blocks (pfn, order, node, zone) in the lists. */
uint64_t mm_free_fingerprint(void)
{
    uint64_t h = 0;
    if (!plat_spin_held(&mm_lock))
        pcp_drain_all(); /* cached blocks are free blocks: count them where they belong */
    unsigned long irq = mm_lock_irqsave();
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++)
            for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
                for (uint64_t p = mm_zones_ready ? mm_zones[n][zi].head[o] : PFN_NIL, k = 0;
                     p != PFN_NIL && k < MAX_PFN; p = lru_next(pfn_frame(p)), k++) {
                    uint64_t x = ((uint64_t)p << 12) ^ (o << 4) ^ (n << 1) ^ zi;
                    x = (x ^ (x >> 31)) * 0x7fb5d329728ea185ull;
                    x = (x ^ (x >> 27)) * 0x81dadef4bc2dd44dull;
                    h += x ^ (x >> 33);
                }
    mm_unlock_irqrestore(irq);
    return h;
}
