/* stress.c - the `stress` workload (stress.h). Each thread owns:
 *   - page blocks of random orders (normal zone), each page tagged in its first and last word;
 *   - kmalloc blocks filled with a byte pattern;
 *   - movable objects of STRESS_OBJ_PAGES pages (owner "stress"), mapped in the thread's window
 *     of the stress area (STRESS_VA_BASE): in each page STRESS_COUNTERS counter words that only
 *     this thread increments (plain, unlocked stores) and a fixed pattern in the rest. A shadow
 *     copy of every counter lives in the thread's kmalloc memory, so a lost write is seen exactly.
 * The memory manager migrates object pages while the threads write them: the isolate callback
 * turns the page's mapping into a migration entry and shoots down the TLBs before the copy, the
 * migrate callback maps the new page; a thread touching the page in between waits in its page
 * fault handler (paging_migration_wait). Object mappings change only under mm_lock.
 * A thread runs on one CPU and only it touches its window, so that CPU is the only one whose
 * TLB can hold the window's entries: shootdowns of the window target it alone. */
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/percpu.h"
#include "kernel/sched.h"
#include "kernel/stress.h"
#include "mm/mm.h"

#define NBLOCKS 32
#define NHEAP 32
#define MAX_THREADS MAX_CPUS

struct sobj {
    uint64_t va; /* 0: slot free */
    uint64_t *shadow;
};

struct sthread {
    unsigned idx, cpu;
    uint64_t seed;
    unsigned nobjs;
    struct sobj *objs;
    struct {
        uint64_t pa, tag;
        unsigned order;
    } blk[NBLOCKS];
    struct {
        uint8_t *p;
        size_t n;
    } heap[NHEAP];
    struct stress_stats st;
};

static struct sthread *threads[MAX_THREADS];
static unsigned nthreads;
static volatile int stop_flag;
static volatile unsigned running;
static uint64_t deadline_ns, start_ns, end_ns;
static struct waitq done_wq = WAITQ_INIT("stress-done");
static bool callbacks_set;
static unsigned obj_flags; /* MM_MOVABLE [| MM_NODE(n)] */

/* xorshift64 */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The fixed pattern of word k of page i of the object at va. */
static uint64_t pattern(uint64_t va, uint64_t i, uint64_t k)
{
    uint64_t x = va ^ (i << 12) ^ (k * 0x9e3779b97f4a7c15ull);
    x = (x ^ (x >> 31)) * 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 29);
}

/* The va of page aux of the object with cookie (thread << 20 | object). */
static uint64_t cookie_va(uint32_t cookie, uint32_t aux)
{
    unsigned t = cookie >> 20, o = cookie & 0xfffff;
    return STRESS_VA_BASE + t * STRESS_VA_PER_THREAD +
           ((uint64_t)o * (STRESS_OBJ_PAGES + 1) + aux) * PAGE_SIZE;
}

/* mm isolate callback (mm_lock held): writers of the page now fault and wait. */
static void stress_isolate(uint64_t old_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    (void)old_pa, (void)order;
    paging_set_migrating(cookie_va(cookie, aux), 1ull << threads[cookie >> 20]->cpu);
}

/* mm migrate callback (mm_lock held): map the page's copy; waiting writers go on there. */
static int stress_migrate(uint64_t old_pa, uint64_t new_pa, unsigned order, uint32_t cookie, uint32_t aux)
{
    (void)order;
    if (paging_map_page(cookie_va(cookie, aux), new_pa, true, false) == 0)
        return 0;
    paging_map_page(cookie_va(cookie, aux), old_pa, true, false); /* never leave it unmapped */
    return MM_ENOMEM;
}

/* Create object o of thread t: pages allocated movable, mapped, patterned (under mm_lock, so no
 * migration sees a page before its mapping exists). 0 or -1. */
static int obj_create(struct sthread *t, unsigned o)
{
    struct sobj *so = &t->objs[o];
    uint32_t cookie = (uint32_t)t->idx << 20 | o;
    uint64_t va = cookie_va(cookie, 0);
    uint64_t *shadow = kmalloc(STRESS_OBJ_PAGES * STRESS_COUNTERS * sizeof(uint64_t));
    if (!shadow)
        return -1;
    unsigned i;
    unsigned long f = mm_lock_irqsave();
    for (i = 0; i < STRESS_OBJ_PAGES; i++) {
        uint64_t pa = mm_alloc_pages_owner(0, obj_flags, MM_OWN_STRESS, cookie);
        if (!pa)
            break;
        mm_set_aux(pa, i);
        if (paging_map_page(va + i * PAGE_SIZE, pa, true, false)) {
            mm_free_pages(pa, 0);
            break;
        }
    }
    if (i < STRESS_OBJ_PAGES) {
        while (i--) {
            uint64_t pa = paging_virt_to_phys(va + i * PAGE_SIZE);
            paging_unmap_page(va + i * PAGE_SIZE);
            mm_free_pages(pa, 0);
        }
        mm_unlock_irqrestore(f);
        kfree(shadow);
        return -1;
    }
    mm_unlock_irqrestore(f);
    for (i = 0; i < STRESS_OBJ_PAGES; i++) {
        uint64_t *w = (uint64_t *)(va + i * PAGE_SIZE);
        for (unsigned k = 0; k < PAGE_SIZE / 8; k++)
            w[k] = k < STRESS_COUNTERS ? 0 : pattern(va, i, k);
    }
    so->va = va;
    so->shadow = shadow;
    t->st.obj_pages += STRESS_OBJ_PAGES;
    return 0;
}

/* Check every counter and pattern word of object o against the thread's records. */
static void obj_verify(struct sthread *t, unsigned o)
{
    struct sobj *so = &t->objs[o];
    for (unsigned i = 0; i < STRESS_OBJ_PAGES; i++) {
        const volatile uint64_t *w = (const uint64_t *)(so->va + i * PAGE_SIZE);
        for (unsigned k = 0; k < PAGE_SIZE / 8; k++) {
            uint64_t want = k < STRESS_COUNTERS ? so->shadow[i * STRESS_COUNTERS + k] : pattern(so->va, i, k);
            if (w[k] != want) {
                if (k < STRESS_COUNTERS)
                    t->st.bad_counters++;
                else
                    t->st.bad_patterns++;
                if (t->st.bad_counters + t->st.bad_patterns < 4)
                    plat_log(LOG_ERR, "stress", "cpu %u: object 0x%llx page %u word %u is 0x%llx, not 0x%llx",
                             t->cpu, (unsigned long long)so->va, i, k, (unsigned long long)w[k],
                             (unsigned long long)want);
            }
        }
    }
    t->st.verifies++;
}

/* Verify, unmap and free object o. */
static void obj_free(struct sthread *t, unsigned o)
{
    struct sobj *so = &t->objs[o];
    obj_verify(t, o);
    uint64_t pas[STRESS_OBJ_PAGES];
    unsigned long f = mm_lock_irqsave();
    paging_unmap_pages(so->va, STRESS_OBJ_PAGES, pas, 1ull << t->cpu);
    for (unsigned i = 0; i < STRESS_OBJ_PAGES; i++)
        mm_free_pages(pas[i], 0);
    mm_unlock_irqrestore(f);
    kfree(so->shadow);
    so->va = 0;
    t->st.obj_pages -= STRESS_OBJ_PAGES;
}

/* Tag or check (check) the pages of a block. */
static void blk_tag(uint64_t pa, unsigned order, uint64_t tag, bool check, uint64_t *bad)
{
    for (uint64_t i = 0; i < (1ull << order); i++) {
        uint64_t *w = phys_to_virt(pa + i * PAGE_SIZE);
        if (!check) {
            w[0] = tag;
            w[PAGE_SIZE / 8 - 1] = tag + i;
        } else if (w[0] != tag || w[PAGE_SIZE / 8 - 1] != tag + i) {
            (*bad)++;
        }
    }
}

/* One random step of thread t. */
static void step(struct sthread *t)
{
    uint64_t r = rnd(&t->seed);
    unsigned pick = (unsigned)(r >> 16);
    unsigned kind = (unsigned)(r % 16);
    if (kind < 9) { /* increment a counter of an object */
        struct sobj *so = &t->objs[pick % t->nobjs];
        if (so->va) {
            unsigned i = (pick >> 8) % STRESS_OBJ_PAGES, k = (pick >> 4) % STRESS_COUNTERS;
            ((volatile uint64_t *)(so->va + i * PAGE_SIZE))[k]++;
            so->shadow[i * STRESS_COUNTERS + k]++;
            t->st.increments++;
        }
    } else if (kind < 10) { /* verify or replace an object */
        unsigned o = pick % t->nobjs;
        if (t->objs[o].va && (r >> 40) % 16)
            obj_verify(t, o);
        else if (t->objs[o].va)
            obj_free(t, o);
        else if (obj_create(t, o))
            t->st.alloc_failures++;
    } else if (kind < 13) { /* a page block of order 0..3 */
        unsigned b = pick % NBLOCKS;
        if (t->blk[b].pa) {
            blk_tag(t->blk[b].pa, t->blk[b].order, t->blk[b].tag, true, &t->st.bad_pages);
            mm_free_pages(t->blk[b].pa, t->blk[b].order);
            t->blk[b].pa = 0;
        } else {
            t->blk[b].order = (pick >> 8) % 4;
            t->blk[b].tag = r;
            t->blk[b].pa = mm_alloc_pages(t->blk[b].order, 0);
            if (t->blk[b].pa)
                blk_tag(t->blk[b].pa, t->blk[b].order, r, false, NULL);
            else
                t->st.alloc_failures++;
        }
    } else { /* kmalloc */
        unsigned h = pick % NHEAP;
        if (t->heap[h].p) {
            for (size_t j = 0; j < t->heap[h].n; j++)
                if (t->heap[h].p[j] != (uint8_t)(t->idx + j))
                    t->st.bad_heap++;
            kfree(t->heap[h].p);
            t->heap[h].p = NULL;
        } else {
            size_t n = 16 + (pick >> 8) % 2000;
            t->heap[h].p = kmalloc(n);
            if (t->heap[h].p) {
                t->heap[h].n = n;
                for (size_t j = 0; j < n; j++)
                    t->heap[h].p[j] = (uint8_t)(t->idx + j);
            } else {
                t->st.alloc_failures++;
            }
        }
    }
    t->st.ops++;
}

/* Free everything thread t holds, verifying it. */
static void drain(struct sthread *t)
{
    for (unsigned o = 0; o < t->nobjs; o++)
        if (t->objs[o].va)
            obj_free(t, o);
    for (unsigned b = 0; b < NBLOCKS; b++)
        if (t->blk[b].pa) {
            blk_tag(t->blk[b].pa, t->blk[b].order, t->blk[b].tag, true, &t->st.bad_pages);
            mm_free_pages(t->blk[b].pa, t->blk[b].order);
            t->blk[b].pa = 0;
        }
    for (unsigned h = 0; h < NHEAP; h++) {
        kfree(t->heap[h].p);
        t->heap[h].p = NULL;
    }
}

/* A stress thread: create its objects, step until told to stop or out of time, drain. */
static void stress_main(void *arg)
{
    struct sthread *t = arg;
    for (unsigned o = 0; o < t->nobjs && !stop_flag; o++)
        if (obj_create(t, o))
            t->st.alloc_failures++;
    while (!stop_flag && kern_uptime_ns() < deadline_ns)
        for (int i = 0; i < 64; i++)
            step(t);
    drain(t);
    if (t->st.bad_counters || t->st.bad_patterns || t->st.bad_pages || t->st.bad_heap)
        plat_log(LOG_ERR, "stress", "cpu %u: corruption: counters %llu patterns %llu pages %llu heap %llu",
                 t->cpu, (unsigned long long)t->st.bad_counters, (unsigned long long)t->st.bad_patterns,
                 (unsigned long long)t->st.bad_pages, (unsigned long long)t->st.bad_heap);
    if (__atomic_sub_fetch(&running, 1, __ATOMIC_ACQ_REL) == 0) {
        end_ns = kern_uptime_ns();
        waitq_wake_all(&done_wq);
    }
}

/* Start the workload (stress.h). */
int stress_start(uint64_t mask, uint64_t seconds, uint64_t obj_kib, int node)
{
    if (running) {
        plat_log(LOG_ERR, "stress", "already running: `stress off` first");
        return -1;
    }
    unsigned nobjs =
        (unsigned)((obj_kib * 1024 + STRESS_OBJ_PAGES * PAGE_SIZE - 1) / (STRESS_OBJ_PAGES * PAGE_SIZE));
    if (!nobjs || (uint64_t)nobjs * (STRESS_OBJ_PAGES + 1) * PAGE_SIZE > STRESS_VA_PER_THREAD ||
        nobjs >= (1u << 20))
        return plat_log(LOG_ERR, "stress", "object size %llu KiB out of range", (unsigned long long)obj_kib),
               -1;
    if (!callbacks_set) {
        mm_set_migrate_fn(MM_OWN_STRESS, stress_migrate);
        mm_set_isolate_fn(MM_OWN_STRESS, stress_isolate);
        callbacks_set = true;
    }
    for (unsigned i = 0; i < nthreads; i++) {
        kfree(threads[i]->objs);
        kfree(threads[i]);
        threads[i] = NULL;
    }
    nthreads = 0;
    stop_flag = 0;
    obj_flags = MM_MOVABLE | (node >= 0 ? MM_NODE(node) : 0);
    start_ns = kern_uptime_ns();
    deadline_ns = start_ns + seconds * 1000000000ull;
    for (unsigned c = 0; c < ncpus && c < MAX_THREADS; c++) {
        if (!(mask >> c & 1) || !cpus[c].online)
            continue;
        struct sthread *t = kmalloc(sizeof *t);
        struct sobj *objs = t ? kmalloc(nobjs * sizeof *objs) : NULL;
        if (!objs) {
            kfree(t);
            break;
        }
        t->idx = nthreads;
        t->cpu = c;
        t->seed = 0x9e3779b97f4a7c15ull * (c + 1) + 13;
        t->nobjs = nobjs;
        t->objs = objs;
        threads[nthreads++] = t;
    }
    running = nthreads;
    for (unsigned i = 0; i < nthreads; i++)
        if (!thread_create(threads[i]->cpu, "stress", stress_main, threads[i]))
            panic("stress: cannot start a thread on cpu %u", threads[i]->cpu); /* memory checked above */
    plat_log(LOG_INFO, "stress", "%u threads, %u objects of %d pages each, %llu s", nthreads, nobjs,
             STRESS_OBJ_PAGES, (unsigned long long)seconds);
    return nthreads ? 0 : -1;
}

/* Nobody still running (wait condition). */
static bool all_done(void *arg)
{
    (void)arg;
    return __atomic_load_n(&running, __ATOMIC_ACQUIRE) == 0;
}

/* Stop and wait for the threads. */
void stress_stop(void)
{
    stop_flag = 1;
    waitq_wait(&done_wq, all_done, NULL);
}

/* Sum of the threads' statistics. */
void stress_get(struct stress_stats *st)
{
    memset(st, 0, sizeof *st);
    st->threads = nthreads;
    st->running = running;
    for (unsigned i = 0; i < nthreads; i++) {
        const struct stress_stats *s = &threads[i]->st;
        st->ops += s->ops;
        st->increments += s->increments;
        st->verifies += s->verifies;
        st->obj_pages += s->obj_pages;
        st->bad_counters += s->bad_counters;
        st->bad_patterns += s->bad_patterns;
        st->bad_pages += s->bad_pages;
        st->bad_heap += s->bad_heap;
        st->alloc_failures += s->alloc_failures;
    }
    st->elapsed_ns = (running ? kern_uptime_ns() : end_ns) - start_ns;
}
