/* test_mm_pcp.c - per-CPU page caches (mm/pcp.c): refill and spill in batches, counting cached
 * pages as free, frees into a caged subsection taken by the cage, an offline taking back the
 * pages cached by other CPUs (threads here), allocation that drains the caches before it fails,
 * mm_verify with full caches, bad frees still caught, and drains racing with every thread's own
 * cache use (the remote way against the fast way). */
#include <pthread.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/expect_panic.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define DIMM 0x100000000ull
#define NTHREADS 3

static void setup(void)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    mm_pcp_enable(true);
}

static uint64_t free_pages(unsigned zone)
{
    struct mm_zone_stats st;
    mm_zone_stats(0, zone, &st);
    return st.free;
}

static uint64_t list_pages(unsigned zone)
{
    return mm_zones[0][zone].free;
}

/* One allocation refills a batch; the rest stay cached and count as free. */
static void test_refill_and_free(void)
{
    setup();
    uint64_t f0 = free_pages(MM_ZONE_NORMAL), l0 = list_pages(MM_ZONE_NORMAL);
    uint64_t pa = mm_alloc_pages(0, 0);
    CHECK(pa != 0);
    CHECK_EQ(list_pages(MM_ZONE_NORMAL), l0 - MM_PCP_BATCH);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL), MM_PCP_BATCH - 1);
    CHECK_EQ(free_pages(MM_ZONE_NORMAL), f0 - 1);
    CHECK_EQ(pfn_frame((pa >> PAGE_SHIFT) ^ 1)->state, FS_CACHED); /* a batch neighbour */
    mm_free_pages(pa, 0);
    CHECK_EQ(pfn_frame(pa >> PAGE_SHIFT)->state, FS_CACHED);
    CHECK_EQ(free_pages(MM_ZONE_NORMAL), f0);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL), MM_PCP_BATCH);
    /* the same page comes back first (LIFO) without touching the lists */
    CHECK_EQ(mm_alloc_pages(0, 0), pa);
    CHECK_EQ(list_pages(MM_ZONE_NORMAL), l0 - MM_PCP_BATCH);
    mm_free_pages(pa, 0);
    struct mm_pcp_stats st;
    mm_pcp_stats(&st);
    CHECK_EQ(st.hits, 2);
    /* an order-3 block goes through its own list */
    uint64_t b = mm_alloc_pages(3, 0);
    CHECK(b && !(b & (8 * PAGE_SIZE - 1)));
    mm_free_pages(b, 3);
    CHECK_EQ(pfn_frame(b >> PAGE_SHIFT)->state, FS_CACHED);
    CHECK_EQ(mm_verify(), 0); /* drains: the lists are whole again */
    CHECK_EQ(list_pages(MM_ZONE_NORMAL), l0);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL), 0);
}

/* Freeing more than MM_PCP_HIGH pages spills a batch back to the lists. */
static void test_spill(void)
{
    setup();
    enum { N = MM_PCP_HIGH + 8 };
    static uint64_t pa[N];
    for (unsigned i = 0; i < N; i++)
        CHECK((pa[i] = mm_alloc_pages(0, 0)) != 0);
    for (unsigned i = 0; i < N; i++)
        mm_free_pages(pa[i], 0);
    CHECK(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL) <= MM_PCP_HIGH);
    struct mm_pcp_stats st;
    mm_pcp_stats(&st);
    CHECK(st.spills >= 1);
    CHECK_EQ(mm_verify(), 0);
}

/* The pages other CPUs cached (threads that ended: their caches stay) are taken back by an
 * offline of their range: the offline drains every cache. */
static void *cache_dimm_pages(void *arg)
{
    (void)arg;
    uint64_t pa[40];
    for (unsigned i = 0; i < 40; i++)
        pa[i] = mm_alloc_pages_owner(0, MM_MOVABLE, MM_OWN_KERNEL, 0);
    for (unsigned i = 0; i < 40; i++)
        if (pa[i])
            mm_free_pages(pa[i], 0);
    return (void *)(uintptr_t)plat_cpu_id();
}

static void test_offline_takes_other_cpus_caches(void)
{
    setup();
    uint64_t movable_free = free_pages(MM_ZONE_MOVABLE);
    unsigned cpus[NTHREADS];
    for (unsigned i = 0; i < NTHREADS; i++) {
        pthread_t t;
        void *ret;
        CHECK_EQ(pthread_create(&t, NULL, cache_dimm_pages, NULL), 0);
        pthread_join(t, &ret);
        cpus[i] = (unsigned)(uintptr_t)ret;
        CHECK(cpus[i] != plat_cpu_id());
        CHECK_EQ(mm_pcp_pages(cpus[i], 0, MM_ZONE_MOVABLE),
                 (40 + MM_PCP_BATCH - 1) / MM_PCP_BATCH * MM_PCP_BATCH);
    }
    CHECK_EQ(free_pages(MM_ZONE_MOVABLE), movable_free); /* cached pages count as free */
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    for (unsigned i = 0; i < NTHREADS; i++)
        CHECK_EQ(mm_pcp_pages(cpus[i], 0, MM_ZONE_MOVABLE), 0);
    CHECK_EQ(rep.pages_waited, 0); /* drained pages count as free at cage time, not as waited for */
    CHECK_EQ(free_pages(MM_ZONE_MOVABLE), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    CHECK_EQ(free_pages(MM_ZONE_MOVABLE), movable_free);
}

/* A page freed while its subsection is caged goes to the cage (HELD), not into a cache. */
static uint64_t pinned;
static bool free_pinned(void *arg)
{
    (void)arg;
    if (!pinned)
        return false;
    mm_free_pages(pinned, 0);
    pinned = 0;
    return true;
}

static void test_free_into_cage(void)
{
    setup();
    pinned = mm_alloc_pages_in(DIMM, DIMM + 128 * MiB, 0, 0, MM_OWN_TEST_PIN, 0); /* unmovable */
    CHECK(pinned != 0);
    mm_set_poll_hook(free_pinned, NULL);
    struct mm_pcp_stats before, after;
    mm_pcp_stats(&before);
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, NULL), 0);
    mm_pcp_stats(&after);
    CHECK_EQ(after.caged_frees, before.caged_frees + 1);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_MOVABLE), 0);
    mm_set_poll_hook(NULL, NULL);
    CHECK_EQ(mm_verify(), 0);
}

/* Allocating everything gets every free page, those in the caches included. */
/* Allocate movable order-0 pages into pa (room for 100000) until the allocator says no; how many. */
static uint64_t alloc_until_refused(uint64_t *pa)
{
    uint64_t n = 0;
    while (n < 100000 && (pa[n] = mm_alloc_pages(0, MM_MOVABLE)))
        n++;
    return n;
}

/* Free the n pages of pa and pa itself; the buddy state must be whole again. */
static void free_all(uint64_t *pa, uint64_t n)
{
    while (n--)
        mm_free_pages(pa[n], 0);
    plat_free(pa);
    CHECK_EQ(mm_verify(), 0);
}

static void test_exhaust(void)
{
    setup();
    uint64_t *pa = plat_alloc(sizeof(uint64_t) * 100000);
    mm_free_pages(mm_alloc_pages(0, 0), 0); /* something cached */
    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, cache_dimm_pages, NULL), 0); /* and cached elsewhere */
    pthread_join(t, NULL);
    struct mm_zone_stats st;
    mm_total_stats(&st);
    uint64_t want = st.free - mm_zone_min(0, MM_ZONE_NORMAL), n = alloc_until_refused(pa);
    CHECK_EQ(n, want);
    free_all(pa, n);
}

/* The same with a caller that may not wait for other CPUs (interrupts off in the kernel: an
 * allocation in a cross-call): a failed allocation drains only this CPU's cache, the other
 * CPU's cached pages stay where they are, and no cross-CPU sync is made. */
static void test_exhaust_without_cpu_wait(void)
{
    setup();
    uint64_t *pa = plat_alloc(sizeof(uint64_t) * 100000);
    pthread_t t;
    void *other;
    CHECK_EQ(pthread_create(&t, NULL, cache_dimm_pages, NULL), 0); /* cached by another CPU */
    pthread_join(t, &other);
    uint64_t elsewhere = mm_pcp_pages((unsigned)(uintptr_t)other, 0, MM_ZONE_MOVABLE);
    CHECK(elsewhere > 0);
    plat_host_no_cpu_wait = true;
    uint64_t syncs = plat_host_cpu_syncs, n = alloc_until_refused(pa);
    CHECK_EQ(plat_host_cpu_syncs, syncs); /* this CPU's own drains need no sync */
    CHECK_EQ(mm_pcp_pages((unsigned)(uintptr_t)other, 0, MM_ZONE_MOVABLE), elsewhere);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_MOVABLE), 0);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL), 0);
    plat_host_no_cpu_wait = false;
    CHECK(mm_alloc_pages(0, MM_MOVABLE) != 0); /* a caller that may wait gets the other's pages */
    free_all(pa, n);
}

/* Bad frees are still caught on the cached path. */
static void test_bad_frees(void)
{
    setup();
    uint64_t pa = mm_alloc_pages(0, 0);
    mm_free_pages(pa, 0);
    EXPECT_PANIC(mm_free_pages(pa, 0), "double free");
    plat_host_release_locks();
    uint64_t b = mm_alloc_pages(1, 0);
    EXPECT_PANIC(mm_free_pages(b, 0), "wrong order");
    plat_host_release_locks();
}

/* Turning the caches off drains them; allocations then go straight to the lists. */
static void test_off(void)
{
    setup();
    mm_free_pages(mm_alloc_pages(0, 0), 0);
    CHECK(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL) > 0);
    mm_pcp_enable(false);
    CHECK_EQ(mm_pcp_pages(plat_cpu_id(), 0, MM_ZONE_NORMAL), 0);
    uint64_t l0 = list_pages(MM_ZONE_NORMAL);
    uint64_t pa = mm_alloc_pages(0, 0);
    CHECK_EQ(list_pages(MM_ZONE_NORMAL), l0 - 1);
    mm_free_pages(pa, 0);
    CHECK_EQ(list_pages(MM_ZONE_NORMAL), l0);
}

/* The remote way against running fast ways: NTHREADS threads allocate and free small movable
 * blocks through their own caches (a stamp in each block, checked when it is freed) while this
 * thread drains every cache over and over (announce, plat_cpu_sync, lock). A block handed to two
 * owners, or lost, shows as a bad stamp, a panic, or a failed mm_verify / free count. */
#define DRAIN_OPS 20000
#define DRAIN_HELD 24
static volatile int drain_workers_done;
static volatile unsigned drains_done; /* drains the main thread has finished */
struct drain_worker {
    uint64_t seed, bad, ops;
};

static void *drain_worker_main(void *arg)
{
    struct drain_worker *w = arg;
    uint64_t held[DRAIN_HELD] = {0};
    unsigned order[DRAIN_HELD] = {0};
    uint64_t x = w->seed;
    unsigned drains0 = __atomic_load_n(&drains_done, __ATOMIC_ACQUIRE);
    for (unsigned n = 0; n < DRAIN_OPS; n++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned i = (unsigned)(x % DRAIN_HELD);
        if (held[i]) {
            if (*(uint64_t *)plat_phys_to_virt(held[i]) != (held[i] ^ w->seed))
                w->bad++;
            mm_free_pages(held[i], order[i]);
            held[i] = 0;
            continue;
        }
        order[i] = (unsigned)(x >> 32) % MM_PCP_ORDERS;
        held[i] = mm_alloc_pages_owner(order[i], MM_MOVABLE, MM_OWN_KERNEL, 0);
        if (held[i])
            *(uint64_t *)plat_phys_to_virt(held[i]) = held[i] ^ w->seed;
        w->ops++;
    }
    /* however the threads were scheduled, a whole drain ran while this worker held cached pages */
    while (__atomic_load_n(&drains_done, __ATOMIC_ACQUIRE) < drains0 + 2)
        sched_yield();
    for (unsigned i = 0; i < DRAIN_HELD; i++)
        if (held[i]) {
            w->bad += *(uint64_t *)plat_phys_to_virt(held[i]) != (held[i] ^ w->seed);
            mm_free_pages(held[i], order[i]);
        }
    __atomic_add_fetch(&drain_workers_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void test_drain_while_caching(void)
{
    setup();
    uint64_t movable_free = free_pages(MM_ZONE_MOVABLE);
    uint64_t seed = check_seed("test_drain_while_caching", 0x9e3779b97f4a7c15ull) | 1; /* xorshift: never 0 */
    struct drain_worker w[NTHREADS];
    pthread_t t[NTHREADS];
    drain_workers_done = 0;
    drains_done = 0;
    uint64_t syncs0 = plat_host_cpu_syncs;
    for (unsigned i = 0; i < NTHREADS; i++) {
        w[i] = (struct drain_worker){.seed = seed * (i + 1)};
        printf("test_drain_while_caching: worker %u seed 0x%llx\n", i, (unsigned long long)w[i].seed);
        CHECK_EQ(pthread_create(&t[i], NULL, drain_worker_main, &w[i]), 0);
    }
    unsigned drains = 0;
    while (__atomic_load_n(&drain_workers_done, __ATOMIC_ACQUIRE) < NTHREADS) {
        mm_pcp_drain();
        drains++;
        __atomic_store_n(&drains_done, drains, __ATOMIC_RELEASE);
    }
    for (unsigned i = 0; i < NTHREADS; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(w[i].bad, 0);
        CHECK(w[i].ops > 0);
    }
    struct mm_pcp_stats st;
    mm_pcp_stats(&st);
    CHECK(drains > 0);
    CHECK(st.syncs >= drains);                     /* each drain announced and synced */
    CHECK(plat_host_cpu_syncs - syncs0 >= drains); /* through the platform's plat_cpu_sync */
    CHECK(st.hits > 0);                            /* and the workers did use their caches */
    printf("test_drain_while_caching: %u drains, %llu syncs, %llu hits\n", drains,
           (unsigned long long)st.syncs, (unsigned long long)st.hits);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(free_pages(MM_ZONE_MOVABLE), movable_free);
}

int main(void)
{
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(DIMM, 128 * MiB);
    test_refill_and_free();
    test_spill();
    test_offline_takes_other_cpus_caches();
    test_drain_while_caching();
    test_free_into_cage();
    test_exhaust();
    test_exhaust_without_cpu_wait();
    test_bad_frees();
    test_off();
    CHECK_SUMMARY();
}
