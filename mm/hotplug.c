/* hotplug.c - offline / online of ranges at 2 MiB subsection granularity, hot-add and remove.
 *
 * Offline: cage (free blocks become HELD), then loop until the deadline: scan the range block by
 * block; while unmovable blocks remain, call the poll hook (nothing is migrated yet, so a
 * failure leaves the free lists exactly as they were); once only movable blocks remain, migrate
 * them (copy, switch the owner's references, free the old block into the cage). Success: the
 * subsections are offline (every frame HELD or fixed), uncounted, unmapped. Failure: cage undo.
 */
#include <string.h>

#include "hotmem/trace.h"
#include "mm/mm_internal.h"

void (*mm_poll_fn)(void *);
void *mm_poll_arg;
static uint64_t offline_timeout_ms = 1000;
static bool offline_running;

/* Ranges added by mm_add_memory (their memmap lives on their first pages). */
#define MAX_ADDED 64
static struct {
    uint64_t base, size;
} added[MAX_ADDED];

static mm_isolate_fn isolate_fns[MM_NR_OWNERS];

/* Register the pre-copy callback of an owner (mm.h). */
void mm_set_isolate_fn(unsigned owner, mm_isolate_fn fn)
{
    if (owner < MM_NR_OWNERS)
        isolate_fns[owner] = fn;
}

void hotplug_reset(void)
{
    memset(isolate_fns, 0, sizeof isolate_fns);
    memset(added, 0, sizeof added);
    offline_timeout_ms = 1000;
    offline_running = false;
    mm_poll_fn = NULL;
    mm_poll_arg = NULL;
}

void mm_set_offline_timeout_ms(uint64_t ms)
{
    offline_timeout_ms = ms;
}

uint64_t mm_offline_timeout_ms(void)
{
    return offline_timeout_ms;
}

void mm_set_poll_hook(void (*fn)(void *arg), void *arg)
{
    mm_poll_fn = fn;
    mm_poll_arg = arg;
}

/* Check a 2 MiB aligned range; fills pfn bounds. */
static int check_range(uint64_t base, uint64_t size, uint64_t *spfn, uint64_t *epfn)
{
    if (!size || (base | size) & (SUBSECTION_SIZE - 1) || base + size < base || base + size > MAX_PHYS_ADDR) {
        MM_LOG(LOG_ERR, "range 0x%llx+0x%llx: must be 2 MiB aligned, non-empty, below 0x%llx",
               (unsigned long long)base, (unsigned long long)size, (unsigned long long)MAX_PHYS_ADDR);
        mm_counters.bad_arg++;
        return MM_EINVAL;
    }
    *spfn = base >> PAGE_SHIFT;
    *epfn = (base + size) >> PAGE_SHIFT;
    return 0;
}

/* What is still allocated in a caged range. */
struct scan {
    uint64_t nmov, nunmov; /* migratable / unmovable blocks */
    uint64_t mov_pages;    /* pages in the migratable blocks */
    uint64_t first_unmov;  /* head pfn of the first unmovable block */
    uint64_t first_mov;    /* head pfn of the first migratable block */
};

/* Scan the caged range block by block into *sc. */
static void scan_locked(uint64_t spfn, uint64_t epfn, struct scan *sc)
{
    memset(sc, 0, sizeof *sc);
    struct cage_iter it = cage_iter(spfn, epfn);
    for (struct frame *f; (f = cage_next(&it));) {
        if (f->flags & (FR_HELD | FR_FIXED))
            continue;
        if ((f->flags & FR_MOVABLE) && mm_migrate_fns[f->owner]) {
            if (!sc->nmov)
                sc->first_mov = it.pfn;
            sc->nmov++;
            sc->mov_pages += 1u << f->order;
        } else {
            if (!sc->nunmov)
                sc->first_unmov = it.pfn;
            sc->nunmov++;
        }
    }
}

/* Move allocated movable block (pfn, f) out of the cage; 0 or MM_ENOMEM / the owner's error. */
static int migrate_block_locked(uint64_t pfn, struct frame *f)
{
    unsigned order = f->order, owner = f->owner;
    uint32_t cookie = f->cookie, aux = f->use.aux;
    unsigned node = pfn_sect(pfn)->node;
    uint64_t old = pfn << PAGE_SHIFT;
    uint64_t nw = mm_alloc_pages_owner(order, MM_MOVABLE | MM_NODE(node), owner, cookie);
    if (!nw) {
        mm_counters.migrate_fail++;
        return MM_ENOMEM;
    }
    void *src = plat_phys_to_virt(old), *dst = plat_phys_to_virt(nw);
    PLAT_ASSERT(src && dst);
    if (isolate_fns[owner])
        isolate_fns[owner](old, order, cookie, aux);
    memcpy(dst, src, PAGE_SIZE << order);
    pfn_frame(nw >> PAGE_SHIFT)->use.aux = aux;
    int r = mm_migrate_fns[owner](old, nw, order, cookie, aux);
    if (r < 0) {
        buddy_release_locked(nw >> PAGE_SHIFT, order);
        mm_counters.migrate_fail++;
        return r;
    }
    buddy_release_locked(pfn, order);
    mm_counters.migrate_ok++;
    return 0;
}

/* Start / end of a period holding mm_lock during an offline: the longest goes to rep. */
static inline void hold_begin(uint64_t *since)
{
    *since = plat_now_ns();
}
static inline void hold_end(struct mm_offline_report *rep, uint64_t since)
{
    uint64_t d = plat_now_ns() - since;
    if (d > rep->max_hold_ns)
        rep->max_hold_ns = d;
}

/* Migrate every movable block of the caged range; pages moved, or <0 (first failure in *blocker).
 * Once mm_lock has been held MM_LOCK_HOLD_NS (since *since), it is released after a block and
 * taken again (*irq: the caller's saved interrupt state), so other CPUs and interrupts get in;
 * the walk then resumes at the start of the block's subsection (blocks never cross one, and the
 * cage keeps its layout valid: frees into it become HELD blocks). */
static int64_t migrate_range_locked(uint64_t spfn, uint64_t epfn, uint64_t *blocker, unsigned long *irq,
                                    struct mm_offline_report *rep, uint64_t *since)
{
    int64_t moved = 0;
    struct cage_iter it = cage_iter(spfn, epfn);
    for (struct frame *f; (f = cage_next(&it));) {
        if ((f->flags & (FR_HELD | FR_FIXED)) || !(f->flags & FR_MOVABLE) || !mm_migrate_fns[f->owner])
            continue;
        unsigned o = f->order;
        int r = migrate_block_locked(it.pfn, f);
        if (r < 0) {
            *blocker = it.pfn;
            if (moved)
                plat_trace(TRACE_MIGRATE, spfn << PAGE_SHIFT, (uint64_t)moved, (uint64_t)r);
            return r;
        }
        moved += 1 << o;
        if (plat_now_ns() - *since < MM_LOCK_HOLD_NS)
            continue;
        hold_end(rep, *since);
        mm_unlock_irqrestore(*irq);
        *irq = mm_lock_irqsave();
        hold_begin(since);
        rep->lock_breaks++;
        it.next = it.pfn & ~(uint64_t)(MM_PAGES_PER_SUB - 1);
    }
    if (moved)
        plat_trace(TRACE_MIGRATE, spfn << PAGE_SHIFT, (uint64_t)moved, 0);
    return moved;
}

/* Pages in every free list (the caged range's free blocks are not among them). */
static uint64_t free_pages_locked(void)
{
    uint64_t n = 0;
    for (unsigned node = 0; node < MAX_NODES; node++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++)
            n += mm_zones[node][z].free;
    return n;
}

/* Held pages of the caged range. */
static uint64_t held_pages(uint64_t spfn, uint64_t epfn)
{
    uint64_t h = 0;
    struct cage_iter it = cage_iter(spfn, epfn);
    for (struct frame *f; (f = cage_next(&it));)
        if (f->flags & FR_HELD)
            h += 1u << f->order;
    return h;
}

/* Unmap (or map) runs of the given subsections of the range that are in mask-of-interest. */
static int map_subs(uint64_t spfn, uint64_t epfn, uint64_t (*want)(const struct mm_section *), bool map)
{
    uint64_t run = 0;
    bool in_run = false;
    for (uint64_t sp = spfn; sp <= epfn; sp += MM_PAGES_PER_SUB) {
        bool w = false;
        if (sp < epfn) {
            struct mm_section *s = pfn_sect(sp);
            w = s && (want(s) >> pfn_sub(sp) & 1);
        }
        if (w && !in_run) {
            run = sp;
            in_run = true;
        } else if (!w && in_run) {
            in_run = false;
            uint64_t pa = run << PAGE_SHIFT, len = (sp - run) << PAGE_SHIFT;
            if (map) {
                if (plat_map_range(pa, len))
                    return MM_ENOMEM;
            } else {
                plat_unmap_range(pa, len);
            }
        }
    }
    return 0;
}
static uint64_t want_caged_unmap(const struct mm_section *s)
{
    return s->caged & ~s->keepmap;
}
static uint64_t want_offline_map(const struct mm_section *s)
{
    return s->present & ~s->online & ~s->keepmap;
}
static uint64_t want_keepmap_offline(const struct mm_section *s)
{
    return s->present & ~s->online & s->keepmap;
}

/* Offline the online subsections of [base, base+size). */
int mm_offline_range(uint64_t base, uint64_t size, struct mm_offline_report *rep)
{
    struct mm_offline_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof *rep);
    rep->owner_name = "";
    uint64_t spfn, epfn, t0 = plat_now_ns();
    int r = check_range(base, size, &spfn, &epfn);
    if (r)
        return rep->err = r;
    unsigned long irq = mm_lock_irqsave();
    if (offline_running) {
        mm_unlock_irqrestore(irq);
        MM_LOG(LOG_ERR, "offline 0x%llx+0x%llx: another offline is running", (unsigned long long)base,
               (unsigned long long)size);
        mm_counters.offline_fail++;
        return rep->err = MM_EBUSY;
    }
    offline_running = true;
    uint64_t since;
    hold_begin(&since);
    rep->pages_free = cage_start_locked(spfn, epfn);
    plat_trace(TRACE_CAGE, base, size, rep->pages_free);
    uint64_t deadline = t0 + offline_timeout_ms * 1000000ull;
    uint64_t blocker = 0;
    for (;;) {
        struct scan sc;
        scan_locked(spfn, epfn, &sc);
        if (!sc.nunmov && !sc.nmov) {
            r = 0;
            break;
        }
        if (!sc.nunmov && sc.mov_pages > free_pages_locked()) {
            /* Nowhere to put the data: fail now rather than drain memory and roll back. */
            blocker = sc.first_mov;
            r = MM_ENOMEM;
            break;
        }
        if (!sc.nunmov) {
            int64_t m = migrate_range_locked(spfn, epfn, &blocker, &irq, rep, &since);
            if (m >= 0) {
                rep->pages_migrated += (uint64_t)m;
                continue;
            }
            r = (int)m;
        } else {
            blocker = sc.first_unmov;
            r = MM_ETIMEDOUT;
        }
        if (plat_now_ns() >= deadline)
            break;
        hold_end(rep, since);
        mm_unlock_irqrestore(irq);
        if (mm_poll_fn)
            mm_poll_fn(mm_poll_arg);
        irq = mm_lock_irqsave();
        hold_begin(&since);
    }
    if (r == 0)
        r = cage_test_locked(spfn, epfn, &blocker);
    if (r == 0) {
        uint64_t held = held_pages(spfn, epfn);
        rep->pages_waited = held - rep->pages_free - rep->pages_migrated;
        map_subs(spfn, epfn, want_caged_unmap, false);
        for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
            struct mm_section *s = pfn_sect(sp);
            unsigned sub = pfn_sub(sp);
            if (!s || !(s->caged >> sub & 1))
                continue;
            struct mm_zone_lists *z = sect_zone_ptr(s, sub);
            uint64_t h = held_pages(sp, sp + MM_PAGES_PER_SUB);
            s->nr_held -= (uint32_t)h;
            z->held -= h;
            z->online -= s->sub_pages[sub];
            s->online &= ~(1ull << sub);
            s->caged &= ~(1ull << sub);
        }
        mm_counters.offline_ok++;
    } else {
        struct frame *f = pfn_frame(blocker);
        rep->block_pfn = blocker;
        rep->block_owner = f->owner;
        rep->owner_name = mm_owner_name(f->owner);
        rep->block_cookie = f->cookie;
        cage_undo_locked(spfn, epfn);
        mm_counters.offline_fail++;
        if (r == MM_ETIMEDOUT)
            mm_counters.offline_timeout++;
    }
    offline_running = false;
    hold_end(rep, since);
    mm_unlock_irqrestore(irq);
    plat_trace(TRACE_LOCK_HOLD, base, rep->max_hold_ns, rep->lock_breaks);
    rep->err = r;
    rep->elapsed_ns = plat_now_ns() - t0;
    if (r)
        plat_trace(TRACE_OFFLINE_FAIL, base, rep->block_pfn, rep->block_owner);
    else
        plat_trace(TRACE_OFFLINE_DONE, base, size, rep->elapsed_ns);
    if (r)
        MM_LOG(LOG_WARN, "offline 0x%llx-0x%llx failed (%d): frame 0x%llx owned by %s cookie 0x%x",
               (unsigned long long)base, (unsigned long long)(base + size), r,
               (unsigned long long)rep->block_pfn, rep->owner_name, rep->block_cookie);
    return r;
}

/* Online the offline subsections of [base, base+size). */
int mm_online_range(uint64_t base, uint64_t size)
{
    uint64_t spfn, epfn;
    int r = check_range(base, size, &spfn, &epfn);
    if (r)
        return r;
    unsigned long irq = mm_lock_irqsave();
    if (offline_running) {
        /* a nested call from the poll hook: the range may be caged */
        for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
            struct mm_section *s = pfn_sect(sp);
            if (s && s->caged) {
                mm_unlock_irqrestore(irq);
                mm_counters.online_fail++;
                return MM_EBUSY;
            }
        }
    }
    if (map_subs(spfn, epfn, want_offline_map, true)) {
        mm_unlock_irqrestore(irq);
        MM_LOG(LOG_ERR, "online 0x%llx+0x%llx: cannot map", (unsigned long long)base,
               (unsigned long long)size);
        mm_counters.online_fail++;
        return MM_ENOMEM;
    }
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !((s->present & ~s->online) >> sub & 1))
            continue;
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        struct frame *mem = s->mem[sub];
        s->online |= 1ull << sub;
        z->online += s->sub_pages[sub];
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
            struct frame *f = mem + (p - sp);
            unsigned o = f->order;
            PLAT_ASSERT(f->flags & (FR_HELD | FR_FIXED));
            if (f->flags & FR_HELD) {
                f->flags &= (uint8_t)~FR_HELD;
                buddy_free_block_locked(p, o);
            }
            p += 1u << o;
        }
    }
    mm_counters.online_ok++;
    mm_unlock_irqrestore(irq);
    plat_trace(TRACE_ONLINE, base, size, 0);
    return 0;
}

/* Hot-add [base, base+size) on node and online it. */
int mm_add_memory(uint64_t base, uint64_t size, unsigned node)
{
    uint64_t spfn, epfn;
    int r = check_range(base, size, &spfn, &epfn);
    if (r || node >= MAX_NODES) {
        mm_counters.add_fail++;
        return MM_EINVAL;
    }
    zones_init_once();
    int slot = -1;
    for (int i = 0; i < MAX_ADDED; i++)
        if (!added[i].size && slot < 0)
            slot = i;
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        if (s && (s->present >> pfn_sub(sp) & 1)) {
            MM_LOG(LOG_ERR, "add 0x%llx+0x%llx: 0x%llx already present", (unsigned long long)base,
                   (unsigned long long)size, (unsigned long long)(sp << PAGE_SHIFT));
            mm_counters.add_fail++;
            return MM_EEXIST;
        }
    }
    if (slot < 0) {
        MM_LOG(LOG_ERR, "add: more than %d hot-added ranges", MAX_ADDED);
        mm_counters.add_fail++;
        return MM_ENOMEM;
    }
    if (plat_map_range(base, size)) {
        MM_LOG(LOG_ERR, "add 0x%llx+0x%llx: cannot map", (unsigned long long)base, (unsigned long long)size);
        mm_counters.add_fail++;
        return MM_ENOMEM;
    }
    uint8_t *v = plat_phys_to_virt(base);
    if (!v) {
        plat_unmap_range(base, size);
        mm_counters.add_fail++;
        return MM_EINVAL;
    }
    /* section structs first (plat_alloc may use the buddy allocator) */
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        if (!sect_get_or_alloc((unsigned)(sp >> PFN_SECTION_SHIFT), node)) {
            for (uint64_t q = spfn; q < epfn; q += MM_PAGES_PER_SUB)
                sect_put_if_empty((unsigned)(q >> PFN_SECTION_SHIFT));
            plat_unmap_range(base, size);
            mm_counters.add_fail++;
            return MM_ENOMEM;
        }
    }
    uint64_t nsub = (epfn - spfn) / MM_PAGES_PER_SUB;
    uint64_t mm_end = spfn + (nsub * MM_PAGES_PER_SUB * sizeof(struct frame) + PAGE_SIZE - 1) / PAGE_SIZE;
    unsigned long irq = mm_lock_irqsave();
    for (uint64_t i = 0; i < nsub; i++) {
        uint64_t sp = spfn + i * MM_PAGES_PER_SUB;
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (s->node != node && (i == 0 || sub == 0))
            MM_LOG(LOG_WARN, "add: section %llu is on node %u, not %u: counted there",
                   (unsigned long long)(sp >> PFN_SECTION_SHIFT), s->node, node);
        struct frame *mem = (struct frame *)(v + i * MM_PAGES_PER_SUB * sizeof(struct frame));
        memset(mem, 0, MM_PAGES_PER_SUB * sizeof(struct frame));
        s->mem[sub] = mem;
        s->present |= 1ull << sub;
        s->movable |= 1ull << sub;
        s->sub_pages[sub] = MM_PAGES_PER_SUB;
        sect_zone_ptr(s, sub)->present += MM_PAGES_PER_SUB;
        uint64_t p = sp, e = sp + MM_PAGES_PER_SUB;
        if (mm_end > sp) {
            s->keepmap |= 1ull << sub;
            for (; p < mm_end && p < e; p++) {
                struct frame *f = mem + (p - sp);
                f->flags = FR_HEAD | FR_FIXED;
                f->owner = MM_OWN_MEMMAP;
            }
        }
        while (p < e) { /* offline state: HELD blocks */
            unsigned o = (unsigned)__builtin_ctzll(p);
            if (o > MM_MAX_ORDER)
                o = MM_MAX_ORDER;
            while ((1ull << o) > e - p)
                o--;
            struct frame *f = mem + (p - sp);
            f->flags = FR_HEAD | FR_FREE | FR_HELD;
            f->order = (uint8_t)o;
            p += 1ull << o;
        }
    }
    added[slot].base = base;
    added[slot].size = size;
    mm_unlock_irqrestore(irq);
    mm_counters.add_ok++;
    MM_LOG(LOG_INFO, "added 0x%llx-0x%llx on node %u (memmap %llu pages on itself)", (unsigned long long)base,
           (unsigned long long)(base + size), node, (unsigned long long)(mm_end - spfn));
    return mm_online_range(base, size);
}

/* Remove an offline hot-added range. */
int mm_remove_memory(uint64_t base, uint64_t size)
{
    uint64_t spfn, epfn;
    int r = check_range(base, size, &spfn, &epfn);
    if (r) {
        mm_counters.remove_fail++;
        return r;
    }
    int slot = -1;
    for (int i = 0; i < MAX_ADDED; i++)
        if (added[i].size && added[i].base == base && added[i].size == size)
            slot = i;
    if (slot < 0) {
        MM_LOG(LOG_ERR, "remove 0x%llx+0x%llx: not a range added by mm_add_memory", (unsigned long long)base,
               (unsigned long long)size);
        mm_counters.remove_fail++;
        return MM_ENOENT;
    }
    unsigned long irq = mm_lock_irqsave();
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        if (s->online >> pfn_sub(sp) & 1) {
            mm_unlock_irqrestore(irq);
            MM_LOG(LOG_ERR, "remove 0x%llx+0x%llx: 0x%llx is online", (unsigned long long)base,
                   (unsigned long long)size, (unsigned long long)(sp << PAGE_SHIFT));
            mm_counters.remove_fail++;
            return MM_EBUSY;
        }
    }
    map_subs(spfn, epfn, want_keepmap_offline, false);
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        uint64_t bit = 1ull << sub;
        sect_zone_ptr(s, sub)->present -= s->sub_pages[sub];
        s->present &= ~bit;
        s->keepmap &= ~bit;
        s->movable &= ~bit;
        s->sub_pages[sub] = 0;
        s->mem[sub] = NULL;
    }
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB)
        sect_put_if_empty((unsigned)(sp >> PFN_SECTION_SHIFT));
    added[slot].base = added[slot].size = 0;
    mm_unlock_irqrestore(irq);
    mm_counters.remove_ok++;
    plat_trace(TRACE_REMOVE, base, size, 0);
    return 0;
}
