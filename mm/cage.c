/* cage.c - caging (page isolation) of whole subsections: start / test / undo.
 *
 * A caged subsection's free blocks are HELD: off the free lists, owned by the running offline
 * (FREE -> HELD at cage start, HELD -> FREE at undo; the offline itself makes them OFFLINE).
 * The free path (buddy_release_locked) turns every block freed inside a caged subsection into a
 * HELD block too; so does a CPU's page cache (pcp.c), which the offline drains right after
 * cage_start. Walks go block by block, so their cost is the number of blocks in the range,
 * not its pages: a fully free section is 64 blocks of order 9.
 */
#include "mm/mm_internal.h"

/* Cage the online, uncaged subsections of [spfn, epfn); returns the pages taken from the lists. */
uint64_t cage_start_locked(uint64_t spfn, uint64_t epfn)
{
    uint64_t taken = 0;
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !((s->online & ~s->caged) >> sub & 1))
            continue;
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        __atomic_or_fetch(&s->caged, 1ull << sub, __ATOMIC_RELAXED); /* read by pcp_free */
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
            struct frame *f = sub_frame(s, sub, p - sp);
            unsigned st = frame_state(f); /* a CACHED block may be changing on its CPU */
            MM_ASSERT(st > FS_TAIL && st != FS_HELD && st != FS_OFFLINE, p, f);
            uint32_t n = 1u << f->order;
            if (st == FS_FREE) {
                buddy_unlink_locked(p, f);
                frame_set(p, f, FS_HELD);
                s->nr_held += n;
                z->held += n;
                taken += n;
            }
            p += n;
        }
    }
    return taken;
}

/* 0 if no block of the caged subsections of the range is allocated; else MM_EBUSY. */
int cage_test_locked(uint64_t spfn, uint64_t epfn, uint64_t *blocker)
{
    struct cage_iter it = cage_iter(spfn, epfn);
    for (struct frame *f; (f = cage_next(&it));) {
        unsigned st = f->state; /* cached: the drain was skipped; migrating: never between batches */
        if (fs_is_used(st) || st == FS_CACHED || fs_is_migrating(st)) {
            if (blocker)
                *blocker = it.pfn;
            return MM_EBUSY;
        }
    }
    return 0;
}

/* Uncage the caged subsections of the range; their HELD blocks go back to the free lists. */
void cage_undo_locked(uint64_t spfn, uint64_t epfn)
{
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !(s->caged >> sub & 1))
            continue;
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        __atomic_and_fetch(&s->caged, ~(1ull << sub), __ATOMIC_RELAXED);
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
            struct frame *f = sub_frame(s, sub, p - sp);
            MM_ASSERT(f->state > FS_TAIL && f->state != FS_FREE && f->state != FS_OFFLINE, p, f);
            unsigned o = f->order;
            if (f->state == FS_HELD) {
                s->nr_held -= 1u << o;
                z->held -= 1u << o;
                buddy_free_block_locked(p, o);
            }
            p += 1u << o;
        }
    }
}
