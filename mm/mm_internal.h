/* mm_internal.h - data structures shared by the mm/ files (not for the rest of the kernel). */
#pragma once
#include "mm/mm.h"

#define PFN_SUB_SHIFT (SUBSECTION_SHIFT - PAGE_SHIFT) /* 9: pages per subsection = 512 */
#define PFN_NIL 0xffffffffffffull                     /* end of a free list (48 bits of ones) */
#define MAX_PFN (MAX_PHYS_ADDR >> PAGE_SHIFT)         /* 2^34: links keep 48 bits */

struct mm_section;

/* One frame descriptor per 4 KiB page of a present subsection (16 bytes).
 *
 * Blocks: every frame of a present subsection belongs to exactly one block of 2^order frames,
 * aligned to its size. The first frame of a block (its head) holds the block's state and order;
 * the other frames of the block are its tails. Walks go head to head (p += 1 << order), so they
 * cost the number of blocks, not pages.
 *
 * Lazy descriptors (the rule that makes free memory cost per block, not per page):
 *   - Only heads are ever read as state. The tails of a free block (FREE, HELD, OFFLINE) are
 *     undefined: never written when memory arrives (boot, hot-add), so their bytes are whatever
 *     the memory held (zero when fresh: FS_UNINIT). A merge resets the absorbed head to
 *     FS_UNINIT (zero).
 *   - A split writes only the new heads. An allocation writes FS_TAIL into the tails of the
 *     allocated block (cost proportional to the memory handed out), so a free of a tail of an
 *     allocated block is caught. Blocks made at boot or hot-add (reservations, holes, the memmap
 *     of a hot-added range) are heads only: their tails stay undefined like a free block's.
 *   - mm_free_pages trusts the descriptor at the pa it is given in release builds (a stale head
 *     inside a free or boot-made block could fool it); MM_DEBUG builds also walk to the block
 *     and panic unless pa is its head.
 *   - Questions about an arbitrary pfn (mm_frame_owner, mm_log_frame, hm-frame) find its block by
 *     walking heads from the subsection start (frame_block_of): at most 512 steps.
 *   - The head of the first frame of each subsection lives in its section struct (head[sub]), not
 *     in the memmap, so a subsection that is one free block touches no memmap page at all: boot,
 *     hot-add, online and offline of free memory write section structs only.
 *   Checked: a head read as FS_UNINIT (zero) fails an always-on MM_ASSERT (walks, lists, frees);
 *   mm_verify walks heads only.
 *
 * State machine of a block head (enum frame_state; one field, no flag combinations). Boot and
 * hot-add create heads directly (frame_init): OFFLINE (free RAM, then onlined), USED (boot
 * reservations), FIXED, HOLE. From then on (frame_set):
 *
 *     FREE ----alloc----> USED | MOVABLE ---free---> FREE   (online, uncaged subsection)
 *                                        ---free---> HELD   (caged subsection)
 *     FREE ----cage-----> HELD ---undo---> FREE
 *                         HELD ---offline done---> OFFLINE ---online---> FREE
 *     FREE ----merge----> UNINIT (the absorbed buddy's head)  UNINIT/TAIL --split--> FREE
 *     OFFLINE --remove--> (the memmap is forgotten)           FIXED, HOLE: never change
 *
 *   FREE:    on the free list of (node, zone, order); lru links valid; owner MM_OWN_FREE.
 *   HELD:    free, taken by a cage (its subsection is caged); on no list; counted held.
 *   OFFLINE: free, in an offline subsection; on no list; not counted.
 *   USED / MOVABLE: allocated; owner, cookie, use.aux set by the owner; MOVABLE came from an
 *            MM_MOVABLE request (a migration callback of the owner may move it).
 *   FIXED:   never allocated or freed (memmap of a hot-added range); never blocks an offline.
 *   HOLE:    not RAM (the uncovered part of a partly present subsection); order 0.
 *   CACHED:  free, on one CPU's page cache (mm/pcp.c: order < MM_PCP_ORDERS); on no buddy list,
 *            not counted free in its zone. FREE -> CACHED (refill), CACHED -> USED | MOVABLE
 *            (allocation from the cache), USED | MOVABLE -> CACHED (free into the cache),
 *            CACHED -> FREE | HELD (drain: HELD when its subsection is caged). Its state byte is
 *            written by the CPU that owns the cache without mm_lock, so walks that may meet it
 *            read heads with frame_state().
 *   MIGRATING: allocated (owner, cookie, aux kept; counted movable), in a caged subsection, taken
 *            by the running offline for one migration batch (hotplug.c): MOVABLE -> MIGRATING
 *            under mm_lock when the batch is picked (its owner's isolate callback then makes it
 *            unreachable). While MIGRATING nothing else migrates, reuses or releases it, and the
 *            offline copies it without mm_lock. Its owner may still free it (mm_free_pages):
 *            MIGRATING -> MIG_FREED, nothing else changes (no poison, no HELD: the copy may be
 *            reading it). The offline, under mm_lock again, ends it: remapped -> HELD (released
 *            into the cage once the remap's TLB flush is complete); owner failed -> MOVABLE.
 *   MIG_FREED: freed by its owner while MIGRATING; still counted movable, owned by no one. The
 *            offline drops the copy, frees the target and releases the block: MIG_FREED -> HELD.
 *   Both exist only inside one migration batch of the running offline (never across two).
 * Transitions are made with frame_set (checked against fs_legal in MM_DEBUG builds); heads are
 * created with frame_init.
 */
enum frame_state {
    FS_UNINIT = 0, /* never written (or absorbed by a merge): a tail of a free block */
    FS_TAIL,       /* a tail of an allocated or fixed block */
    FS_FREE,
    FS_HELD,
    FS_OFFLINE,
    FS_USED,
    FS_MOVABLE,
    FS_FIXED,
    FS_HOLE,
    FS_CACHED,    /* free, on one CPU's page cache (mm/pcp.c) */
    FS_MIGRATING, /* allocated, being migrated by an offline (isolated: hotplug.c) */
    FS_MIG_FREED, /* was MIGRATING, freed by its owner meanwhile: the offline releases it */
    FS_NR
};

struct frame {
    union {
        struct {
            uint32_t next, prev;       /* free list links: low 32 bits of the pfns (PFN_NIL at ends) */
            uint16_t next_hi, prev_hi; /* their high 16 bits */
        } lru;
        struct {
            uint32_t aux, spare; /* owner data of an allocated block */
            uint32_t cookie;     /* owner cookie */
        } use;
    };
    uint8_t owner; /* enum mm_owner (head) */
    uint8_t order; /* block order (head) */
    uint8_t state; /* enum frame_state */
    uint8_t vflag; /* scratch for mm_verify */
};
_Static_assert(sizeof(struct frame) <= 16, "frame descriptor must stay <= 16 bytes");

static inline uint64_t lru_next(const struct frame *f)
{
    return (uint64_t)f->lru.next_hi << 32 | f->lru.next;
}
static inline uint64_t lru_prev(const struct frame *f)
{
    return (uint64_t)f->lru.prev_hi << 32 | f->lru.prev;
}
static inline void lru_set_next(struct frame *f, uint64_t pfn)
{
    f->lru.next = (uint32_t)pfn;
    f->lru.next_hi = (uint16_t)(pfn >> 32);
}
static inline void lru_set_prev(struct frame *f, uint64_t pfn)
{
    f->lru.prev = (uint32_t)pfn;
    f->lru.prev_hi = (uint16_t)(pfn >> 32);
}

/* Free states: a free block (FREE, HELD or OFFLINE) holds no data. */
static inline bool fs_is_free(unsigned st)
{
    return st == FS_FREE || st == FS_HELD || st == FS_OFFLINE;
}
/* Allocated states (USED or MOVABLE): block an offline unless migrated. */
static inline bool fs_is_used(unsigned st)
{
    return st == FS_USED || st == FS_MOVABLE;
}
/* Taken by a migration batch (MIGRATING or MIG_FREED): counted movable, in a caged subsection. */
static inline bool fs_is_migrating(unsigned st)
{
    return st == FS_MIGRATING || st == FS_MIG_FREED;
}
/* Name of a frame state ("free", "held", ...); "?" if out of range. */
const char *frame_state_name(unsigned st);

/* Always-on assertion about frame pfn (f may be NULL): panics naming the frame, its state, order
 * and owner. Cheap checks only; the full walk is mm_verify. */
#define MM_ASSERT(cond, pfn, f)                                                                              \
    do {                                                                                                     \
        if (__builtin_expect(!(cond), 0))                                                                    \
            mm_assert_fail(#cond, __func__, (pfn), (f));                                                     \
    } while (0)
__attribute__((noreturn)) void mm_assert_fail(const char *cond, const char *fn, uint64_t pfn,
                                              const struct frame *f);

/* Legal frame_set transitions: bit t of fs_legal[s] set iff s -> t is allowed. */
extern const uint16_t fs_legal[FS_NR];

/* Make f (frame pfn) a fresh block head of state st and order (boot, hot-add, split). */
static inline void frame_init(struct frame *f, unsigned st, unsigned order)
{
    f->state = (uint8_t)st;
    f->order = (uint8_t)order;
    f->owner = MM_OWN_FREE;
    f->vflag = 0;
}
/* Write FS_TAIL into the tails of the block of order at frame i0 of (s, sub): allocated and fixed
 * blocks (a tail is never frame 0 of a subsection, so never a head[] entry). */
static inline void frame_write_tails(struct mm_section *s, unsigned sub, uint64_t i0, unsigned order);
/* Move head f (frame pfn) to state st; the transition is checked in MM_DEBUG builds. The store
 * is atomic (a plain byte store on x86): per-CPU caches change states without mm_lock. */
static inline void frame_set(uint64_t pfn, struct frame *f, unsigned st)
{
#ifdef MM_DEBUG
    MM_ASSERT(st < FS_NR && (fs_legal[f->state] >> st & 1), pfn, f);
#endif
    (void)pfn;
    __atomic_store_n(&f->state, (uint8_t)st, __ATOMIC_RELAXED);
}
/* The state of head f, read atomically (walks under mm_lock that may meet a block that a CPU is
 * moving in or out of its page cache). */
static inline unsigned frame_state(const struct frame *f)
{
    return __atomic_load_n(&f->state, __ATOMIC_RELAXED);
}

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
 *   (present) mem[sub] is the subsection's memmap (512 descriptors; entry 0 unused: the first
 *            frame's descriptor is head[sub], see struct frame).
 *   OFFLINE: present; every block is OFFLINE, FIXED or HOLE; nothing allocates there;
 *            its RAM is not counted online; its direct map may be gone (except keepmap).
 *   ONLINE:  present and online; free blocks are on the free lists of (node, zone).
 *   CAGED:   present, online and caged: being offlined. Its free blocks are HELD (on no list);
 *            frees of its pages become HELD blocks instead of going to the free lists.
 * Changes of these masks assert (always on) that the subsection is in the state they leave.
 * Section state: ABSENT if no subsection present; CAGED if any caged; ONLINE if any online;
 * else OFFLINE.
 */
struct mm_section {
    uint64_t present;      /* subsections that exist (memmap allocated) */
    uint64_t online;       /* subsections in the allocator */
    uint64_t caged;        /* subsections being offlined */
    uint64_t movable;      /* subsections in ZONE_MOVABLE (else NORMAL) */
    uint64_t keepmap;      /* subsections holding a hot-added memmap: stay mapped while offline */
    uint64_t memmap_alloc; /* subsections added alone (mm_add_subsections): memmap from the allocator */
    uint8_t node;
    uint8_t home; /* where this struct lives: SECT_CARVED, SECT_HEAP, SECT_ON_RANGE */
    uint16_t sub_pages[SUBSECTIONS_PER_SECTION]; /* RAM frames of each present subsection */
    uint32_t nr_free;                            /* frames in the free lists */
    uint32_t nr_held;                            /* frames in HELD blocks of online (caged) subsections */
    struct frame head[SUBSECTIONS_PER_SECTION];  /* descriptor of each subsection's first frame */
    struct frame *mem[SUBSECTIONS_PER_SECTION];  /* memmap of each present subsection */
};

/* Where a section struct lives: carved with the boot frame database; plat_alloc'd (moved off a
 * removed range that shared the section); on a hot-added range itself, after its memmap. */
enum { SECT_CARVED = 0, SECT_HEAP = 1, SECT_ON_RANGE = 2 };
#define SUB_MEMMAP_BYTES (MM_PAGES_PER_SUB * sizeof(struct frame)) /* 8 KiB per subsection */
#define SECT_BYTES ((sizeof(struct mm_section) + 63) & ~63ull)     /* a section struct, placed */

/* Free lists and counters of one (node, zone). */
struct mm_zone_lists {
    uint64_t head[MM_MAX_ORDER + 1];
    uint32_t nr[MM_MAX_ORDER + 1];
    uint32_t mask; /* bit o set iff head[o] != PFN_NIL */
    uint64_t present, online, free, held, movable;
};

/* The section table: root -> leaf -> section (see SECT_LEAF_SHIFT in params.h). */
extern struct mm_section **mm_sect_root[SECT_ROOT_SIZE];
extern struct mm_zone_lists mm_zones[MAX_NODES][MM_NR_ZONES];
extern uint32_t mm_node_mask; /* nodes that have (had) memory */
extern mm_migrate_fn mm_migrate_fns[MM_NR_OWNERS];

/* Section struct of section idx (< NR_SECTIONS), or NULL. */
static inline struct mm_section *sect_at(uint64_t idx)
{
    struct mm_section **leaf = mm_sect_root[idx >> SECT_LEAF_SHIFT];
    return leaf ? leaf[idx & (SECT_LEAF_SIZE - 1)] : NULL;
}
static inline struct mm_section *pfn_sect(uint64_t pfn)
{
    return sect_at(pfn >> PFN_SECTION_SHIFT);
}
static inline unsigned pfn_sub(uint64_t pfn)
{
    return (unsigned)(pfn >> PFN_SUB_SHIFT) & (SUBSECTIONS_PER_SECTION - 1);
}
/* Order of the largest block aligned to its size that starts at pfn p and ends at or before e. */
static inline unsigned block_order_at(uint64_t p, uint64_t e)
{
    unsigned o = p ? (unsigned)__builtin_ctzll(p) : MM_MAX_ORDER;
    if (o > MM_MAX_ORDER)
        o = MM_MAX_ORDER;
    while ((1ull << o) > e - p)
        o--;
    return o;
}
/* Frame i (0..511) of present subsection sub of s. */
static inline struct frame *sub_frame(struct mm_section *s, unsigned sub, uint64_t i)
{
    return i ? s->mem[sub] + i : &s->head[sub];
}
/* Frame of pfn; pfn must be in a present subsection. */
static inline struct frame *pfn_frame(uint64_t pfn)
{
    return sub_frame(pfn_sect(pfn), pfn_sub(pfn), pfn & (MM_PAGES_PER_SUB - 1));
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
static inline void frame_write_tails(struct mm_section *s, unsigned sub, uint64_t i0, unsigned order)
{
    for (uint64_t i = i0 + 1; i < i0 + (1ull << order); i++) {
        struct frame *t = s->mem[sub] + i;
        t->state = FS_TAIL;
        t->order = 0;
        t->owner = MM_OWN_FREE;
        t->vflag = 0;
    }
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
void buddy_zones_init(void);
/* Put free block [pfn, pfn+2^order) (online, not caged subsection) on the free lists, merging
 * with free buddies; counts the pages as free. */
void buddy_free_block_locked(uint64_t pfn, unsigned order);
/* Remove free block at pfn (head, on a list) from its list; uncounts it. */
void buddy_unlink_locked(uint64_t pfn, struct frame *f);
/* Free path for an allocated block (used by mm_free_pages and migration). */
void buddy_release_locked(uint64_t pfn, unsigned order);
/* Make free block head f (off every list: an allocated block just uncounted, or a cached one)
 * free again: HELD if its subsection is caged, else on the free lists (merging). */
void buddy_put_locked(uint64_t pfn, struct frame *f, unsigned order);
/* Uncount allocated block f (pfn) before it is freed: the zone's movable counter (atomic), and
 * the debug poison. Needs no lock: the caller owns the block. */
void buddy_uncount_used(uint64_t pfn, struct frame *f, unsigned order);
/* Panic unless f (pfn) is the head of an allocated block of this order (bad frees). */
void buddy_check_free(uint64_t pfn, const struct frame *f, unsigned order);
/* Turn free block head f (off the lists, of this order) into an allocated block of owner. */
void buddy_mark_allocated(uint64_t pfn, struct frame *f, unsigned order, unsigned flags, unsigned owner,
                          uint32_t cookie);
/* Take one block of exactly order from (node n, zone zi) if the zone stays above its minimum
 * (unless flags has MM_RESERVE; split from a larger one if needed); its pfn (head state left
 * FREE, off the lists) or 0. */
uint64_t buddy_take_block_locked(unsigned n, unsigned zi, unsigned order, unsigned flags);

/* pcp.c: per-CPU page caches (the rules: the comment at the top of pcp.c). */
/* Allocate from the calling CPU's cache of (node, zone of flags); pfn or 0 (not cacheable: the
 * caller goes to the lists). */
uint64_t pcp_alloc(unsigned node, unsigned order, unsigned flags, unsigned owner, uint32_t cookie);
/* Free block f (pfn, in section s) into the calling CPU's cache; false if it must go through
 * mm_lock (caged subsection, order too large, caches frozen or off, mm_lock held). */
bool pcp_free(uint64_t pfn, struct mm_section *s, struct frame *f, unsigned order);
/* Give every CPU's cached blocks back to the lists (caged ones become HELD). Without mm_lock. */
void pcp_drain_all(void);
/* After a failed allocation: drain the caches if that may help; true if it did. */
bool pcp_drain_for_retry(void);
/* Freeze the caches (every fast path goes through mm_lock) and drain them; nests. */
void pcp_freeze(void);
void pcp_thaw(void);
/* Pages in every CPU's caches of (node, zone) (a racy sum: statistics). */
uint64_t pcp_zone_pages(unsigned node, unsigned zone);
/* Forget every cache and turn them off (mm_reset). */
void pcp_reset(void);

/* holdhist.c: lengths of an offline's mm_lock holds (8 buckets per power of two of ~us). */
struct mm_holdhist {
    uint32_t n[HOLDHIST_BUCKETS];
    uint64_t count, over; /* holds; holds longer than the over_ns of holdhist_add */
};
void holdhist_reset(struct mm_holdhist *h);
void holdhist_add(struct mm_holdhist *h, uint64_t ns, uint64_t over_ns);
uint64_t holdhist_percentile(const struct mm_holdhist *h, unsigned permille, uint64_t max_ns);

/* hotplug.c: the wait/poll configuration. */
extern bool (*mm_poll_fn)(void *);
void deferred_reset(void);          /* forget queued frees (mm_reset) */
void rmap_trace_flush_locked(void); /* the offline's last partial user-migrate batch into the trace */
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
        struct frame *f = sub_frame(s, pfn_sub(p), p & (MM_PAGES_PER_SUB - 1));
        MM_ASSERT(frame_state(f) > FS_TAIL && f->order <= MM_MAX_ORDER, p, f);
        it->pfn = p;
        it->next = p + (1u << f->order);
        return f;
    }
    return NULL;
}
/* 0 if no block of the caged range is allocated (USED or MOVABLE); else MM_EBUSY and *blocker =
 * the first allocated block head's pfn. */
int cage_test_locked(uint64_t spfn, uint64_t epfn, uint64_t *blocker);
/* Return every HELD block of the caged subsections to the free lists and uncage them. */
void cage_undo_locked(uint64_t spfn, uint64_t epfn);

/* section.c */
/* The first index >= idx that has a section struct, or NR_SECTIONS. */
uint64_t sect_next(uint64_t idx);
/* The section struct for idx; if absent, a zeroed one placed at `at` (SECT_ON_RANGE) or
 * plat_alloc'd if at is NULL, its table leaf plat_alloc'd if needed. NULL on failure. */
struct mm_section *sect_install(uint64_t idx, unsigned node, void *at);
/* Free the struct of section idx if nothing in it is present and it came from plat_alloc. */
void sect_put_if_empty(uint64_t idx);
/* Move section idx's struct to plat_alloc'd memory (its range is going away but other memory
 * in the section stays); 0 or MM_ENOMEM. */
int sect_move_to_heap(uint64_t idx);
/* Drop section idx from the table (its struct lives on a range being removed; nothing present). */
void sect_forget(uint64_t idx);
/* Head of the block that contains pfn (present subsection), found by walking heads from the
 * subsection's start; its pfn in *head. Never reads a tail. */
struct frame *frame_block_of(uint64_t pfn, uint64_t *head);
/* Create the blocks of [p, e) (inside one present subsection) as the largest aligned blocks of
 * state st (OFFLINE, USED, FIXED, HOLE) owned by owner: heads only. */
void sect_make_blocks(uint64_t p, uint64_t e, unsigned st, unsigned owner);
/* Frames of a present subsection that are not fixed (go online / offline). */
void mm_log_frame(int level, const char *what, uint64_t pfn);

#define MM_LOG(level, ...) plat_log(level, "mm", __VA_ARGS__)
