/* mm_internal.h - data structures shared by the mm/ files (not for the rest of the kernel). */
#pragma once
#include "mm/mm.h"

#define PFN_SUB_SHIFT (SUBSECTION_SHIFT - PAGE_SHIFT) /* 9: pages per subsection = 512 */
#define PFN_NIL 0xffffffffu                           /* end of a free list */
#define MAX_PFN (MAX_PHYS_ADDR >> PAGE_SHIFT)         /* 2^28: pfns fit in 32 bits */

/* One frame descriptor per 4 KiB page of a present subsection (16 bytes).
 *
 * Blocks: every frame of a present subsection belongs to exactly one block of 2^order frames,
 * aligned to its size. The first frame of a block (its head) has FR_HEAD, the order, the owner;
 * the other frames of the block (tails) are all zero. A block is one of:
 *   - free, on a free list:           FR_HEAD|FR_FREE, owner FREE, lru links valid;
 *   - free, held by a cage or offline: FR_HEAD|FR_FREE|FR_HELD, on no list;
 *   - allocated:                      FR_HEAD [|FR_MOVABLE], owner/cookie/aux set by the owner;
 *   - fixed (order 0, never freed):   FR_HEAD|FR_FIXED, owner HOLE (not RAM: FR_HOLE too) or
 *                                     MEMMAP of a hot-added range (its memmap lives on itself).
 * Fixed frames never block an offline and never enter the allocator.
 */
struct frame {
    union {
        struct {
            uint32_t next, prev; /* free list links (pfns, PFN_NIL at the ends) */
        } lru;
        struct {
            uint32_t aux, spare; /* owner data of an allocated block */
        } use;
    };
    uint32_t cookie; /* owner cookie (allocated head) */
    uint8_t owner;   /* enum mm_owner (head) */
    uint8_t order;   /* block order (head) */
    uint8_t flags;   /* FR_* */
    uint8_t vflag;   /* scratch for mm_verify */
};
_Static_assert(sizeof(struct frame) <= 16, "frame descriptor must stay <= 16 bytes");

#define FR_HEAD 0x01
#define FR_FREE 0x02
#define FR_HELD 0x04
#define FR_MOVABLE 0x08
#define FR_FIXED 0x10
#define FR_HOLE 0x20

/* A 128 MiB section: 64 subsections of 2 MiB, each present or not.
 *
 * State machine (per subsection; the section's state is derived, see mm_section_state):
 *
 *   ABSENT --add/boot--> OFFLINE --online--> ONLINE --cage--> CAGED --offline ok--> OFFLINE
 *                                              ^                 |
 *                                              +----rollback-----+
 *   OFFLINE --remove--> ABSENT
 *
 *   ABSENT:  bit clear in present, mem[sub] == NULL.
 *   OFFLINE: present; every non-fixed frame is in a HELD free block; nothing allocates there;
 *            its RAM is not counted online; its direct map may be gone (except keepmap).
 *   ONLINE:  present and online; free blocks are on the free lists of (node, zone).
 *   CAGED:   present, online and caged: being offlined. Its free blocks are HELD (on no list);
 *            frees of its pages become HELD blocks instead of going to the free lists.
 * Section state: ABSENT if no subsection present; CAGED if any caged; ONLINE if any online;
 * else OFFLINE.
 */
struct mm_section {
    uint64_t present; /* subsections that exist (memmap allocated) */
    uint64_t online;  /* subsections in the allocator */
    uint64_t caged;   /* subsections being offlined */
    uint64_t movable; /* subsections in ZONE_MOVABLE (else NORMAL) */
    uint64_t keepmap; /* subsections holding a hot-added memmap: stay mapped while offline */
    uint8_t node;
    uint8_t heap_alloc; /* this struct came from plat_alloc (hot-add), else carved at boot */
    uint16_t sub_pages[SUBSECTIONS_PER_SECTION]; /* RAM frames of each present subsection */
    uint32_t nr_free;                            /* frames in the free lists */
    uint32_t nr_held;                            /* frames in HELD blocks of online (caged) subsections */
    struct frame *mem[SUBSECTIONS_PER_SECTION];  /* memmap of each present subsection */
};

/* Free lists and counters of one (node, zone). */
struct mm_zone_lists {
    uint32_t head[MM_MAX_ORDER + 1];
    uint32_t nr[MM_MAX_ORDER + 1];
    uint32_t mask; /* bit o set iff head[o] != PFN_NIL */
    uint64_t present, online, free, held, movable;
};

extern struct mm_section *mm_sect[NR_SECTIONS];
extern struct mm_zone_lists mm_zones[MAX_NODES][MM_NR_ZONES];
extern uint32_t mm_node_mask; /* nodes that have (had) memory */
extern mm_migrate_fn mm_migrate_fns[MM_NR_OWNERS];

static inline struct mm_section *pfn_sect(uint64_t pfn)
{
    return mm_sect[pfn >> PFN_SECTION_SHIFT];
}
static inline unsigned pfn_sub(uint64_t pfn)
{
    return (unsigned)(pfn >> PFN_SUB_SHIFT) & (SUBSECTIONS_PER_SECTION - 1);
}
/* Frame of pfn; pfn must be in a present subsection. */
static inline struct frame *pfn_frame(uint64_t pfn)
{
    return pfn_sect(pfn)->mem[pfn_sub(pfn)] + (pfn & (MM_PAGES_PER_SUB - 1));
}
/* Frame of pfn or NULL if its subsection is not present. */
static inline struct frame *pfn_frame_safe(uint64_t pfn)
{
    if (pfn >= MAX_PFN)
        return NULL;
    struct mm_section *s = pfn_sect(pfn);
    if (!s || !(s->present >> pfn_sub(pfn) & 1))
        return NULL;
    return pfn_frame(pfn);
}
static inline unsigned sect_zone(const struct mm_section *s, unsigned sub)
{
    return (unsigned)(s->movable >> sub) & 1;
}
static inline struct mm_zone_lists *sect_zone_ptr(const struct mm_section *s, unsigned sub)
{
    return &mm_zones[s->node][sect_zone(s, sub)];
}

/* buddy.c */
extern bool mm_zones_ready;
/* Make every free list empty (first use, and after mm_reset). */
void zones_init_once(void);
/* Put free block [pfn, pfn+2^order) (online, not caged subsection) on the free lists, merging
 * with free buddies; counts the pages as free. */
void buddy_free_block_locked(uint64_t pfn, unsigned order);
/* Remove free block at pfn (head, on a list) from its list; uncounts it. */
void buddy_unlink_locked(uint64_t pfn, struct frame *f);
/* Free path for an allocated block (used by mm_free_pages and migration). */
void buddy_release_locked(uint64_t pfn, unsigned order);

/* hotplug.c: the wait/poll configuration. */
extern bool (*mm_poll_fn)(void *);
void deferred_reset(void); /* forget queued frees (mm_reset) */
extern void *mm_poll_arg;

/* cage.c: page isolation triplet on whole subsections [spfn, epfn) (subsection aligned). */
/* Cage every online subsection of the range: their free blocks become HELD. Pages taken. */
uint64_t cage_start_locked(uint64_t spfn, uint64_t epfn);

/* Iterator over the blocks (head frames) of the caged subsections of [spfn, epfn):
 *     struct cage_iter it = cage_iter(spfn, epfn);
 *     for (struct frame *f; (f = cage_next(&it));) ... it.pfn is f's pfn ...
 * The step to the next block is taken before a block is returned, so the body may free it. */
struct cage_iter {
    uint64_t pfn;  /* pfn of the block last returned */
    uint64_t next; /* pfn to look at next */
    uint64_t epfn;
};
static inline struct cage_iter cage_iter(uint64_t spfn, uint64_t epfn)
{
    return (struct cage_iter){0, spfn, epfn};
}
static inline struct frame *cage_next(struct cage_iter *it)
{
    while (it->next < it->epfn) {
        uint64_t p = it->next;
        struct mm_section *s = pfn_sect(p);
        if (!s || !(s->caged >> pfn_sub(p) & 1)) {
            it->next = (p | (MM_PAGES_PER_SUB - 1)) + 1; /* the next subsection */
            continue;
        }
        struct frame *f = pfn_frame(p);
        it->pfn = p;
        it->next = p + (1u << f->order);
        return f;
    }
    return NULL;
}
/* 0 if every non-fixed frame of the caged range is HELD; else MM_EBUSY and *blocker = the
 * first allocated block head's pfn. */
int cage_test_locked(uint64_t spfn, uint64_t epfn, uint64_t *blocker);
/* Return every HELD block of the caged subsections to the free lists and uncage them. */
void cage_undo_locked(uint64_t spfn, uint64_t epfn);

/* section.c */
/* A new section struct for idx (plat_alloc'd). NULL on failure. */
struct mm_section *sect_get_or_alloc(unsigned idx, unsigned node);
void sect_put_if_empty(unsigned idx);
/* Frames of a present subsection that are not fixed (go online / offline). */
void mm_log_frame(int level, const char *what, uint64_t pfn);

#define MM_LOG(level, ...) plat_log(level, "mm", __VA_ARGS__)
