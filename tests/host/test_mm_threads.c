/* test_mm_threads.c - the memory manager under real threads (pthread-backed platform spinlocks,
 * tests/host/plat_host.c): the lock checks (order, recursion, blocking with a lock held), then a
 * multithreaded stress - page alloc/free of random orders, kmalloc/kfree, movable objects, with
 * the per-CPU page caches on (mm/pcp.c) - while a hotplug thread cages, offlines (migrating), onlines,
 * removes and re-adds a DIMM. Every thread writes a private pattern into what it owns and verifies it before
 * freeing, so a block handed to two threads at once is detected; mm_verify after each phase; free pages back
 * to the baseline at the end. Fixed seeds (printed). Built twice: ASan+UBSan (test_mm_threads)
 * and ThreadSanitizer (test_mm_threads_tsan, see the Makefile). */
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define DIMM 0x100000000ull
#define DIMM_SIZE (256 * MiB)
#define NWORKERS 4
#define NHELD 48
static uint64_t seed; /* check_seed: HOTMEM_TEST_SEED, else 0x5eed13 */

static volatile int stop;
static uint64_t iters; /* steps per worker and phase */
static uint64_t total_offline_ok, total_offline_fail, total_migrated;
static uint64_t hotplug_errors; /* failed remove/add/online (check.h's counters are not thread-safe) */

/* xorshift64 */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Does f() panic with a message containing want? (the panic is caught; locks are released) */
static bool panics(void (*f)(void), const char *want)
{
    jmp_buf jb;
    plat_host_panic_jmp = &jb;
    plat_host_panic_msg[0] = 0;
    if (setjmp(jb) == 0)
        f();
    plat_host_panic_jmp = NULL;
    bool hit = strstr(plat_host_panic_msg, want) != NULL;
    if (!hit)
        fprintf(stderr, "expected a panic with '%s', got '%s'\n", want, plat_host_panic_msg);
    return hit;
}

static struct plat_spinlock rank30 = PLAT_SPINLOCK_INIT("test30", 30, 0);

static void take_out_of_order(void)
{
    unsigned long a = plat_spin_lock_irqsave(&rank30);
    unsigned long b = mm_lock_irqsave(); /* rank 10 after rank 30: must panic */
    mm_unlock_irqrestore(b);
    plat_spin_unlock_irqrestore(&rank30, a);
}

static void take_twice(void)
{
    unsigned long a = plat_spin_lock_irqsave(&rank30);
    unsigned long b = plat_spin_lock_irqsave(&rank30);
    plat_spin_unlock_irqrestore(&rank30, b);
    plat_spin_unlock_irqrestore(&rank30, a);
}

static void block_with_lock(void)
{
    unsigned long a = mm_lock_irqsave();
    plat_might_block("test sleep");
    mm_unlock_irqrestore(a);
}

static void release_unheld(void)
{
    plat_spin_unlock_irqrestore(&rank30, 0);
}

/* The debug checks of the lock order and of blocking. */
static void test_lock_checks(void)
{
    unsigned long a = mm_lock_irqsave(), b = mm_lock_irqsave(); /* recursive: fine */
    unsigned long c = plat_spin_lock_irqsave(&rank30);          /* 10 -> 30: in order */
    CHECK(plat_spin_held(&mm_lock) && plat_spin_held(&rank30));
    plat_spin_unlock_irqrestore(&rank30, c);
    mm_unlock_irqrestore(b);
    CHECK(plat_spin_held(&mm_lock));
    mm_unlock_irqrestore(a);
    CHECK(!plat_spin_held(&mm_lock));
    plat_might_block("no lock held"); /* fine */
    CHECK(panics(take_out_of_order, "lock order: taking mm_lock (rank 10) while holding test30 (rank 30)"));
    CHECK(panics(take_twice, "taken again"));
    CHECK(panics(block_with_lock, "test sleep with spinlock mm_lock held"));
    CHECK(panics(release_unheld, "released by thread"));
    CHECK(!plat_spin_held(&mm_lock) && !plat_spin_held(&rank30));
    plat_might_block("after the panics"); /* the caught panics left nothing held */
}

struct held {
    uint64_t pa;
    unsigned order;
    uint64_t tag;
};

struct worker {
    pthread_t t;
    unsigned id;
    uint64_t seed;
    bool objects;
    struct held pages[NHELD];
    void *heap[NHELD];
    size_t heap_size[NHELD];
    uint32_t objs[8];
    uint64_t ops, bad;
};

/* Fill / check the first and last word of every page of a block with tag. */
static void tag_block(uint64_t pa, unsigned order, uint64_t tag, bool check, uint64_t *bad)
{
    for (uint64_t i = 0; i < (1ull << order); i++) {
        uint64_t *w = plat_phys_to_virt(pa + i * PAGE_SIZE);
        if (check) {
            if (w[0] != tag || w[PAGE_SIZE / 8 - 1] != tag + i)
                (*bad)++;
        } else {
            w[0] = tag;
            w[PAGE_SIZE / 8 - 1] = tag + i;
        }
    }
}

/* One random step of a worker. */
static void worker_step(struct worker *w)
{
    uint64_t r = rnd(&w->seed);
    unsigned slot = (unsigned)(r >> 8) % NHELD;
    switch (r % 8) {
    case 0:
    case 1:
    case 2: {
        struct held *h = &w->pages[slot];
        if (h->pa) {
            tag_block(h->pa, h->order, h->tag, true, &w->bad);
            mm_free_pages(h->pa, h->order);
            h->pa = 0;
        } else {
            h->order = (unsigned)(r >> 20) % 4;
            h->pa = mm_alloc_pages(h->order, 0); /* normal zone: the DIMM holds only objects */
            h->tag = ((uint64_t)w->id << 56) ^ (r << 8);
            if (h->pa)
                tag_block(h->pa, h->order, h->tag, false, NULL);
        }
        break;
    }
    case 3:
    case 4:
    case 5: {
        unsigned char *p = w->heap[slot];
        if (p) {
            for (size_t i = 0; i < w->heap_size[slot]; i++)
                if (p[i] != (unsigned char)(w->id + i))
                    w->bad++;
            kfree(p);
            w->heap[slot] = NULL;
        } else {
            size_t n = 16 + (size_t)((r >> 20) % 3000);
            p = kmalloc(n);
            if (p) {
                for (size_t i = 0; i < n; i++)
                    p[i] = (unsigned char)(w->id + i);
                w->heap[slot] = p;
                w->heap_size[slot] = n;
            }
        }
        break;
    }
    default:
        if (!w->objects)
            break;
        uint32_t *o = &w->objs[slot % 8];
        if (*o) {
            w->bad += mm_obj_drop(*o) != 0;
            *o = 0;
        } else if (mm_obj_create(PAGE_SIZE * (1 + (r >> 20) % 16), true, 0, o)) {
            *o = 0;
        }
        break;
    }
    w->ops++;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    for (uint64_t i = 0; i < iters; i++)
        worker_step(w);
    return NULL;
}

/* Free everything a worker holds (after a phase), checking its patterns. */
static void worker_drain(struct worker *w)
{
    for (unsigned i = 0; i < NHELD; i++) {
        if (w->pages[i].pa) {
            tag_block(w->pages[i].pa, w->pages[i].order, w->pages[i].tag, true, &w->bad);
            mm_free_pages(w->pages[i].pa, w->pages[i].order);
            w->pages[i].pa = 0;
        }
        if (w->heap[i]) {
            kfree(w->heap[i]);
            w->heap[i] = NULL;
        }
    }
    for (unsigned i = 0; i < 8; i++)
        if (w->objs[i]) {
            CHECK_EQ(mm_obj_drop(w->objs[i]), 0);
            w->objs[i] = 0;
        }
}

/* The hotplug thread: offline/online each 128 MiB of the DIMM in turn; every few rounds offline
 * the whole DIMM, remove it and add it back. */
static void *hotplug_main(void *arg)
{
    uint64_t *rounds = arg;
    for (uint64_t n = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED) || n < 4; n++) {
        struct mm_offline_report rep;
        uint64_t base = DIMM + (n % 2) * 128 * MiB;
        if (mm_offline_range(base, 128 * MiB, &rep) == 0) {
            total_offline_ok++;
            total_migrated += rep.pages_migrated;
            if (n % 5 == 4 && mm_offline_range(DIMM, DIMM_SIZE, NULL) == 0) {
                hotplug_errors += mm_remove_memory(DIMM, DIMM_SIZE) != 0;
                hotplug_errors += mm_add_memory(DIMM, DIMM_SIZE, 0) != 0;
            } else {
                hotplug_errors += mm_online_range(base, 128 * MiB) != 0;
            }
        } else {
            total_offline_fail++;
        }
        (*rounds)++;
    }
    return NULL;
}

/* The offline's poll hook: let the other threads run (they may free pages into the cage). */
/* Other threads may free pages of the caged range: yield to them and keep waiting (bounded). */
static bool poll_yield(void *arg)
{
    (void)arg;
    plat_might_block("offline poll");
    sched_yield();
    return true;
}

/* The offline's TLB waits (between isolate and copy, and after remaps): count those made with
 * mm_lock held (there must be none) and yield, as a slow shootdown would, so that workers free
 * and create objects while pages of theirs are isolated. */
static uint64_t tlb_waits, tlb_waits_locked;
static void tlb_wait_yield(void)
{
    __atomic_add_fetch(&tlb_waits, 1, __ATOMIC_RELAXED);
    if (plat_spin_held(&mm_lock))
        __atomic_add_fetch(&tlb_waits_locked, 1, __ATOMIC_RELAXED);
    sched_yield();
}

/* One phase: NWORKERS workers (with objects or not) of iters steps each, with or without the
 * hotplug thread (running until the workers are done); then everything freed and checked. */
static void phase(const char *name, bool objects, bool hotplug)
{
    static struct worker ws[NWORKERS];
    uint64_t rounds = 0;
    pthread_t hp;
    stop = 0;
    for (unsigned i = 0; i < NWORKERS; i++) {
        memset(&ws[i], 0, sizeof ws[i]);
        ws[i].id = i + 1;
        ws[i].seed = seed * (i + 1) + 1;
        ws[i].objects = objects;
        CHECK_EQ(pthread_create(&ws[i].t, NULL, worker_main, &ws[i]), 0);
    }
    if (hotplug)
        CHECK_EQ(pthread_create(&hp, NULL, hotplug_main, &rounds), 0);
    uint64_t ops = 0, bad = 0;
    for (unsigned i = 0; i < NWORKERS; i++) {
        pthread_join(ws[i].t, NULL);
        ops += ws[i].ops;
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    if (hotplug)
        pthread_join(hp, NULL);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    for (unsigned i = 0; i < NWORKERS; i++) {
        worker_drain(&ws[i]);
        bad += ws[i].bad;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(hotplug_errors, 0);
    CHECK_EQ(mm_verify(), 0);
    printf("phase %s: %llu ops by %d threads, %llu hotplug rounds (offline ok %llu, failed %llu, %llu pages "
           "migrated), %llu corrupt\n",
           name, (unsigned long long)ops, NWORKERS, (unsigned long long)rounds,
           (unsigned long long)total_offline_ok, (unsigned long long)total_offline_fail,
           (unsigned long long)total_migrated, (unsigned long long)bad);
}

int main(int argc, char **argv)
{
    iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
    seed = check_seed("test_mm_threads", 0x5eed13);
    printf("test_mm_threads: %d workers, %llu steps each per phase\n", NWORKERS, (unsigned long long)iters);
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(DIMM, DIMM_SIZE);
    test_lock_checks();
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_add_memory(DIMM, DIMM_SIZE, 0), 0);
    mm_pcp_enable(true); /* per-CPU page caches, as in the kernel: every offline drains them */
    mm_set_offline_timeout_ms(5);
    mm_set_poll_hook(poll_yield, NULL);
    plat_host_tlb_wait_hook = tlb_wait_yield;
    struct mm_zone_stats t0, t1;
    phase("alloc", false, false);
    mm_total_stats(&t0); /* after the heap has its one cached empty slab per size class */
    phase("alloc+objects", true, false);
    phase("alloc+objects+hotplug", true, true);
    mm_total_stats(&t1);
    CHECK_EQ(t1.free, t0.free);
    CHECK_EQ(t1.online, t0.online);
    CHECK(total_offline_ok > 0);
    CHECK(tlb_waits > 0);
    CHECK_EQ(tlb_waits_locked, 0);
    printf("offline TLB waits %llu (with mm_lock held: %llu), blocks freed by their owner while migrating "
           "%llu\n",
           (unsigned long long)tlb_waits, (unsigned long long)tlb_waits_locked,
           (unsigned long long)mm_counters.migrate_freed);
    CHECK_SUMMARY();
}
