/* pcp.c - per-CPU page caches: blocks of order < MM_PCP_ORDERS kept per CPU and per (node, zone),
 * so that most small allocations and frees take no lock at all, and mm_lock once per batch.
 *
 * Two ways to a CPU's caches (struct pcp_access):
 *   - the fast way, for the CPU itself: a CPU-local section (platform.h: interrupts off in the
 *     kernel), no atomic read-modify-write, taken when no remote access is announced;
 *   - the remote way, for anyone else (pcp_drain_all, and the CPU itself while a remote access is
 *     announced): announce (the cache's `remote` counter), plat_cpu_sync (the CPU leaves the fast
 *     section it was in; its later ones see the announcement and take the remote way), then the
 *     cache lock, which orders remote accesses among themselves.
 *
 * A cached block's head is CACHED: free, on no buddy list, on exactly one CPU's cache list (linked
 * through lru.next; the list's count says how many), not counted in its zone's free counter.
 * Lists are refilled from the buddy allocator pcp_batch(order) blocks at a time and give as many
 * back once they hold more than MM_PCP_HIGH pages.
 *
 * The cage's rule under concurrency (frees into a caged subsection are intercepted):
 *   - a block of a caged subsection never enters a cache: the free path reads `caged` inside its
 *     access and, if set, frees through mm_lock instead (the block becomes HELD);
 *   - caging sets `caged` under mm_lock, then drains every CPU's cache (pcp_drain_all) the remote
 *     way: a free that read `caged` clear was in a fast section that ended before the sync
 *     returned (its block is in the cache the drain empties), or in a remote access ordered by
 *     the cache lock; an access that begins after the announcement sees `caged` set. A refill in
 *     flight pushes inside an access too and gives back what got caged meanwhile. So after the
 *     drain no cache holds a page of the range.
 *   - pcp_freeze (mm_verify, pcp off) makes every fast path go through mm_lock and drains the
 *     caches, so the buddy state can be checked exactly.
 * Locks: an access (either way) and mm_lock are never held together: blocks move between a
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

/* One CPU's caches. Lists and counters change only inside an access (struct pcp_access); the
 * counters are read racily by mm_pcp_stats. */
struct pcp_cpu {
    struct plat_spinlock lock; /* orders the remote way's accesses */
    uint32_t remote;           /* remote accesses announced (atomic): the fast way is closed */
    struct pcp_list list[MAX_NODES][MM_NR_ZONES][MM_PCP_ORDERS];
    uint64_t hits, spills, caged_frees;
} __attribute__((aligned(64)));
_Static_assert(MAX_CPUS <= 64, "pcp_announce takes a 64-bit CPU mask");

static struct pcp_cpu pcp_cpus[MAX_CPUS];
static bool pcp_ready;        /* lists initialised */
static bool pcp_enabled;      /* mm_pcp_enable */
static volatile int pcp_gate; /* > 0: frozen, every fast path goes through mm_lock */
static uint64_t pcp_drains;   /* pcp_drain_all calls (atomic) */
static uint64_t pcp_syncs;    /* remote accesses: announcements with a plat_cpu_sync (atomic) */

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
    pcp_syncs = 0;
    pcp_ready = true;
}

/* One access to a CPU's caches: the fast way (a local section) or the remote way. */
struct pcp_access {
    struct pcp_cpu *p;
    unsigned long state; /* plat_local_enter's, or the cache lock's interrupt state */
    bool remote;
};

/* Add one to a counter of an access's cache (it is read racily by mm_pcp_stats). */
static inline void pcp_count(uint64_t *c)
{
    __atomic_store_n(c, *c + 1, __ATOMIC_RELAXED);
}

/* Announce remote accesses to the caches of the CPUs in mask, and wait until none of them is
 * still in a fast section begun before (plat_cpu_sync). */
static void pcp_announce(uint64_t mask)
{
    for (unsigned c = 0; c < MAX_CPUS; c++)
        if (mask >> c & 1)
            __atomic_add_fetch(&pcp_cpus[c].remote, 1, __ATOMIC_SEQ_CST);
    plat_cpu_sync(mask);
    __atomic_add_fetch(&pcp_syncs, 1, __ATOMIC_RELAXED);
}

/* End the announcements of pcp_announce(mask): the fast way opens again. */
static void pcp_withdraw(uint64_t mask)
{
    for (unsigned c = 0; c < MAX_CPUS; c++)
        if (mask >> c & 1)
            __atomic_sub_fetch(&pcp_cpus[c].remote, 1, __ATOMIC_RELEASE);
}

/* pcp_begin found a remote access announced: leave the local section, announce, lock. */
static __attribute__((noinline)) void pcp_begin_remote(struct pcp_access *a)
{
    plat_local_exit(a->state);
    pcp_announce(1ull << (a->p - pcp_cpus));
    a->state = plat_spin_lock_irqsave(&a->p->lock);
}

/* End a remote access of pcp_begin. */
static __attribute__((noinline)) void pcp_end_remote(struct pcp_access *a)
{
    plat_spin_unlock_irqrestore(&a->p->lock, a->state);
    pcp_withdraw(1ull << (a->p - pcp_cpus));
}

/* Begin an access to the calling CPU's caches: the fast way unless a remote access is announced
 * (or the host thread has no slot of its own: numbers past MAX_CPUS share one). False, with no
 * access, if this CPU holds mm_lock: code under it bypasses the caches (platform.h: a held
 * lock's owner is its holder's plat_cpu_id() + 1, read here without another call). */
static inline __attribute__((always_inline)) bool pcp_begin(struct pcp_access *a)
{
    unsigned c;
    a->state = plat_local_enter(&c);
    if (__builtin_expect(__atomic_load_n(&mm_lock.owner, __ATOMIC_RELAXED) == (int)c + 1, 0)) {
        plat_local_exit(a->state);
        return false;
    }
    a->p = &pcp_cpus[c % MAX_CPUS];
    a->remote = c >= MAX_CPUS || __atomic_load_n(&a->p->remote, __ATOMIC_ACQUIRE);
    if (__builtin_expect(a->remote, 0))
        pcp_begin_remote(a);
    return true;
}

/* End an access begun by pcp_begin. */
static inline __attribute__((always_inline)) void pcp_end(struct pcp_access *a)
{
    if (__builtin_expect(a->remote, 0))
        pcp_end_remote(a);
    else
        plat_local_exit(a->state);
}

/* May this call use the caches at all (pcp_drain_for_retry)? */
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

/* Push block head f (pfn) on l, inside an access to l's cache. */
static inline void pcp_push(struct pcp_list *l, uint64_t pfn, struct frame *f)
{
    lru_set_next(f, l->head);
    l->head = pfn;
    __atomic_store_n(&l->count, l->count + 1, __ATOMIC_RELAXED); /* read racily by statistics */
}

/* Pop the first block of non-empty l (order o), inside an access to l's cache; its pfn. */
static inline uint64_t pcp_pop(struct pcp_list *l, unsigned o)
{
    uint64_t pfn = l->head;
    struct frame *f = pfn_frame(pfn);
    MM_ASSERT(f->state == FS_CACHED && f->order == o, pfn, f);
    l->head = lru_next(f);
    __atomic_store_n(&l->count, l->count - 1, __ATOMIC_RELAXED);
    return pfn;
}

/* Blocks in flight between a cache and the buddy lists: popped inside an access and given back
 * under mm_lock, or taken under mm_lock and pushed inside an access. No access is open while
 * mm_lock is taken: a CPU spinning for mm_lock inside one would have its interrupts off and
 * could not answer the TLB shootdown of the CPU holding mm_lock. */
struct pcp_batch {
    unsigned n;
    uint64_t pfn[2 * MM_PCP_BATCH];
};

/* Pop up to n blocks (n <= MM_PCP_BATCH) of list l (order o) into b, inside an access. */
static void pcp_pop_batch(struct pcp_list *l, unsigned o, uint32_t n, struct pcp_batch *b)
{
    while (n-- && l->count)
        b->pfn[b->n++] = pcp_pop(l, o);
}

/* Give b's blocks (order o, CACHED, on no list) back to the buddy allocator: HELD if their
 * subsection is caged by now. Takes mm_lock; the caller has no access open. */
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
 * Takes mm_lock; the caller has no access open. */
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

/* Push the blocks of b onto l (inside an access to its cache), except those whose subsection was
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

/* Hand out the block pfn (order, just popped inside access a) as allocated. */
static inline void pcp_hand_out(struct pcp_access *a, uint64_t pfn, unsigned order, unsigned flags,
                                unsigned owner, uint32_t cookie)
{
    buddy_mark_allocated(pfn, pfn_frame(pfn), order, flags, owner, cookie);
    if (order)
        frame_write_tails(pfn_sect(pfn), pfn_sub(pfn), pfn & (MM_PAGES_PER_SUB - 1), order);
    pcp_count(&a->p->hits);
}

/* pcp_alloc when the first list is empty or the caches are frozen: refill (with no access open)
 * and fall back from the movable to the normal zone. */
static __attribute__((noinline)) uint64_t pcp_alloc_slow(unsigned node, unsigned order, unsigned flags,
                                                         unsigned owner, uint32_t cookie)
{
    struct pcp_batch back; /* only .n is initialised: clearing the whole batch is a 520-byte memset */
    back.n = 0;
    uint64_t pfn = 0;
    struct pcp_access a;
    if (!pcp_begin(&a))
        return 0;
    for (int zi = (flags & MM_MOVABLE) ? MM_ZONE_MOVABLE : MM_ZONE_NORMAL; zi >= 0 && !pfn; zi--) {
        if (__atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE))
            break;
        struct pcp_list *l = &a.p->list[node][zi][order];
        if (!l->count) { /* refill with no access open (see struct pcp_batch) */
            struct pcp_batch b;
            pcp_end(&a);
            pcp_take_batch(node, (unsigned)zi, order, &b);
            bool open = pcp_begin(&a); /* maybe on another CPU by now: push to that one's cache */
            PLAT_ASSERT(open);         /* (mm_lock was not held at the first pcp_begin either) */
            l = &a.p->list[node][zi][order];
            pcp_push_batch(l, &b, &back);
        }
        if (!l->count)
            continue;
        pfn = pcp_pop(l, order);
        pcp_hand_out(&a, pfn, order, flags, owner, cookie);
    }
    pcp_end(&a);
    pcp_put_batch(&back, order);
    return pfn;
}

/* Allocate from this CPU's cache (mm_internal.h). */
uint64_t pcp_alloc(unsigned node, unsigned order, unsigned flags, unsigned owner, uint32_t cookie)
{
    if (order >= MM_PCP_ORDERS || (flags & MM_RESERVE) || !pcp_enabled)
        return 0;
    struct pcp_access a;
    if (!pcp_begin(&a))
        return 0;
    struct pcp_list *l = &a.p->list[node][(flags & MM_MOVABLE) ? MM_ZONE_MOVABLE : MM_ZONE_NORMAL][order];
    if (__builtin_expect(!l->count || __atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE), 0)) {
        pcp_end(&a);
        return pcp_alloc_slow(node, order, flags, owner, cookie);
    }
    uint64_t pfn = pcp_pop(l, order);
    pcp_hand_out(&a, pfn, order, flags, owner, cookie);
    pcp_end(&a);
    return pfn;
}

/* List l of access a holds more than its high mark: give a batch back, then end the access. */
static __attribute__((noinline)) void pcp_spill_and_end(struct pcp_access *a, struct pcp_list *l,
                                                        unsigned order)
{
    struct pcp_batch spill;
    spill.n = 0;
    pcp_pop_batch(l, order, pcp_batch(order), &spill);
    pcp_count(&a->p->spills);
    pcp_end(a);
    pcp_put_batch(&spill, order);
}

/* Free into this CPU's cache (mm_internal.h). */
bool pcp_free(uint64_t pfn, struct mm_section *s, struct frame *f, unsigned order)
{
    if (order >= MM_PCP_ORDERS || !pcp_enabled)
        return false;
    struct pcp_access a;
    if (!pcp_begin(&a))
        return false;
    unsigned sub = pfn_sub(pfn);
    if (__atomic_load_n(&pcp_gate, __ATOMIC_ACQUIRE)) {
        pcp_end(&a); /* frozen: through mm_lock */
        return false;
    }
    if (__atomic_load_n(&s->caged, __ATOMIC_RELAXED) >> sub & 1) {
        pcp_count(&a.p->caged_frees); /* the cage takes it, through mm_lock */
        pcp_end(&a);
        return false;
    }
    buddy_check_free(pfn, f, order);
    buddy_uncount_used(pfn, f, order);
    frame_set(pfn, f, FS_CACHED);
    f->owner = MM_OWN_FREE;
    struct pcp_list *l = &a.p->list[s->node][sect_zone(s, sub)][order];
    pcp_push(l, pfn, f);
    if (__builtin_expect(l->count > pcp_high(order), 0))
        pcp_spill_and_end(&a, l, order);
    else
        pcp_end(&a);
    return true;
}

/* Give every block of CPU c's caches back to the buddy allocator (caged ones become HELD), a
 * batch at a time: pop under c's cache lock, give back under mm_lock. The remote access to c
 * is announced already (pcp_drain_mask). */
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

/* Drain the caches of the CPUs in mask: one announcement and sync for all of them, then one
 * cache lock at a time. */
static void pcp_drain_mask(uint64_t mask)
{
    pcp_announce(mask);
    for (unsigned c = 0; c < MAX_CPUS; c++)
        if (mask >> c & 1)
            pcp_drain_cpu(c);
    pcp_withdraw(mask);
}

/* Drain every CPU's cache (mm_internal.h). */
void pcp_drain_all(void)
{
    if (!pcp_ready)
        return;
    PLAT_ASSERT(!plat_spin_held(&mm_lock)); /* it takes mm_lock to give the blocks back */
    __atomic_add_fetch(&pcp_drains, 1, __ATOMIC_RELAXED);
    pcp_drain_mask(~0ull >> (64 - MAX_CPUS));
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
    st->syncs = __atomic_load_n(&pcp_syncs, __ATOMIC_RELAXED);
    for (unsigned c = 0; c < MAX_CPUS; c++) {
        struct pcp_cpu *p = &pcp_cpus[c];
        st->hits += __atomic_load_n(&p->hits, __ATOMIC_RELAXED);
        st->spills += __atomic_load_n(&p->spills, __ATOMIC_RELAXED);
        st->caged_frees += __atomic_load_n(&p->caged_frees, __ATOMIC_RELAXED);
    }
}

/* Drain every cache (mm.h). */
void mm_pcp_drain(void)
{
    pcp_drain_all();
}

/* Drain after a failed allocation if any cache holds pages (mm_internal.h): every CPU's, or only
 * this CPU's when the caller may not wait for the others (interrupts off: an allocation in an
 * interrupt handler or a cross-call, such as `pcp fill`'s). */
bool pcp_drain_for_retry(void)
{
    if (!pcp_may() || !pcp_cached_pages())
        return false;
    if (plat_can_wait_cpus()) {
        pcp_drain_all();
        return true;
    }
    /* interrupts off: this CPU stays; a sync with itself only, no cross-call */
    pcp_drain_mask(1ull << (plat_cpu_id() % MAX_CPUS));
    return true;
}
