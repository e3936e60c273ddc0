/* bench_smp.c - the memory manager from several host threads (pthread platform locks; printed,
 * never asserted): order-0 alloc+free pairs with 1 and 2 threads (ns per pair in each thread and
 * total pairs per second), and a mixed workload of random orders, through the per-CPU page caches
 * (mm/pcp.c: each thread its own cache, mm_lock once per batch) and, for comparison, with the
 * caches off (every call through mm_lock, which a second thread contends for). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mm/mm_internal.h"
#include "tests/host/plat_host.h"

#define GiB (1ull << 30)
#define RAM (2 * GiB)
#define PAIRS 4000000

static uint64_t now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct job {
    pthread_t t;
    int mixed;
    uint64_t ns;
};

/* PAIRS order-0 pairs (or random orders 0..3 with one block kept) in one thread. */
static void *run(void *arg)
{
    struct job *j = arg;
    uint64_t s = 88172645463325252ull ^ (uint64_t)(uintptr_t)j, keep[8] = {0};
    uint64_t t0 = now();
    for (int i = 0; i < PAIRS; i++) {
        if (!j->mixed) {
            mm_free_pages(mm_alloc_pages(0, 0), 0);
            continue;
        }
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        unsigned k = s % 8, o = k % 4;
        if (keep[k])
            mm_free_pages(keep[k], o);
        keep[k] = mm_alloc_pages(o, 0);
    }
    j->ns = now() - t0;
    for (unsigned k = 0; k < 8; k++)
        if (keep[k])
            mm_free_pages(keep[k], k % 4);
    return NULL;
}

/* Run n threads of one kind and print the figures. */
static void bench(const char *name, int n, int mixed)
{
    struct job j[2] = {{0}};
    uint64_t t0 = now();
    for (int i = 0; i < n; i++) {
        j[i].mixed = mixed;
        pthread_create(&j[i].t, NULL, run, &j[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(j[i].t, NULL);
    double wall = (double)(now() - t0);
    printf("%s threads=%d ns_per_op_per_thread=%.1f total_mops_per_s=%.2f\n", name, n,
           (double)j[0].ns / PAIRS, n * (double)PAIRS / wall * 1e3);
}

int main(void)
{
    plat_host_add_ram(0, RAM);
    mm_reset();
    mm_boot_add_range(0, RAM, 0, false);
    if (mm_boot_finish()) {
        fprintf(stderr, "boot failed\n");
        return 1;
    }
    mm_pcp_enable(true);
    for (int n = 1; n <= 2; n++)
        bench("order0_pair_pcp", n, 0);
    for (int n = 1; n <= 2; n++)
        bench("mixed_orders_0_3_pcp", n, 1);
    mm_pcp_enable(false);
    for (int n = 1; n <= 2; n++)
        bench("order0_pair_nopcp", n, 0);
    for (int n = 1; n <= 2; n++)
        bench("mixed_orders_0_3_nopcp", n, 1);
    if (mm_verify())
        printf("mm_verify FAILED\n");
    return 0;
}
