/* buddy.c - the buddy allocator: free lists per (node, zone, order), split and merge. */
#include <string.h>

#include "mm/mm_internal.h"

struct mm_zone_lists mm_zones[MAX_NODES][MM_NR_ZONES];
uint32_t mm_node_mask;
bool mm_zones_ready;
struct mm_counters mm_counters;
mm_migrate_fn mm_migrate_fns[MM_NR_OWNERS];

static const char *const owner_names[MM_NR_OWNERS] = {
    [MM_OWN_FREE] = "free",
    [MM_OWN_HOLE] = "hole",
    [MM_OWN_FIRMWARE] = "firmware",
    [MM_OWN_KERNEL_IMAGE] = "kernel-image",
    [MM_OWN_BOOT_PT] = "boot-page-table",
    [MM_OWN_MULTIBOOT] = "multiboot",
    [MM_OWN_MEMMAP] = "memmap",
    [MM_OWN_KERNEL] = "kernel",
    [MM_OWN_HEAP] = "heap",
    [MM_OWN_PAGETABLE] = "page-table",
    [MM_OWN_ACPI] = "acpi",
    [MM_OWN_MOVABLE_OBJ] = "movable-obj",
    [MM_OWN_UNMOVABLE_OBJ] = "unmovable-obj",
    [MM_OWN_TEST_PIN] = "test-pin",
    [MM_OWN_SHELL] = "shell",
    [MM_OWN_STRESS] = "stress",
    [MM_OWN_USER] = "user",
};

/* Make every free list empty (once; again after mm_reset). */
void buddy_zones_init(void)
{
    if (mm_zones_ready)
        return;
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++) {
            memset(&mm_zones[n][z], 0, sizeof mm_zones[n][z]);
            for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
                mm_zones[n][z].head[o] = PFN_NIL;
        }
    mm_zones_ready = true;
}

/* Short name of an owner. */
const char *mm_owner_name(unsigned owner)
{
    return owner < MM_NR_OWNERS && owner_names[owner] ? owner_names[owner] : "?";
}

/* Push free block head f (pfn) on list (z, order). */
static inline void buddy_list_add(struct mm_zone_lists *z, unsigned order, uint64_t pfn, struct frame *f)
{
    MM_ASSERT(f->state == FS_FREE && f->order == order, pfn, f);
    uint64_t h = z->head[order];
    lru_set_next(f, h);
    lru_set_prev(f, PFN_NIL);
    if (h != PFN_NIL)
        lru_set_prev(pfn_frame(h), pfn);
    z->head[order] = pfn;
    z->nr[order]++;
    z->mask |= 1u << order;
}

/* Unlink free block head f (pfn) from list (z, order). */
static inline void buddy_list_del(struct mm_zone_lists *z, unsigned order, uint64_t pfn, struct frame *f)
{
    MM_ASSERT(f->state == FS_FREE && f->order == order && z->nr[order], pfn, f);
    uint64_t n = lru_next(f), p = lru_prev(f);
    if (p != PFN_NIL)
        lru_set_next(pfn_frame(p), n);
    else
        z->head[order] = n;
    if (n != PFN_NIL)
        lru_set_prev(pfn_frame(n), p);
    if (--z->nr[order] == 0)
        z->mask &= ~(1u << order);
}

void buddy_unlink_locked(uint64_t pfn, struct frame *f)
{
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    struct mm_zone_lists *z = sect_zone_ptr(s, sub);
    buddy_list_del(z, f->order, pfn, f);
    s->nr_free -= 1u << f->order;
    z->free -= 1u << f->order;
}

void buddy_free_block_locked(uint64_t pfn, unsigned order)
{
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    struct mm_zone_lists *z = sect_zone_ptr(s, sub);
    struct frame *f = sub_frame(s, sub, pfn & (MM_PAGES_PER_SUB - 1));
    uint32_t n = 1u << order;

    MM_ASSERT(f->order == order && (s->online & ~s->caged) >> sub & 1, pfn, f);
    frame_set(pfn, f, FS_FREE);
    while (order < MM_MAX_ORDER) {
        uint64_t bpfn = pfn ^ (1ull << order);
        struct frame *bf = sub_frame(s, sub, bpfn & (MM_PAGES_PER_SUB - 1));
        if (frame_state(bf) != FS_FREE || bf->order != order) /* a cached buddy may be changing */
            break;
        buddy_list_del(z, order, bpfn, bf);
        if (bpfn < pfn) { /* f is absorbed by its buddy: an undefined tail again */
            frame_set(pfn, f, FS_UNINIT);
            memset(f, 0, sizeof *f);
            f = bf;
            pfn = bpfn;
        } else {
            frame_set(bpfn, bf, FS_UNINIT);
            memset(bf, 0, sizeof *bf);
        }
        order++;
    }
    f->order = (uint8_t)order;
    f->owner = MM_OWN_FREE;
    buddy_list_add(z, order, pfn, f);
    s->nr_free += n;
    z->free += n;
}

/* Take the block at the head of list (z, o) and split it down to order; returns its pfn. */
static uint64_t buddy_take_locked(struct mm_zone_lists *z, unsigned o, unsigned order)
{
    uint64_t pfn = z->head[o];
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    struct frame *f = sub_frame(s, sub, pfn & (MM_PAGES_PER_SUB - 1));
    buddy_list_del(z, o, pfn, f);
    while (o > order) {
        o--;
        struct frame *h = sub_frame(s, sub, (pfn & (MM_PAGES_PER_SUB - 1)) + (1u << o));
        frame_init(h, FS_FREE, o);
        buddy_list_add(z, o, pfn + (1u << o), h);
    }
    f->order = (uint8_t)order;
    s->nr_free -= 1u << order;
    z->free -= 1u << order;
    return pfn;
}

void buddy_mark_allocated(uint64_t pfn, struct frame *f, unsigned order, unsigned flags, unsigned owner,
                          uint32_t cookie)
{
    MM_ASSERT(f->order == order, pfn, f);
    frame_set(pfn, f, (flags & MM_MOVABLE) ? FS_MOVABLE : FS_USED);
    f->owner = (uint8_t)owner;
    f->use.cookie = cookie;
    f->use.aux = 0;
    f->use.spare = 0;
    if (flags & MM_MOVABLE) {
        struct mm_section *s = pfn_sect(pfn);
        __atomic_add_fetch(&sect_zone_ptr(s, pfn_sub(pfn))->movable, 1u << order, __ATOMIC_RELAXED);
    }
}

/* Finish an allocation: zero if asked, return pa. */
static uint64_t buddy_finish_alloc(uint64_t pfn, unsigned order, unsigned flags)
{
    uint64_t pa = pfn << PAGE_SHIFT;
    if (flags & MM_ZERO) {
        void *p = plat_phys_to_virt(pa);
        PLAT_ASSERT(p);
        memset(p, 0, PAGE_SIZE << order);
    }
    return pa;
}

/* Let the calling thread's allocations use the zones' minimum (mm.h; nests). */
void mm_reserve_begin(void)
{
    ++*plat_thread_reserve();
}

/* End the innermost mm_reserve_begin of the calling thread. */
void mm_reserve_end(void)
{
    unsigned *depth = plat_thread_reserve();
    PLAT_ASSERT(*depth > 0);
    --*depth;
}

/* Minimum free pages of a zone: MM_ZONE_MIN_PAGES (at most an eighth) of NORMAL, none of MOVABLE. */
static inline uint64_t buddy_zone_min(const struct mm_zone_lists *z, unsigned zi)
{
    if (zi != MM_ZONE_NORMAL)
        return 0;
    return z->online / 8 < MM_ZONE_MIN_PAGES ? z->online / 8 : MM_ZONE_MIN_PAGES;
}

uint64_t mm_zone_min(unsigned node, unsigned zone)
{
    return node < MAX_NODES && zone < MM_NR_ZONES ? buddy_zone_min(&mm_zones[node][zone], zone) : 0;
}

/* May an allocation of order with flags take pages of zone z (index zi)? Only MM_RESERVE
 * allocations (or those inside mm_reserve_begin/end) take the zone below its minimum. */
static inline bool buddy_zone_allows(const struct mm_zone_lists *z, unsigned zi, unsigned order,
                                     unsigned flags)
{
    if (!(flags & MM_RESERVE) && z->free < buddy_zone_min(z, zi) + (1u << order) && !*plat_thread_reserve()) {
        mm_counters.alloc_min++;
        return false;
    }
    return true;
}

uint64_t buddy_take_block_locked(unsigned n, unsigned zi, unsigned order, unsigned flags)
{
    struct mm_zone_lists *z = &mm_zones[n][zi];
    uint32_t m = z->mask >> order;
    if (!m || !buddy_zone_allows(z, zi, order, flags))
        return 0;
    return buddy_take_locked(z, order + (unsigned)__builtin_ctz(m), order);
}

/* Try node n, zone zi for order; pfn or 0. */
static inline uint64_t buddy_try_zone(unsigned n, unsigned zi, unsigned order, unsigned flags, unsigned owner,
                                      uint32_t cookie)
{
    uint64_t pfn = buddy_take_block_locked(n, zi, order, flags);
    if (!pfn)
        return 0;
    buddy_mark_allocated(pfn, pfn_frame(pfn), order, flags, owner, cookie);
    if (order)
        frame_write_tails(pfn_sect(pfn), pfn_sub(pfn), pfn & (MM_PAGES_PER_SUB - 1), order);
    return pfn;
}

/* Try every zone of node n allowed by flags. */
static inline uint64_t buddy_try_node(unsigned n, unsigned order, unsigned flags, unsigned owner,
                                      uint32_t cookie)
{
    uint64_t pfn;
    if ((flags & MM_MOVABLE) && (pfn = buddy_try_zone(n, MM_ZONE_MOVABLE, order, flags, owner, cookie)))
        return pfn;
    return buddy_try_zone(n, MM_ZONE_NORMAL, order, flags, owner, cookie);
}

/* Allocate from the buddy lists: the preferred node, then (unless MM_THISNODE) the others. */
static uint64_t buddy_alloc(unsigned pref, unsigned order, unsigned flags, unsigned owner, uint32_t cookie)
{
    unsigned long irq = mm_lock_irqsave();
    uint64_t pfn = buddy_try_node(pref, order, flags, owner, cookie);
    if (!pfn && !(flags & MM_THISNODE)) {
        for (unsigned n = 0; n < MAX_NODES && !pfn; n++)
            if (n != pref && (mm_node_mask >> n & 1))
                pfn = buddy_try_node(n, order, flags, owner, cookie);
    }
    mm_unlock_irqrestore(irq);
    return pfn;
}

/* Allocate 2^order pages; pa or 0. Small orders come from this CPU's cache when they can; when
 * the lists cannot serve a request, the caches are drained once and the lists tried again. */
uint64_t mm_alloc_pages_owner(unsigned order, unsigned flags, unsigned owner, uint32_t cookie)
{
    if (order > MM_MAX_ORDER || owner >= MM_NR_OWNERS) {
        mm_counters.bad_arg++;
        return 0;
    }
    unsigned pref = (flags & 0x100) ? (flags >> 4) & 0xf : 0;
    if (pref >= MAX_NODES)
        pref = 0;
    uint64_t pfn = *plat_thread_reserve() ? 0 : pcp_alloc(pref, order, flags, owner, cookie);
    if (!pfn)
        pfn = buddy_alloc(pref, order, flags, owner, cookie);
    if (!pfn && pcp_drain_for_retry())
        pfn = buddy_alloc(pref, order, flags, owner, cookie);
    if (!pfn)
        MM_WITH_LOCK(mm_counters.alloc_fail[order]++);
    return pfn ? buddy_finish_alloc(pfn, order, flags) : 0;
}

/* Generic kernel pages. */
uint64_t mm_alloc_pages(unsigned order, unsigned flags)
{
    return mm_alloc_pages_owner(order, flags, MM_OWN_KERNEL, 0);
}

/* Allocate inside [lo, hi) whatever the zone. */
uint64_t mm_alloc_pages_in(uint64_t lo, uint64_t hi, unsigned order, unsigned flags, unsigned owner,
                           uint32_t cookie)
{
    if (order > MM_MAX_ORDER || owner >= MM_NR_OWNERS || hi <= lo || hi > MAX_PHYS_ADDR) {
        mm_counters.bad_arg++;
        return 0;
    }
    uint64_t n = 1ull << order;
    uint64_t lpfn = ((lo >> PAGE_SHIFT) + n - 1) & ~(n - 1), hpfn = hi >> PAGE_SHIFT;
    unsigned long irq = mm_lock_irqsave();
    uint64_t found = 0;
    for (uint64_t sp = lpfn & ~(uint64_t)(MM_PAGES_PER_SUB - 1); sp < hpfn && !found;
         sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !((s->online & ~s->caged) >> sub & 1))
            continue;
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
            struct frame *f = sub_frame(s, sub, p - sp);
            MM_ASSERT(f->state > FS_TAIL, p, f);
            uint64_t bn = 1ull << f->order;
            if (f->state == FS_FREE && f->order >= order) {
                uint64_t t = p > lpfn ? p : lpfn;
                if (t + n <= p + bn && t + n <= hpfn) {
                    unsigned o = f->order;
                    buddy_unlink_locked(p, f);
                    /* carve t out: split towards t, the other halves go back to the lists */
                    struct mm_zone_lists *z = sect_zone_ptr(s, sub);
                    uint64_t bp = p;
                    while (o > order) {
                        o--;
                        uint64_t half = bp + (1ull << o), other = half;
                        frame_init(sub_frame(s, sub, half - sp), FS_FREE, o);
                        sub_frame(s, sub, bp - sp)->order = (uint8_t)o;
                        if (t >= half) {
                            other = bp;
                            bp = half;
                        }
                        buddy_list_add(z, o, other, sub_frame(s, sub, other - sp));
                        s->nr_free += 1u << o;
                        z->free += 1u << o;
                    }
                    buddy_mark_allocated(t, sub_frame(s, sub, t - sp), order, flags, owner, cookie);
                    if (order)
                        frame_write_tails(s, sub, t - sp, order);
                    found = t;
                    break;
                }
            }
            p += bn;
        }
    }
    if (!found)
        mm_counters.alloc_in_fail++;
    mm_unlock_irqrestore(irq);
    return found ? buddy_finish_alloc(found, order, flags) : 0;
}

void buddy_uncount_used(uint64_t pfn, struct frame *f, unsigned order)
{
    if (f->state == FS_MOVABLE || fs_is_migrating(f->state)) {
        struct mm_section *s = pfn_sect(pfn);
        __atomic_sub_fetch(&sect_zone_ptr(s, pfn_sub(pfn))->movable, 1u << order, __ATOMIC_RELAXED);
    }
#ifdef MM_DEBUG
    memset(plat_phys_to_virt(pfn << PAGE_SHIFT), 0x6b, PAGE_SIZE << order);
#else
    (void)pfn;
#endif
}

void buddy_put_locked(uint64_t pfn, struct frame *f, unsigned order)
{
    struct mm_section *s = pfn_sect(pfn);
    unsigned sub = pfn_sub(pfn);
    if (__builtin_expect(s->caged >> sub & 1, 0)) {
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        uint32_t n = 1u << order;
        frame_set(pfn, f, FS_HELD);
        f->owner = MM_OWN_FREE;
        s->nr_held += n;
        z->held += n;
        return;
    }
    buddy_free_block_locked(pfn, order);
}

void buddy_release_locked(uint64_t pfn, unsigned order)
{
    struct frame *f = pfn_frame(pfn);
    MM_ASSERT((fs_is_used(f->state) || fs_is_migrating(f->state)) && f->order == order, pfn, f);
    buddy_uncount_used(pfn, f, order);
    buddy_put_locked(pfn, f, order);
}

void buddy_check_free(uint64_t pfn, const struct frame *f, unsigned order)
{
    unsigned st = f->state;
    if (__builtin_expect((fs_is_used(st) || st == FS_MIGRATING) && f->order == order, 1))
        return;
    const char *why = st <= FS_TAIL ? "not the start of an allocated block (tail of a block)"
                      : fs_is_free(st) || st == FS_CACHED || st == FS_MIG_FREED
                          ? "double free (block is already free)"
                      : !fs_is_used(st) ? "fixed frame (hole or memmap)"
                                        : "wrong order";
    plat_panic("mm_free_pages: frame 0x%llx (pa 0x%llx, order %u, owner %s, allocated order %u): %s",
               (unsigned long long)pfn, (unsigned long long)(pfn << PAGE_SHIFT), order,
               mm_owner_name(f->owner), (unsigned)f->order, why);
}

/* Free a block; bad frees panic naming the frame. Small orders go to this CPU's cache unless
 * their subsection is caged (then the cage takes them: HELD). */
void mm_free_pages(uint64_t pa, unsigned order)
{
    uint64_t pfn = pa >> PAGE_SHIFT;
    if (order > MM_MAX_ORDER)
        plat_panic("mm_free_pages: pa 0x%llx: bad order %u", (unsigned long long)pa, order);
    if (pa & ((PAGE_SIZE << order) - 1))
        plat_panic("mm_free_pages: pa 0x%llx not aligned to order %u", (unsigned long long)pa, order);
    struct frame *f = pfn_frame_safe(pfn);
    if (!f)
        plat_panic("mm_free_pages: pa 0x%llx (pfn 0x%llx) is not in present RAM", (unsigned long long)pa,
                   (unsigned long long)pfn);
    struct mm_section *s = pfn_sect(pfn);
    if (!(s->online >> pfn_sub(pfn) & 1))
        plat_panic("mm_free_pages: pa 0x%llx (pfn 0x%llx) is in an offline subsection",
                   (unsigned long long)pa, (unsigned long long)pfn);
#ifdef MM_DEBUG
    uint64_t head;
    MM_WITH_LOCK(frame_block_of(pfn, &head));
    MM_ASSERT(head == pfn, pfn, f); /* a stale head inside a free block (never in a clean run) */
#endif
    if (pcp_free(pfn, s, f, order))
        return;
    unsigned long irq = mm_lock_irqsave();
    buddy_check_free(pfn, f, order);
    if (f->state == FS_MIGRATING) /* the offline copying it releases it (hotplug.c) */
        frame_set(pfn, f, FS_MIG_FREED);
    else
        buddy_release_locked(pfn, order);
    mm_unlock_irqrestore(irq);
}

/* Set the aux word of an allocated block head. */
void mm_set_aux(uint64_t pa, uint32_t aux)
{
    struct frame *f = pfn_frame_safe(pa >> PAGE_SHIFT);
    MM_ASSERT(f && fs_is_used(f->state), pa >> PAGE_SHIFT, f);
    f->use.aux = aux;
}

/* Owner and cookie of the block containing pa; 0, or MM_EINVAL if pa is not present. */
int mm_frame_owner(uint64_t pa, unsigned *owner, uint32_t *cookie)
{
    uint64_t pfn = pa >> PAGE_SHIFT, head;
    if (!pfn_frame_safe(pfn))
        return MM_EINVAL;
    unsigned long irq = mm_lock_irqsave();
    struct frame *f = frame_block_of(pfn, &head);
    (void)head;
    unsigned o = f->owner;
    uint32_t c = fs_is_used(f->state) ? f->use.cookie : 0;
    mm_unlock_irqrestore(irq);
    if (owner)
        *owner = o;
    if (cookie)
        *cookie = c;
    return 0;
}

/* Counters of one (node, zone). */
void mm_zone_stats(unsigned node, unsigned zone, struct mm_zone_stats *st)
{
    memset(st, 0, sizeof *st);
    if (node >= MAX_NODES || zone >= MM_NR_ZONES)
        return;
    const struct mm_zone_lists *z = &mm_zones[node][zone];
    unsigned long irq = mm_lock_irqsave();
    st->present = z->present;
    st->online = z->online;
    st->free = z->free + pcp_zone_pages(node, zone);
    st->caged = z->held;
    st->movable = z->movable;
    st->kernel = st->online - st->free - st->caged - st->movable;
    for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
        st->nr_blocks[o] = z->nr[o];
    mm_unlock_irqrestore(irq);
}

/* Sum over all nodes and zones. */
void mm_total_stats(struct mm_zone_stats *st)
{
    memset(st, 0, sizeof *st);
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned zi = 0; zi < MM_NR_ZONES; zi++) {
            struct mm_zone_stats t;
            mm_zone_stats(n, zi, &t);
            st->present += t.present;
            st->online += t.online;
            st->free += t.free;
            st->caged += t.caged;
            st->movable += t.movable;
            st->kernel += t.kernel;
            for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
                st->nr_blocks[o] += t.nr_blocks[o];
        }
}

/* Register the migration callback of an owner. */
void mm_set_migrate_fn(unsigned owner, mm_migrate_fn fn)
{
    if (owner < MM_NR_OWNERS)
        mm_migrate_fns[owner] = fn;
}
