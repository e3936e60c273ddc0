/* hotplug.c - offline / online of ranges at 2 MiB subsection granularity, hot-add and remove.
 *
 * Offline: cage (free blocks become HELD), then loop until the deadline: scan the range block by
 * block; while unmovable blocks remain, run the poll hook and the deferred frees (nothing is
 * migrated yet, so a failure leaves the free lists exactly as they were), and fail at once when
 * neither did anything (nothing else can free a page: see mm_set_poll_hook); once only movable
 * blocks remain, migrate them a batch at a time (isolate under mm_lock, wait for the shootdowns
 * and copy without it, revalidate and remap under it, release the old blocks into the cage: see
 * hp_migrate_batch_locked and docs/architecture.md). Success: the subsections are unmapped (the
 * shootdown waited for without mm_lock), offline (every HELD block becomes OFFLINE), uncounted.
 * Failure: cage undo. No wait for another CPU happens with mm_lock held.
 */
#include <string.h>

#include "hotmem/trace.h"
#include "mm/mm_internal.h"

bool (*mm_poll_fn)(void *);
void *mm_poll_arg;
static uint64_t offline_timeout_ms = 1000;
static uint64_t offline_deadline_ms = MM_OFFLINE_DEADLINE_MS;
static bool offline_running;

/* Ranges added by mm_add_memory (their memmap lives on their first pages). */
#define MAX_ADDED 64
static struct {
    uint64_t base, size;
    uint64_t map_len; /* its memmap and section structs: mapped until remove */
} added[MAX_ADDED];

static mm_isolate_fn isolate_fns[MM_NR_OWNERS];
static mm_describe_fn describe_fns[MM_NR_OWNERS];

/* Register the blocker-description callback of an owner (mm.h). */
void mm_set_describe_fn(unsigned owner, mm_describe_fn fn)
{
    if (owner < MM_NR_OWNERS)
        describe_fns[owner] = fn;
}

/* Register the pre-copy callback of an owner (mm.h). */
void mm_set_isolate_fn(unsigned owner, mm_isolate_fn fn)
{
    if (owner < MM_NR_OWNERS)
        isolate_fns[owner] = fn;
}

void hotplug_reset(void)
{
    memset(isolate_fns, 0, sizeof isolate_fns);
    memset(describe_fns, 0, sizeof describe_fns);
    memset(added, 0, sizeof added);
    offline_timeout_ms = 1000;
    offline_deadline_ms = MM_OFFLINE_DEADLINE_MS;
    offline_running = false;
    mm_poll_fn = NULL;
    mm_poll_arg = NULL;
    deferred_reset();
}

void mm_set_offline_timeout_ms(uint64_t ms)
{
    offline_timeout_ms = ms;
}

uint64_t mm_offline_timeout_ms(void)
{
    return offline_timeout_ms;
}

void mm_set_offline_deadline_ms(uint64_t ms)
{
    offline_deadline_ms = ms;
}

uint64_t mm_offline_deadline_ms(void)
{
    return offline_deadline_ms;
}

void mm_set_poll_hook(bool (*fn)(void *arg), void *arg)
{
    mm_poll_fn = fn;
    mm_poll_arg = arg;
}

/* Check a 2 MiB aligned range; fills pfn bounds. */
static int hp_check_range(uint64_t base, uint64_t size, uint64_t *spfn, uint64_t *epfn)
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

/* The running offline's hold of mm_lock (one offline runs at a time): the interrupt state saved
 * when it took the lock, since when it holds it, and its report (longest hold, lock breaks). */
static struct {
    unsigned long irq;
    uint64_t since;
    struct mm_offline_report *rep;
    struct mm_holdhist hist; /* the lengths of its holds */
} hold;

/* Take mm_lock for the running offline and start timing the hold. */
static void hp_lock(void)
{
    hold.irq = mm_lock_irqsave();
    hold.since = plat_now_ns();
}

/* Release mm_lock; the hold's length goes to the report if it is the longest. */
static void hp_unlock(void)
{
    uint64_t d = plat_now_ns() - hold.since;
    if (d > hold.rep->max_hold_ns)
        hold.rep->max_hold_ns = d;
    holdhist_add(&hold.hist, d, MM_IRQOFF_AIM_NS);
    mm_unlock_irqrestore(hold.irq);
}

/* Between two steps of a walk: once mm_lock (which keeps interrupts off) has been held ns,
 * release it and take it again, so that interrupts and other CPUs get in. Callers only relax
 * where the walk's state survives (subsection or batch boundaries of a caged range: the cage
 * keeps the layout valid, and only this offline changes caged subsections and MIGRATING blocks).
 * True if it did. */
static bool hp_relax_after(uint64_t ns)
{
    if (plat_now_ns() - hold.since < ns)
        return false;
    hp_unlock();
    hp_lock();
    hold.rep->lock_breaks++;
    return true;
}

/* hp_relax_after(MM_LOCK_HOLD_NS). */
static bool hp_relax(void)
{
    return hp_relax_after(MM_LOCK_HOLD_NS);
}

/* What is still allocated in a caged range. */
struct scan {
    uint64_t nmov, nunmov; /* migratable / unmovable blocks */
    uint64_t ncached;      /* of the unmovable: cached blocks in flight to the lists (pcp.c) */
    uint64_t mov_pages;    /* pages in the migratable blocks */
    uint64_t first_unmov;  /* head pfn of the first unmovable block */
    uint64_t first_mov;    /* head pfn of the first migratable block */
};

/* Count block (pfn, f) of the caged range into *sc (allocated blocks only; a cached one is
 * there only if the drain was skipped: it counts as unmovable). */
static void hp_scan_block(struct scan *sc, uint64_t pfn, const struct frame *f)
{
    if (!fs_is_used(f->state) && f->state != FS_CACHED)
        return;
    if (f->state == FS_MOVABLE && mm_migrate_fns[f->owner]) {
        if (!sc->nmov)
            sc->first_mov = pfn;
        sc->nmov++;
        sc->mov_pages += 1u << f->order;
    } else {
        if (!sc->nunmov)
            sc->first_unmov = pfn;
        sc->nunmov++;
        sc->ncached += f->state == FS_CACHED;
    }
}

/* Scan the caged range block by block into *sc, relaxing between subsections. */
static void hp_scan_locked(uint64_t spfn, uint64_t epfn, struct scan *sc)
{
    memset(sc, 0, sizeof *sc);
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB, hp_relax()) {
        struct cage_iter it = cage_iter(sp, sp + MM_PAGES_PER_SUB);
        for (struct frame *f; (f = cage_next(&it));)
            hp_scan_block(sc, it.pfn, f);
    }
}

/* A movable block of a migration batch and the target allocated for it. */
struct hp_mig {
    uint64_t pfn, nw; /* the block's head pfn; its target's pa */
    unsigned order, owner;
    uint32_t cookie, aux;
    int r; /* its owner's remap: 0, <0 (failed), or MM_ENOENT with dropped: freed meanwhile */
    bool dropped;
};

/* Allocate a target for movable block (pfn, f) into *m and make the block MIGRATING (struct
 * frame: from now on only this offline releases it); 0 or MM_ENOMEM. */
static int hp_mig_prepare_locked(uint64_t pfn, struct frame *f, struct hp_mig *m)
{
    *m = (struct hp_mig){pfn, 0, f->order, f->owner, f->use.cookie, f->use.aux, 0, false};
    unsigned node = pfn_sect(pfn)->node;
    m->nw = mm_alloc_pages_owner(m->order, MM_MOVABLE | MM_RESERVE | MM_NODE(node), m->owner, m->cookie);
    if (!m->nw) {
        mm_counters.migrate_fail++;
        return MM_ENOMEM;
    }
    pfn_frame(m->nw >> PAGE_SHIFT)->use.aux = m->aux;
    frame_set(pfn, f, FS_MIGRATING);
    return 0;
}

/* Step 1 of a batch, for one block (mm_lock held, inside the batch's TLB batch): its owner makes
 * it unreachable (isolate callback: migration entries); the shootdowns are deferred. */
static void hp_isolate_locked(const struct hp_mig *m)
{
    if (isolate_fns[m->owner])
        isolate_fns[m->owner](m->pfn << PAGE_SHIFT, m->order, m->cookie, m->aux);
}

/* Step 2 (no lock, interrupts on): complete the isolations' shootdowns, then copy every block (a
 * block its owner frees meanwhile is copied too; step 3 drops that copy). */
static void hp_copy(const struct hp_mig *b, unsigned n, uint64_t ticket)
{
    plat_tlb_wait(ticket);
    for (unsigned i = 0; i < n; i++) {
        void *src = plat_phys_to_virt(b[i].pfn << PAGE_SHIFT), *dst = plat_phys_to_virt(b[i].nw);
        PLAT_ASSERT(src && dst);
        memcpy(dst, src, PAGE_SIZE << b[i].order);
    }
}

/* Step 3 (mm_lock held): revalidate each block: one its owner freed meanwhile (MIG_FREED) loses
 * its target; the others are switched to their copy by their owners' remap callbacks (their TLB
 * shootdowns, if a remap changed a present mapping, are queued: the ticket). A failed remap
 * frees the target and makes the block MOVABLE again: the first such error and its pfn go to
 * *first and *blocker. */
static uint64_t hp_remap_locked(struct hp_mig *b, unsigned n, int *first, uint64_t *blocker)
{
    plat_tlb_batch_begin();
    for (unsigned i = 0; i < n; i++) {
        struct hp_mig *m = &b[i];
        struct frame *f = pfn_frame(m->pfn);
        if (i)
            hp_relax(); /* the blocks not remapped yet stay MIGRATING and isolated; the TLB batch
                           stays open (preemption off, no interrupt handler shoots down) */
        MM_ASSERT(fs_is_migrating(frame_state(f)) && f->order == m->order, m->pfn, f);
        if (f->state == FS_MIG_FREED) {
            m->dropped = true;
            m->r = MM_ENOENT;
            mm_counters.migrate_freed++;
        } else {
            m->r = mm_migrate_fns[m->owner](m->pfn << PAGE_SHIFT, m->nw, m->order, m->cookie, m->aux);
        }
        if (m->r < 0)
            buddy_release_locked(m->nw >> PAGE_SHIFT, m->order);
        if (m->r < 0 && !m->dropped) {
            frame_set(m->pfn, f, FS_MOVABLE);
            mm_counters.migrate_fail++;
            if (!*first) {
                *first = m->r;
                *blocker = m->pfn;
            }
        }
    }
    return plat_tlb_batch_queue();
}

/* Step 4 (mm_lock held, the remaps' shootdowns complete): the old blocks of the migrated and of
 * the dropped blocks are free: HELD in the cage (relaxing between blocks: those not released yet
 * stay MIGRATING). Pages moved are added to *moved. */
static void hp_release_locked(const struct hp_mig *b, unsigned n, int64_t *moved)
{
    for (unsigned i = 0; i < n; i++) {
        if (i)
            hp_relax();
        if (b[i].r < 0 && !b[i].dropped)
            continue;
        buddy_release_locked(b[i].pfn, b[i].order);
        if (b[i].dropped)
            continue;
        mm_counters.migrate_ok++;
        *moved += 1 << b[i].order;
    }
}

/* Migrate the n prepared (MIGRATING) and isolated blocks of b, whose isolations' shootdowns are
 * queued under ticket t, the page isolation way: release mm_lock (interrupts on) to wait for the
 * shootdowns and copy, take it again to revalidate and remap, and release the old blocks once no
 * CPU can reach them any more (a remap that must flush a present mapping is waited for without
 * mm_lock too). Entered and left with mm_lock held; released in between (the cage keeps the
 * range's layout valid, and only this offline changes MIGRATING blocks). 0, or the first owner's
 * error (its pfn in *blocker; that block is MOVABLE again, the others go on). */
static int hp_migrate_batch_locked(struct hp_mig *b, unsigned n, uint64_t t, uint64_t *blocker,
                                   int64_t *moved)
{
    int first = 0;
    plat_preempt_disable(); /* until the remaps: see plat_preempt_disable */
    hp_unlock();
    hp_copy(b, n, t);
    hp_lock();
    hold.rep->lock_breaks++;
    t = hp_remap_locked(b, n, &first, blocker);
    plat_preempt_enable();
    if (t) {
        hp_unlock();
        plat_tlb_wait(t);
        hp_lock();
        hold.rep->lock_breaks++;
    }
    hp_release_locked(b, n, moved);
    return first;
}

/* Migrate every movable block of the caged range, MM_MIGRATE_BATCH blocks at a time (fewer if
 * picking them takes long); pages moved, or <0 (first failure in *blocker; MM_ETIMEDOUT once the
 * offline's deadline has passed, checked before each block). Each batch releases the lock and
 * takes it again; the walk then goes on at the block after the batch's last one: the cage keeps
 * the layout valid (frees into it become HELD blocks of the same order, nothing merges or splits
 * there). */
static int64_t hp_migrate_range_locked(uint64_t spfn, uint64_t epfn, uint64_t *blocker, uint64_t deadline)
{
    int64_t moved = 0;
    int r = 0;
    struct hp_mig batch[MM_MIGRATE_BATCH];
    struct cage_iter it = cage_iter(spfn, epfn);
    for (bool more = true; more && !r;) {
        unsigned n = 0;
        struct frame *f;
        /* A batch ends early once this hold has lasted MM_MIGRATE_PICK_NS; until its first block
         * the walk relaxes instead (a long run of blocks that do not move). Each block is isolated
         * as it is picked, its shootdowns deferred to the batch's one queued flush. */
        while (n < MM_MIGRATE_BATCH) {
            if (!n)
                hp_relax_after(MM_MIGRATE_PICK_NS);
            else if (plat_now_ns() - hold.since >= MM_MIGRATE_PICK_NS)
                break;
            if (!(more = (f = cage_next(&it)) != NULL))
                break;
            if (frame_state(f) != FS_MOVABLE || !mm_migrate_fns[f->owner])
                continue;
            if (plat_now_ns() >= deadline)
                r = MM_ETIMEDOUT;
            else
                r = hp_mig_prepare_locked(it.pfn, f, &batch[n]);
            if (r) {
                *blocker = it.pfn;
                break;
            }
            if (!n)
                plat_tlb_batch_begin();
            hp_isolate_locked(&batch[n++]);
        }
        uint64_t t = n ? plat_tlb_batch_queue() : 0, bb = 0;
        int b = n ? hp_migrate_batch_locked(batch, n, t, &bb, &moved) : 0;
        if (b && !r) {
            r = b;
            *blocker = bb;
        }
    }
    if (moved)
        plat_trace(TRACE_MIGRATE, spfn << PAGE_SHIFT, (uint64_t)moved, (uint64_t)r);
    return r ? r : moved;
}

/* Free pages above the zones' minimum in every free list (the caged range's free blocks are not
 * among them): what migration may use without eating the reserve. */
static uint64_t hp_free_above_min_locked(void)
{
    uint64_t n = 0;
    for (unsigned node = 0; node < MAX_NODES; node++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++) {
            uint64_t f = mm_zones[node][z].free, min = mm_zone_min(node, z);
            n += f > min ? f - min : 0;
        }
    return n;
}

/* Held pages of the caged range; to_offline: their blocks become OFFLINE (offline done, one
 * subsection at a time, no relaxing: its counters change with it). Else relaxes between
 * subsections. */
static uint64_t hp_held_pages(uint64_t spfn, uint64_t epfn, bool to_offline)
{
    uint64_t h = 0;
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB, to_offline || hp_relax()) {
        struct cage_iter it = cage_iter(sp, sp + MM_PAGES_PER_SUB < epfn ? sp + MM_PAGES_PER_SUB : epfn);
        for (struct frame *f; (f = cage_next(&it));)
            if (f->state == FS_HELD) {
                h += 1u << f->order;
                if (to_offline)
                    frame_set(it.pfn, f, FS_OFFLINE);
            }
    }
    return h;
}

/* What hp_map_subs does with each run: map it, unmap it, or unmap it with the offline's hold of
 * mm_lock released around the unmap (its TLB shootdown waits for every CPU). */
enum hp_map_op { HP_MAP, HP_UNMAP, HP_UNMAP_UNLOCKED };

/* Map or unmap the runs of the range's subsections that want() selects (read under mm_lock). */
static int hp_map_subs(uint64_t spfn, uint64_t epfn, uint64_t (*want)(const struct mm_section *),
                       enum hp_map_op op)
{
    bool map = op == HP_MAP;
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
                if (plat_map_range(pa, len)) {
                    hp_map_subs(spfn, run, want, HP_UNMAP); /* undo the runs mapped before this one */
                    return MM_ENOMEM;
                }
            } else if (op == HP_UNMAP_UNLOCKED) {
                hp_unlock();
                plat_unmap_range(pa, len);
                hp_lock();
                hold.rep->lock_breaks++;
            } else {
                plat_unmap_range(pa, len);
            }
        }
    }
    return 0;
}
static uint64_t hp_want_caged_unmap(const struct mm_section *s)
{
    return s->caged & ~s->keepmap;
}
static uint64_t hp_want_offline_map(const struct mm_section *s)
{
    return s->present & ~s->online & ~s->keepmap;
}

/* Refuse an offline that would take a subsection that is only partly RAM (boot RAM ending inside
 * it): its other frames are firmware's (ACPI tables, on QEMU's layouts) or a hole, and an offline
 * unmaps whole subsections. Such a subsection stays online and mapped. 0 or MM_EINVAL (logged). */
static int hp_check_all_ram(uint64_t spfn, uint64_t epfn)
{
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !(s->online >> sub & 1) || s->sub_pages[sub] == MM_PAGES_PER_SUB)
            continue;
        MM_LOG(LOG_ERR,
               "offline 0x%llx-0x%llx: subsection 0x%llx-0x%llx is only partly RAM (%u of %u pages; the "
               "rest is firmware's or a hole): refused, it stays online and mapped",
               (unsigned long long)(spfn << PAGE_SHIFT), (unsigned long long)(epfn << PAGE_SHIFT),
               (unsigned long long)(sp << PAGE_SHIFT),
               (unsigned long long)((sp + MM_PAGES_PER_SUB) << PAGE_SHIFT), (unsigned)s->sub_pages[sub],
               (unsigned)MM_PAGES_PER_SUB);
        mm_counters.offline_not_ram++;
        mm_counters.offline_fail++;
        return MM_EINVAL;
    }
    return 0;
}

/* Cage the range subsection by subsection (relaxing between them), then drain every CPU's page
 * cache (its pages of the range become HELD); the pages taken from the free lists. */
__attribute__((noinline)) /* a gdb breakpoint (tests/integration/test_gdb_helpers.py) */
static uint64_t
hp_cage_locked(uint64_t spfn, uint64_t epfn, bool nested)
{
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB, hp_relax())
        cage_start_locked(sp, sp + MM_PAGES_PER_SUB);
    if (!nested) { /* a caller under mm_lock cannot let the cache locks be taken (lock order) */
        hp_unlock();
        pcp_drain_all();
        hp_lock();
    }
    return hp_held_pages(spfn, epfn, false);
}

/* Wait for unmovable pages, or migrate movable ones, until the caged range holds no allocated
 * block (0) or the offline fails (its error; the blocking block in *blocker). */
static int hp_empty_range_locked(uint64_t base, uint64_t size, uint64_t spfn, uint64_t epfn, uint64_t t0,
                                 uint64_t *blocker)
{
    struct mm_offline_report *rep = hold.rep;
    uint64_t deadline = t0 + offline_timeout_ms * 1000000ull; /* of the wait for unmovable pages */
    uint64_t hard = t0 + offline_deadline_ms * 1000000ull;    /* of the whole offline */
    for (;;) {
        int r;
        struct scan sc;
        hp_scan_locked(spfn, epfn, &sc);
        if (!sc.nunmov && !sc.nmov)
            return 0;
        if (sc.nunmov && sc.nunmov == sc.ncached && plat_now_ns() < hard) {
            /* only blocks a CPU is giving back from its cache: let it take mm_lock */
            hp_unlock();
            hp_lock();
            continue;
        }
        uint64_t room = hp_free_above_min_locked();
        if (!sc.nunmov && sc.mov_pages > room) {
            /* Nowhere to put the data without going below the zones' minimum: fail now rather
             * than drain memory and roll back. */
            MM_LOG(LOG_WARN,
                   "offline 0x%llx+0x%llx: %llu pages to migrate, %llu free above the zones' minimum",
                   (unsigned long long)base, (unsigned long long)size, (unsigned long long)sc.mov_pages,
                   (unsigned long long)room);
            mm_counters.offline_min++;
            *blocker = sc.first_mov;
            return MM_ENOMEM;
        }
        if (!sc.nunmov) {
            int64_t m = hp_migrate_range_locked(spfn, epfn, blocker, hard);
            if (m >= 0) {
                rep->pages_migrated += (uint64_t)m;
                continue;
            }
            r = (int)m;
            if (r == MM_ETIMEDOUT) {
                MM_LOG(LOG_WARN, "offline 0x%llx+0x%llx: deadline of %llu ms passed while migrating",
                       (unsigned long long)base, (unsigned long long)size,
                       (unsigned long long)offline_deadline_ms);
                return r;
            }
        } else {
            *blocker = sc.first_unmov;
            r = MM_ETIMEDOUT;
        }
        if (plat_now_ns() >= deadline)
            return r;
        /* the wait: run what may free pages; if nothing ran, nothing will free them */
        hp_unlock();
        bool worked = mm_poll_fn && mm_poll_fn(mm_poll_arg);
        worked |= mm_run_deferred() > 0;
        hp_lock();
        if (!worked) {
            if (sc.nunmov) {
                mm_counters.offline_nowait++;
                return MM_EBUSY;
            }
            return r;
        }
    }
}

/* The caged range is empty: its subsections are unmapped from the direct map (with mm_lock
 * released, unless nested: the shootdown waits for every CPU; they are still caged, so nothing
 * can allocate, free or online there meanwhile), then their HELD blocks become OFFLINE and they
 * go offline, uncounted (relaxing between subsections). */
static void hp_offline_done_locked(uint64_t spfn, uint64_t epfn, bool nested)
{
    struct mm_offline_report *rep = hold.rep;
    uint64_t held = hp_held_pages(spfn, epfn, false);
    rep->pages_waited = held - rep->pages_free - rep->pages_migrated;
    hp_map_subs(spfn, epfn, hp_want_caged_unmap, nested ? HP_UNMAP : HP_UNMAP_UNLOCKED);
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB, hp_relax()) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !(s->caged >> sub & 1))
            continue;
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        MM_ASSERT(s->online >> sub & 1, sp, NULL);
        uint64_t h = hp_held_pages(sp, sp + MM_PAGES_PER_SUB, true);
        s->nr_held -= (uint32_t)h;
        z->held -= h;
        z->online -= s->sub_pages[sub];
        s->online &= ~(1ull << sub);
        __atomic_and_fetch(&s->caged, ~(1ull << sub), __ATOMIC_RELAXED);
    }
    mm_counters.offline_ok++;
}

/* The offline failed with r: name the blocking block in the report, uncage the range. */
static void hp_offline_failed_locked(uint64_t spfn, uint64_t epfn, int r, uint64_t blocker)
{
    struct mm_offline_report *rep = hold.rep;
    struct frame *f = pfn_frame(blocker);
    rep->block_pfn = blocker;
    rep->block_owner = f->owner;
    rep->owner_name = mm_owner_name(f->owner);
    rep->block_cookie = f->use.cookie;
    if (describe_fns[f->owner]) {
        const char *d = describe_fns[f->owner](blocker << PAGE_SHIFT, f->use.cookie, f->use.aux);
        if (d)
            rep->owner_name = d;
    }
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB, hp_relax())
        cage_undo_locked(sp, sp + MM_PAGES_PER_SUB);
    mm_counters.offline_fail++;
    if (r == MM_ETIMEDOUT)
        mm_counters.offline_timeout++;
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
    int r = hp_check_range(base, size, &spfn, &epfn);
    if (!r)
        r = hp_check_all_ram(spfn, epfn);
    if (r)
        return rep->err = r;
    bool nested = plat_spin_held(&mm_lock);
    unsigned long irq = mm_lock_irqsave();
    if (offline_running) {
        mm_unlock_irqrestore(irq);
        MM_LOG(LOG_ERR, "offline 0x%llx+0x%llx: another offline is running", (unsigned long long)base,
               (unsigned long long)size);
        mm_counters.offline_fail++;
        return rep->err = MM_EBUSY;
    }
    offline_running = true;
    hold.rep = rep;
    hold.irq = irq;
    holdhist_reset(&hold.hist);
    hold.since = plat_now_ns();
    rep->pages_free = hp_cage_locked(spfn, epfn, nested);
    plat_trace(TRACE_CAGE, base, size, rep->pages_free);
    uint64_t blocker = 0;
    r = hp_empty_range_locked(base, size, spfn, epfn, t0, &blocker);
    for (uint64_t sp = spfn; !r && sp < epfn; sp += MM_PAGES_PER_SUB, hp_relax())
        r = cage_test_locked(sp, sp + MM_PAGES_PER_SUB, &blocker);
    if (r == 0)
        hp_offline_done_locked(spfn, epfn, nested);
    else
        hp_offline_failed_locked(spfn, epfn, r, blocker);
    rmap_trace_flush_locked();
    offline_running = false;
    hp_unlock();
    rep->holds = hold.hist.count;
    rep->holds_over_aim = hold.hist.over;
    rep->p99_hold_ns = holdhist_percentile(&hold.hist, 990, rep->max_hold_ns);
    plat_trace(TRACE_LOCK_HOLD, base, rep->max_hold_ns, rep->lock_breaks);
    plat_trace(TRACE_LOCK_DIST, rep->holds, rep->holds_over_aim, rep->p99_hold_ns);
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
    int r = hp_check_range(base, size, &spfn, &epfn);
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
    if (hp_map_subs(spfn, epfn, hp_want_offline_map, HP_MAP)) {
        mm_unlock_irqrestore(irq);
        MM_LOG(LOG_ERR, "online 0x%llx+0x%llx: cannot map", (unsigned long long)base,
               (unsigned long long)size);
        mm_counters.online_fail++;
        return MM_ENOMEM;
    }
    /* top down: the free lists are LIFO, so the lowest blocks end up first in them */
    for (uint64_t sp = epfn - MM_PAGES_PER_SUB; sp + MM_PAGES_PER_SUB > spfn; sp -= MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (!s || !((s->present & ~s->online) >> sub & 1))
            continue;
        struct mm_zone_lists *z = sect_zone_ptr(s, sub);
        MM_ASSERT(!(s->caged >> sub & 1), sp, NULL);
        s->online |= 1ull << sub;
        z->online += s->sub_pages[sub];
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) {
            struct frame *f = sub_frame(s, sub, p - sp);
            unsigned o = f->order;
            MM_ASSERT(f->state == FS_OFFLINE || f->state == FS_FIXED || f->state == FS_HOLE, p, f);
            if (f->state == FS_OFFLINE)
                buddy_free_block_locked(p, o);
            p += 1u << o;
        }
    }
    mm_counters.online_ok++;
    mm_unlock_irqrestore(irq);
    plat_trace(TRACE_ONLINE, base, size, 0);
    return 0;
}

/* Does section struct s live in [v, v+len) (on a hot-added range's first pages)? */
static bool hp_lives_in(const struct mm_section *s, const uint8_t *v, uint64_t len)
{
    return s && s->home == SECT_ON_RANGE && (const uint8_t *)s >= v && (const uint8_t *)s < v + len;
}

/* Subsections of section idx inside [spfn, epfn). */
static uint64_t hp_sub_mask(uint64_t idx, uint64_t spfn, uint64_t epfn)
{
    uint64_t s0 = idx << PFN_SECTION_SHIFT, e0 = s0 + (1ull << PFN_SECTION_SHIFT);
    uint64_t lo = spfn > s0 ? spfn : s0, hi = epfn < e0 ? epfn : e0;
    unsigned a = (unsigned)((lo - s0) >> PFN_SUB_SHIFT), n = (unsigned)((hi - lo) >> PFN_SUB_SHIFT);
    return (n >= 64 ? ~0ull : (1ull << n) - 1) << a;
}

/* Hot-add [base, base+size) on node and online it. */
int mm_add_memory(uint64_t base, uint64_t size, unsigned node)
{
    uint64_t spfn, epfn;
    int r = hp_check_range(base, size, &spfn, &epfn);
    if (r || node >= MAX_NODES) {
        mm_counters.add_fail++;
        return MM_EINVAL;
    }
    buddy_zones_init();
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
    /* on its first pages: the memmap, then the structs of the sections not present yet; they are
     * mapped now (the rest is mapped by the online below) */
    uint64_t nsub = (epfn - spfn) / MM_PAGES_PER_SUB, nnew = 0;
    uint64_t sidx0 = spfn >> PFN_SECTION_SHIFT, sidx1 = (epfn - 1) >> PFN_SECTION_SHIFT;
    for (uint64_t idx = sidx0; idx <= sidx1; idx++)
        nnew += !sect_at(idx);
    uint64_t meta = nsub * SUB_MEMMAP_BYTES + nnew * SECT_BYTES;
    uint64_t mm_end = spfn + (meta + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t map_len = (((mm_end - spfn) << PAGE_SHIFT) + SUBSECTION_SIZE - 1) & ~(SUBSECTION_SIZE - 1);
    if (plat_map_range(base, map_len)) {
        MM_LOG(LOG_ERR, "add 0x%llx+0x%llx: cannot map", (unsigned long long)base, (unsigned long long)size);
        mm_counters.add_fail++;
        return MM_ENOMEM;
    }
    uint8_t *v = plat_phys_to_virt(base);
    if (!v) {
        plat_unmap_range(base, map_len);
        mm_counters.add_fail++;
        return MM_EINVAL;
    }
    /* section structs first (a new table leaf comes from plat_alloc, which may use the buddy) */
    uint8_t *at = v + nsub * SUB_MEMMAP_BYTES;
    for (uint64_t idx = sidx0; idx <= sidx1; idx++) {
        bool fresh = !sect_at(idx);
        if (!sect_install(idx, node, fresh ? at : NULL)) {
            for (uint64_t q = sidx0; q < idx; q++)
                if (hp_lives_in(sect_at(q), v, meta))
                    sect_forget(q);
            plat_unmap_range(base, map_len);
            mm_counters.add_fail++;
            return MM_ENOMEM;
        }
        at += fresh ? SECT_BYTES : 0;
    }
    unsigned long irq = mm_lock_irqsave();
    for (uint64_t i = 0; i < nsub; i++) {
        uint64_t sp = spfn + i * MM_PAGES_PER_SUB;
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        if (s->node != node && (i == 0 || sub == 0))
            MM_LOG(LOG_WARN, "add: section %llu is on node %u, not %u: counted there",
                   (unsigned long long)(sp >> PFN_SECTION_SHIFT), s->node, node);
        /* the memmap is not written (lazy descriptors): only the blocks' heads */
        s->mem[sub] = (struct frame *)(v + i * MM_PAGES_PER_SUB * sizeof(struct frame));
        s->present |= 1ull << sub;
        s->movable |= 1ull << sub;
        s->sub_pages[sub] = MM_PAGES_PER_SUB;
        sect_zone_ptr(s, sub)->present += MM_PAGES_PER_SUB;
        uint64_t p = sp, e = sp + MM_PAGES_PER_SUB;
        if (mm_end > sp) {
            s->keepmap |= 1ull << sub;
            p = mm_end < e ? mm_end : e;
            sect_make_blocks(sp, p, FS_FIXED, MM_OWN_MEMMAP);
        }
        if (p < e)
            sect_make_blocks(p, e, FS_OFFLINE, MM_OWN_FREE);
    }
    added[slot].base = base;
    added[slot].size = size;
    added[slot].map_len = map_len;
    mm_unlock_irqrestore(irq);
    mm_counters.add_ok++;
    MM_LOG(LOG_INFO, "added 0x%llx-0x%llx on node %u (memmap + section structs: %llu pages on itself)",
           (unsigned long long)base, (unsigned long long)(base + size), node,
           (unsigned long long)(mm_end - spfn));
    r = mm_online_range(base, size);
    if (r) { /* undo: the range is offline, so remove it and drop the mapping of its memmap */
        MM_LOG(LOG_ERR, "add 0x%llx+0x%llx: online failed (%d): removed again", (unsigned long long)base,
               (unsigned long long)size, r);
        PLAT_ASSERT(mm_remove_memory(base, size) == 0);
        plat_unmap_range(base, size);
        mm_counters.add_ok--;
        mm_counters.add_fail++;
    }
    return r;
}

/* Order of one subsection's frame database: 512 frames of 16 bytes = 2 pages. */
#define MEMMAP_ORDER 1
_Static_assert((PAGE_SIZE << MEMMAP_ORDER) == MM_PAGES_PER_SUB * sizeof(struct frame), "memmap order");

/* Give back the frame databases of [spfn, epfn) (subsections not present). */
static void hp_free_sub_memmaps(uint64_t spfn, uint64_t epfn)
{
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        MM_ASSERT(s && (s->memmap_alloc >> sub & 1) && !(s->present >> sub & 1), sp, NULL);
        mm_free_pages(plat_virt_to_phys(s->mem[sub]), MEMMAP_ORDER);
        s->mem[sub] = NULL;
        s->memmap_alloc &= ~(1ull << sub);
    }
}

/* Remove an offline hot-added range. */
int mm_remove_memory(uint64_t base, uint64_t size)
{
    uint64_t spfn, epfn;
    int r = hp_check_range(base, size, &spfn, &epfn);
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
    /* section structs living on this range that still serve other memory move to the heap */
    uint8_t *v = plat_phys_to_virt(base);
    uint64_t sidx0 = spfn >> PFN_SECTION_SHIFT, sidx1 = (epfn - 1) >> PFN_SECTION_SHIFT;
    for (uint64_t idx = sidx0; idx <= sidx1; idx++) {
        struct mm_section *s = sect_at(idx);
        if (hp_lives_in(s, v, size) && (s->present & ~hp_sub_mask(idx, spfn, epfn)) &&
            sect_move_to_heap(idx)) {
            mm_unlock_irqrestore(irq);
            MM_LOG(LOG_ERR, "remove 0x%llx+0x%llx: no memory to move section %llu's struct",
                   (unsigned long long)base, (unsigned long long)size, (unsigned long long)idx);
            mm_counters.remove_fail++;
            return MM_ENOMEM;
        }
    }
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        uint64_t bit = 1ull << sub;
        MM_ASSERT((s->present & ~s->online & ~s->caged) >> sub & 1, sp, NULL);
        sect_zone_ptr(s, sub)->present -= s->sub_pages[sub];
        s->present &= ~bit;
        s->keepmap &= ~bit;
        s->movable &= ~bit;
        s->sub_pages[sub] = 0;
        if (s->memmap_alloc & bit) /* added by mm_add_subsections: its memmap came from the allocator */
            hp_free_sub_memmaps(sp, sp + MM_PAGES_PER_SUB);
        s->mem[sub] = NULL;
    }
    for (uint64_t idx = sidx0; idx <= sidx1; idx++) {
        if (hp_lives_in(sect_at(idx), v, size))
            sect_forget(idx);
        else
            sect_put_if_empty(idx);
    }
    plat_unmap_range(base, added[slot].map_len);
    added[slot].base = added[slot].size = 0;
    mm_unlock_irqrestore(irq);
    mm_counters.remove_ok++;
    plat_trace(TRACE_REMOVE, base, size, 0);
    return 0;
}

/* ---- per-subsection hot-add (virtio-mem: blocks plugged and unplugged one by one) ----------
 * Each subsection's frame database (8 KiB) comes from the buddy allocator, as Linux places the
 * memmap of virtio-mem memory: adding touches none of the new memory (a host backs it lazily),
 * every subsection is one whole free order-9 block (allocations pack into few blocks instead of
 * nibbling a ladder of small blocks in each), and any subsection can go alone.
 * Such subsections have their bit in the section's memmap_alloc mask. */
/* Hot-add every subsection of [base, base+size) on node as its own unit and online them. */
int mm_add_subsections(uint64_t base, uint64_t size, unsigned node)
{
    uint64_t spfn = 0, epfn = 0;
    if (hp_check_range(base, size, &spfn, &epfn) || node >= MAX_NODES) {
        mm_counters.add_fail++;
        return MM_EINVAL;
    }
    buddy_zones_init();
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB)
        if (pfn_frame_safe(sp)) {
            mm_counters.add_fail++;
            return MM_EEXIST;
        }
    /* Section structs and frame databases first (both take memory from the allocator). */
    uint64_t sp = spfn;
    for (; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = sect_install(sp >> PFN_SECTION_SHIFT, node, NULL);
        uint64_t pa = s ? mm_alloc_pages_owner(MEMMAP_ORDER, MM_ZERO, MM_OWN_MEMMAP, 0) : 0;
        if (!pa)
            break;
        s->mem[pfn_sub(sp)] = plat_phys_to_virt(pa); /* not present yet: nothing looks at it */
        s->memmap_alloc |= 1ull << pfn_sub(sp);
    }
    if (sp < epfn) {
        hp_free_sub_memmaps(spfn, sp);
        for (uint64_t q = spfn; q <= sp && q < epfn; q += MM_PAGES_PER_SUB)
            sect_put_if_empty(q >> PFN_SECTION_SHIFT);
        mm_counters.add_fail++;
        return MM_ENOMEM;
    }
    unsigned long irq = mm_lock_irqsave();
    for (sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        unsigned sub = pfn_sub(sp);
        s->sub_pages[sub] = MM_PAGES_PER_SUB;
        s->movable |= 1ull << sub;
        s->present |= 1ull << sub;
        sect_zone_ptr(s, sub)->present += MM_PAGES_PER_SUB;
        sect_make_blocks(sp, sp + MM_PAGES_PER_SUB, FS_OFFLINE, MM_OWN_FREE); /* one OFFLINE head */
    }
    mm_unlock_irqrestore(irq);
    mm_counters.add_ok++;
    plat_trace(TRACE_HOTADD, base, size, node);
    return mm_online_range(base, size); /* maps it */
}

/* Remove offline subsections added by mm_add_subsections (any run of them). */
int mm_remove_subsections(uint64_t base, uint64_t size)
{
    uint64_t spfn = 0, epfn = 0;
    int slot = -1, r = hp_check_range(base, size, &spfn, &epfn);
    bool ours = r == 0;
    for (uint64_t sp = spfn; ours && sp < epfn; sp += MM_PAGES_PER_SUB)
        ours = pfn_frame_safe(sp) && (pfn_sect(sp)->memmap_alloc >> pfn_sub(sp) & 1);
    for (int i = MAX_ADDED - 1; i >= 0; i--)
        slot = added[i].size ? slot : i;
    if (!ours || slot < 0) {
        if (!r)
            MM_LOG(LOG_ERR, "remove 0x%llx+0x%llx: %s", (unsigned long long)base, (unsigned long long)size,
                   ours ? "table of added ranges full" : "not subsections added by mm_add_subsections");
        mm_counters.remove_fail++;
        return r ? r : MM_EINVAL;
    }
    /* Record the run as one added range: mm_remove_memory checks it is offline and undoes it. */
    added[slot].base = base;
    added[slot].size = size;
    added[slot].map_len = size;
    r = mm_remove_memory(base, size); /* frees the allocator-made frame databases too */
    added[slot].base = added[slot].size = added[slot].map_len = 0;
    return r;
}

/* Pages of [base, base+size) by use: free, migratable, unmovable (first one named), offline. */
int mm_range_usage(uint64_t base, uint64_t size, struct mm_range_usage *u)
{
    uint64_t spfn, epfn;
    memset(u, 0, sizeof *u);
    int r = hp_check_range(base, size, &spfn, &epfn);
    if (r)
        return r;
    unsigned long irq = mm_lock_irqsave();
    for (uint64_t sp = spfn; sp < epfn; sp += MM_PAGES_PER_SUB) {
        struct mm_section *s = pfn_sect(sp);
        if (!s || !(s->present >> pfn_sub(sp) & 1))
            continue;
        if (!(s->online >> pfn_sub(sp) & 1)) {
            u->offline += s->sub_pages[pfn_sub(sp)];
            continue;
        }
        for (uint64_t p = sp; p < sp + MM_PAGES_PER_SUB;) { /* heads only (lazy descriptors) */
            struct frame *f = pfn_frame(p);
            unsigned st = frame_state(f); /* a cached block may be changing on its CPU */
            MM_ASSERT(st > FS_TAIL && f->order <= MM_MAX_ORDER, p, f);
            uint64_t n = 1ull << f->order;
            if (st == FS_FIXED || st == FS_HOLE)
                ;
            else if (fs_is_free(st) || st == FS_CACHED) /* cached: drained when caged */
                u->free += n;
            else if ((st == FS_MOVABLE && mm_migrate_fns[f->owner]) || fs_is_migrating(st))
                u->movable += n;
            else {
                if (!u->unmovable) {
                    u->first_unmov_pfn = p;
                    u->first_unmov_owner = f->owner;
                    u->first_unmov_cookie = f->use.cookie;
                }
                u->unmovable += n;
            }
            p += n;
        }
    }
    mm_unlock_irqrestore(irq);
    return 0;
}
