/* pcp.c - per-CPU page caches: blocks of order < MM_PCP_ORDERS kept per CPU and per (node, zone),
 * so that most small allocations and frees take only their own CPU's cache lock, not mm_lock.
 *
 * A cached block's head is CACHED: free, on no buddy list, on exactly one CPU's cache list (linked
 * through lru.next; the list's count says how many), not counted in its zone's free counter.
 * Lists are refilled from the buddy allocator pcp_batch(order) blocks at a time and give as many
 * back once they hold more than MM_PCP_HIGH pages.
 *
 * The cage's rule under concurrency (frees into a caged subsection are intercepted):
 *   - a block of a caged subsection never enters a cache: the free path reads `caged` under its
 *     cache lock and, if set, frees through mm_lock instead (the block becomes HELD);
 *   - caging sets `caged` under mm_lock, then drains every CPU's cache (pcp_drain_all), taking
 *     each CPU's cache lock in turn: a free that read `caged` clear has pushed its block before
 *     the drain looks at that cache, and a free that takes the lock after the drain sees `caged`
 *     set (the cache lock orders the two). A refill in flight pushes under the cache lock too and
 *     gives back what got caged meanwhile. So after the drain no cache holds a page of the range.
 *   - pcp_freeze (mm_verify, pcp off) makes every fast path go through mm_lock and drains the
 *     caches, so the buddy state can be checked exactly.
 * Locks: a cache lock (PLAT_RANK_PCP) and mm_lock are never held together: blocks move between a
 * cache and the lists in batches "in flight" (struct pcp_batch), so that no CPU spins for mm_lock
 * with interrupts off. Code that holds mm_lock (the mm re-entering itself: page tables, kmalloc,
 * migration targets) bypasses the caches, as do MM_RESERVE allocations. A block in flight is
 * CACHED on no list for a moment: an offline that meets one in its caged range waits for it.
 */
#include <string.h>

#include "mm/mm_internal.h"

struct pcp_list {
    uint64_t head;  /* first block's pfn, PFN_NIL when empty */
    uint32_t count; /* blocks on the list */
};

/* One CPU's caches. Counters are the CPU's own (summed by mm_pcp_stats). */
struct pcp_cpu {
    struct plat_spinlock lock;
    struct pcp_list list[MAX_NODES][MM_NR_ZONES][MM_PCP_ORDERS];
    uint64_t hits, spills, caged_frees;
} __attribute__((aligned(64)));

static struct pcp_cpu pcp_cpus[MAX_CPUS];
static bool pcp_ready;        /* lists initialised */
static bool pcp_enabled;      /* mm_pcp_enable */
static volatile int pcp_gate; /* > 0: frozen, every fast path goes through mm_lock */
static uint64_t pcp_drains;   /* pcp_drain_all calls (atomic) */

/* Make every list empty (first use, mm_reset). */
static void pcp_init(void)
{
    for (unsigned c = 0; c < MAX_CPUS; c++) {
        struct pcp_cpu *p = &pcp_cpus[c];
        memset(p, 0, sizeof *p);
        p->lock = (struct plat_spinlock)PLAT_SPINLOCK_INIT("pcp", PLAT_RANK_PCP, 0);
        for (unsigned n = 0; n < MAX_NODES; n++)
            for (unsigned z = 0; z < MM_NR_ZONES; z++)
                for (unsigned o = 0; o < MM_PCP_ORDERS; o++)
                    p->list[n][z][o].head = PFN_NIL;
    }
    pcp_drains = 0;
    pcp_ready = true;
}

/* The calling CPU's caches (host threads beyond MAX_CPUS share a slot: the lock keeps it safe). */
static inline struct pcp_cpu *pcp_this(void)
{
    return &pcp_cpus[plat_cpu_id() % MAX_CPUS];
}

/* May this call use the caches at all (before taking a cache lock)? */
static inline bool pcp_may(void)
{
    return pcp_enabled && !plat_spin_held(&mm_lock);
}

/* Blocks on a list of order o before it gives some back (MM_PCP_HIGH pages' worth). */
static inline uint32_t pcp_high(unsigned o)
{
    return (MM_PCP_HIGH >> o) ? (MM_PCP_HIGH >> o) : 1;
}

/* Blocks a list of order o refills or spills at a time: MM_PCP_BATCH, at most half its high. */
static inline uint32_t pcp_batch(unsigned o)
{
    uint32_t b = pcp_high(o) / 2;
    return b < MM_PCP_BATCH ? (b ? b : 1) : MM_PCP_BATCH;
}

/* Push block head f (pfn) on l; the caller holds l's cache lock. */
static inline void pcp_push(struct pcp_list *l, uint64_t pfn, struct frame *f)
{
    lru_set_next(f, l->head);
    l->head = pfn;
    __atomic_store_n(&l->count, l->count + 1, __ATOMIC_RELAXED); /* read racily by statistics */
}

/* Pop the first block of non-empty l (order o); its pfn. The caller holds l's cache lock. */
static inline uint64_t pcp_pop(struct pcp_list *l, unsigned o)
{
    uint64_t pfn = l->head;
    struct frame *f = pfn_frame(pfn);
    MM_ASSERT(f->state == FS_CACHED && f->order == o, pfn, f);
    l->head = lru_next(f);
    __atomic_store_n(&l->count, l->count - 1, __ATOMIC_RELAXED);
    return pfn;
}

/* Blocks in flight between a cache and the buddy lists: popped under a cache lock and given
 * back under mm_lock, or taken under mm_lock and pushed under a cache lock. A cache lock is never
 * held while mm_lock is taken: a CPU spinning for mm_lock with a cache lock held would have its
 * interrupts off and could not answer the TLB shootdown of the CPU holding mm_lock. */
struct pcp_batch {
    unsigned n;
    uint64_t pfn[2 * MM_PCP_BATCH];
};

/* Pop up to n blocks (n <= MM_PCP_BATCH) of list l (order o) into b; the caller holds l's lock. */
static void pcp_pop_batch(struct pcp_list *l, unsigned o, uint32_t n, struct pcp_batch *b)
{
    while (n-- && l->count)
        b->pfn[b->n++] = pcp_pop(l, o);
}

/* Give b's blocks (order o, CACHED, on no list) back to the buddy allocator: HELD if their
 * subsection is caged by now. Takes mm_lock; the caller holds no cache lock. */
static void pcp_put_batch(const struct pcp_batch *b, unsigned o)
{
    if (!b->n)
        return;
    unsigned long irq = mm_lock_irqsave();
    for (unsigned i = 0; i < b->n; i++)
        buddy_put_locked(b->pfn[i], pfn_frame(b->pfn[i]), o);
    mm_unlock_irqrestore(irq);
}

/* Take up to pcp_batch(o) blocks of order o of (node, zi) from the buddy lists into b (CACHED).
 * Takes mm_lock; the caller holds no cache lock. */
static void pcp_take_batch(unsigned node, unsigned zi, unsigned o, struct pcp_batch *b)
{
    b->n = 0;
    unsigned long irq = mm_lock_irqsave();
    while (b->n < pcp_batch(o)) {
        uint64_t pfn = buddy_take_block_locked(node, zi, o, 0);
        if (!pfn)
            break;
        frame_set(pfn, pfn_frame(pfn), FS_CACHED);
        b->pfn[b->n++] = pfn;
    }
    mm_unlock_irqrestore(irq);
}

/* Push the blocks of b onto l (the caller holds l's lock), except those whose subsection was
 * caged while they were in flight, and all of them if the caches were frozen meanwhile: those go
 * to back (given back by the caller once it has dropped the lock). */
static void pcp_push_batch(struct pcp_list *l, const struct pcp_batch *b, struct pcp_batch *back)
{
    bool frozen = __atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < b->n; i++) {
        uint64_t pfn = b->pfn[i];
        if (frozen || __atomic_load_n(&pfn_sect(pfn)->caged, __ATOMIC_RELAXED) >> pfn_sub(pfn) & 1)
            back->pfn[back->n++] = pfn;
        else
            pcp_push(l, pfn, pfn_frame(pfn));
    }
}

/* Allocate from this CPU's cache (mm_internal.h). */
uint64_t pcp_alloc(unsigned node, unsigned order, unsigned flags, unsigned owner, uint32_t cookie)
{
    if (order >= MM_PCP_ORDERS || (flags & MM_RESERVE) || !pcp_may())
        return 0;
    struct pcp_cpu *p = pcp_this();
    struct pcp_batch back; /* only .n is initialised: a cleared 520-byte batch was half the cost of a hit */
    back.n = 0;
    uint64_t pfn = 0;
    unsigned long irq = plat_spin_lock_irqsave(&p->lock);
    for (int zi = (flags & MM_MOVABLE) ? MM_ZONE_MOVABLE : MM_ZONE_NORMAL; zi >= 0 && !pfn; zi--) {
        struct pcp_list *l = &p->list[node][zi][order];
        if (__atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE))
            break;
        if (!l->count) { /* refill with the cache lock dropped (see struct pcp_batch) */
            struct pcp_batch b;
            plat_spin_unlock_irqrestore(&p->lock, irq);
            pcp_take_batch(node, (unsigned)zi, order, &b);
            irq = plat_spin_lock_irqsave(&p->lock);
            pcp_push_batch(l, &b, &back);
        }
        if (!l->count)
            continue;
        pfn = pcp_pop(l, order);
        buddy_mark_allocated(pfn, pfn_frame(pfn), order, flags, owner, cookie);
        if (order)
            frame_write_tails(pfn_sect(pfn), pfn_sub(pfn), pfn & (MM_PAGES_PER_SUB - 1), order);
        p->hits++;
    }
    plat_spin_unlock_irqrestore(&p->lock, irq);
    pcp_put_batch(&back, order);
    return pfn;
}

/* Free into this CPU's cache (mm_internal.h). */
bool pcp_free(uint64_t pfn, struct frame *f, unsigned order)
{
    if (order >= MM_PCP_ORDERS || !pcp_may())
        return false;
    struct pcp_cpu *p = pcp_this();
    struct pcp_batch spill;
    spill.n = 0;
    unsigned long irq = plat_spin_lock_irqsave(&p->lock);
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    bool taken = false;
    if (__atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE)) {
        /* frozen: through mm_lock */
    } else if (__atomic_load_n(&s->caged, __ATOMIC_RELAXED) >> sub & 1) {
        p->caged_frees++; /* the cage takes it, through mm_lock */
    } else {
        buddy_check_free(pfn, f, order);
        buddy_uncount_used(pfn, f, order);
        frame_set(pfn, f, FS_CACHED);
        f->owner = MM_OWN_FREE;
        struct pcp_list *l = &p->list[s->node][sect_zone(s, sub)][order];
        pcp_push(l, pfn, f);
        if (l->count > pcp_high(order)) {
            pcp_pop_batch(l, order, pcp_batch(order), &spill);
            p->spills++;
        }
        taken = true;
    }
    plat_spin_unlock_irqrestore(&p->lock, irq);
    pcp_put_batch(&spill, order);
    return taken;
}

/* Give every block of CPU c's caches back to the buddy allocator (caged ones become HELD), a
 * batch at a time: pop under c's cache lock, give back under mm_lock. */
static void pcp_drain_cpu(unsigned c)
{
    struct pcp_cpu *p = &pcp_cpus[c];
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++)
            for (unsigned o = 0; o < MM_PCP_ORDERS; o++) {
                struct pcp_list *l = &p->list[n][z][o];
                while (__atomic_load_n(&l->count, __ATOMIC_RELAXED)) {
                    struct pcp_batch b;
                    b.n = 0;
                    unsigned long irq = plat_spin_lock_irqsave(&p->lock);
                    pcp_pop_batch(l, o, MM_PCP_BATCH, &b);
                    plat_spin_unlock_irqrestore(&p->lock, irq);
                    pcp_put_batch(&b, o);
                }
            }
}

/* Drain every CPU's cache, one cache lock at a time (mm_internal.h). */
void pcp_drain_all(void)
{
    if (!pcp_ready)
        return;
    PLAT_ASSERT(!plat_spin_held(&mm_lock)); /* it takes mm_lock to give the blocks back */
    __atomic_add_fetch(&pcp_drains, 1, __ATOMIC_RELAXED);
    for (unsigned c = 0; c < MAX_CPUS; c++)
        pcp_drain_cpu(c);
}

/* Freeze and drain the caches (mm_internal.h). */
void pcp_freeze(void)
{
    __atomic_add_fetch(&pcp_gate, 1, __ATOMIC_ACQ_REL);
    pcp_drain_all();
}

/* Undo one pcp_freeze. */
void pcp_thaw(void)
{
    PLAT_ASSERT(__atomic_sub_fetch(&pcp_gate, 1, __ATOMIC_ACQ_REL) >= 0);
}

/* Turn the caches on or off (mm.h). */
void mm_pcp_enable(bool on)
{
    if (!pcp_ready)
        pcp_init();
    if (!on) {
        pcp_freeze();
        pcp_enabled = false;
        pcp_thaw();
    } else {
        pcp_enabled = true;
    }
}

/* Forget the caches (mm_reset). */
void pcp_reset(void)
{
    pcp_enabled = false;
    pcp_gate = 0;
    pcp_init();
}

/* Pages in CPU cpu's caches of (node, zone) (mm.h). */
uint64_t mm_pcp_pages(unsigned cpu, unsigned node, unsigned zone)
{
    uint64_t pages = 0;
    if (!pcp_ready || cpu >= MAX_CPUS || node >= MAX_NODES || zone >= MM_NR_ZONES)
        return 0;
    for (unsigned o = 0; o < MM_PCP_ORDERS; o++)
        pages += (uint64_t)__atomic_load_n(&pcp_cpus[cpu].list[node][zone][o].count, __ATOMIC_RELAXED) << o;
    return pages;
}

/* Cached pages of (node, zone), summed racily. */
uint64_t pcp_zone_pages(unsigned node, unsigned zone)
{
    uint64_t pages = 0;
    for (unsigned c = 0; c < MAX_CPUS; c++)
        pages += mm_pcp_pages(c, node, zone);
    return pages;
}

/* Pages in every cache (a racy sum). */
static uint64_t pcp_cached_pages(void)
{
    uint64_t pages = 0;
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++)
            pages += pcp_zone_pages(n, z);
    return pages;
}

/* Cache statistics (mm.h). */
void mm_pcp_stats(struct mm_pcp_stats *st)
{
    memset(st, 0, sizeof *st);
    st->enabled = pcp_enabled;
    st->drains = __atomic_load_n(&pcp_drains, __ATOMIC_RELAXED);
    if (!pcp_ready)
        return;
    st->pages = pcp_cached_pages();
    for (unsigned c = 0; c < MAX_CPUS; c++) {
        struct pcp_cpu *p = &pcp_cpus[c];
        unsigned long irq = plat_spin_lock_irqsave(&p->lock);
        st->hits += p->hits;
        st->spills += p->spills;
        st->caged_frees += p->caged_frees;
        plat_spin_unlock_irqrestore(&p->lock, irq);
    }
}

/* Drain every cache (mm.h). */
void mm_pcp_drain(void)
{
    pcp_drain_all();
}

/* Drain after a failed allocation if any cache holds pages (mm_internal.h). */
bool pcp_drain_for_retry(void)
{
    if (!pcp_may() || !pcp_cached_pages())
        return false;
    pcp_drain_all();
    return true;
}
