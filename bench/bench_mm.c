/* bench_mm.c - figures for the memory manager on 4 GiB of simulated RAM (printed, never asserted):
 * order-0 alloc+free pair, bulk allocate-all/free-all, random mix of orders, frame database init,
 * metadata per page, offline/online of a free 128 MiB section, offline of a half-movable-used
 * section against a plain memcpy of the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mm/mm_internal.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define RAM (4 * GiB)
#define DIMM 0x100000000ull  /* 1 GiB hot-added */
#define DIMM2 0x200000000ull /* 128 MiB hot-added last */
#define BIG (2ull << 40)     /* 256 GiB hot-added at 2 TiB */
#define BIG_SIZE (256 * GiB)

static uint64_t now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void boot(void)
{
    mm_reset();
    mm_boot_add_range(0, RAM, 0, false);
    if (mm_boot_finish() || mm_verify()) {
        fprintf(stderr, "boot failed\n");
        exit(1);
    }
}

int main(void)
{
    plat_host_add_ram(0, RAM);
    plat_host_add_ram(DIMM, 1 * GiB);
    plat_host_add_ram(DIMM2, 128 * MiB);
    plat_host_add_ram(BIG, BIG_SIZE);

    /* frame database init: cold (host page faults on the memmap) and warm */
    uint64_t t0 = now();
    boot();
    uint64_t cold = now() - t0;
    t0 = now();
    boot();
    uint64_t warm = now() - t0;
    printf("init_ms_per_gib cold=%.3f warm=%.3f\n", cold / 1e6 / 4, warm / 1e6 / 4);
    uint64_t pages = RAM / PAGE_SIZE;
    double meta = (double)(sizeof(struct frame) * pages + sizeof(struct mm_section) * (RAM / SECTION_SIZE) +
                           sizeof(mm_sect_root) + SECT_LEAF_SIZE * sizeof(void *)) /
                  (double)pages;
    printf("metadata_bytes_per_page frame=%zu total=%.3f (frame + section structs + table root + one leaf)\n",
           sizeof(struct frame), meta);

    /* order-0 alloc+free pair */
    const int N = 10000000;
    for (int i = 0; i < 1000; i++)
        mm_free_pages(mm_alloc_pages(0, 0), 0);
    t0 = now();
    for (int i = 0; i < N; i++)
        mm_free_pages(mm_alloc_pages(0, 0), 0);
    printf("order0_pair_ns_split_merge %.1f (worst case: split from order 9 and merged back through every "
           "order)\n",
           (double)(now() - t0) / N);
    /* the same with one order-0 page kept allocated (no split/merge down to order 9) */
    uint64_t keep = mm_alloc_pages(0, 0);
    t0 = now();
    for (int i = 0; i < N; i++)
        mm_free_pages(mm_alloc_pages(0, 0), 0);
    printf("order0_pair_ns_list %.1f (its buddy kept allocated: straight from and back to the order-0 free "
           "list, through mm_lock)\n",
           (double)(now() - t0) / N);
    mm_free_pages(keep, 0);
    /* the same through this CPU's page cache (mm/pcp.c): mm_lock once per batch */
    mm_pcp_enable(true);
    for (int i = 0; i < 1000; i++)
        mm_free_pages(mm_alloc_pages(0, 0), 0);
    t0 = now();
    for (int i = 0; i < N; i++)
        mm_free_pages(mm_alloc_pages(0, 0), 0);
    printf("order0_pair_ns_pcp %.1f (the per-CPU page cache: a CPU-local section, no lock, no atomic)\n",
           (double)(now() - t0) / N);
    mm_pcp_enable(false);

    /* bulk: allocate all order-0 pages, then free all */
    uint64_t *pa = malloc(pages * sizeof *pa);
    uint64_t n = 0, p;
    t0 = now();
    while ((p = mm_alloc_pages(0, 0)) != 0)
        pa[n++] = p;
    uint64_t ta = now() - t0;
    t0 = now();
    for (uint64_t i = 0; i < n; i++)
        mm_free_pages(pa[i], 0);
    uint64_t tf = now() - t0;
    printf("bulk_ns_per_op alloc=%.1f free=%.1f pages=%llu\n", (double)ta / n, (double)tf / n,
           (unsigned long long)n);

    /* random mix of orders (small orders more likely), 64 Ki slots */
    enum { SLOTS = 65536 };
    static struct {
        uint64_t pa;
        unsigned order;
    } slot[SLOTS];
    memset(slot, 0, sizeof slot);
    const int M = 5000000;
    t0 = now();
    for (int i = 0; i < M; i++) {
        unsigned s = (unsigned)(rnd() % SLOTS);
        if (slot[s].pa) {
            mm_free_pages(slot[s].pa, slot[s].order);
            slot[s].pa = 0;
        } else {
            unsigned o = (unsigned)__builtin_ctzll(rnd() | (1ull << MM_MAX_ORDER));
            slot[s].pa = mm_alloc_pages(o, 0);
            slot[s].order = o;
        }
    }
    printf("random_mix_ns_per_op %.1f\n", (double)(now() - t0) / M);
    for (unsigned s = 0; s < SLOTS; s++)
        if (slot[s].pa)
            mm_free_pages(slot[s].pa, slot[s].order);
    if (mm_verify())
        printf("verify failed\n");

    /* hotplug: a 1 GiB DIMM; offline/online of a fully free section (not the memmap one) */
    mm_add_memory(DIMM, 1 * GiB, 0);
    const int R = 200;
    uint64_t toff = 0, ton = 0;
    struct mm_offline_report rep;
    for (int i = 0; i < R; i++) {
        t0 = now();
        int r = mm_offline_range(DIMM + SECTION_SIZE, SECTION_SIZE, &rep);
        toff += now() - t0;
        t0 = now();
        mm_online_range(DIMM + SECTION_SIZE, SECTION_SIZE);
        ton += now() - t0;
        if (r)
            printf("offline failed %d\n", r);
    }
    printf("free_section_us offline=%.2f online=%.2f\n", toff / 1e3 / R, ton / 1e3 / R);

    /* a 128 MiB DIMM with half its pages in a movable object: offline = migrate 64 MiB */
    mm_add_memory(DIMM2, 128 * MiB, 0);
    uint64_t best = ~0ull, sum = 0;
    int rounds = 0;
    for (int i = 0; i < 6; i++) {
        uint32_t id;
        if (mm_obj_create(64 * MiB, true, -1, &id)) {
            printf("fill failed\n");
            break;
        }
        t0 = now();
        int r = mm_offline_range(DIMM2, 128 * MiB, &rep);
        uint64_t t = now() - t0;
        if (r || rep.pages_migrated != 16384)
            printf("half-used offline: r=%d migrated=%llu\n", r, (unsigned long long)rep.pages_migrated);
        if (i > 0) { /* round 0 warms the host pages of the targets */
            sum += t;
            rounds++;
            if (t < best)
                best = t;
        }
        mm_obj_drop(id);
        mm_online_range(DIMM2, 128 * MiB);
    }
    /* memcpy of the same 64 MiB between two warmed buffers of simulated RAM */
    uint8_t *src = plat_phys_to_virt(DIMM + 2 * SECTION_SIZE),
            *dst = plat_phys_to_virt(DIMM + 4 * SECTION_SIZE);
    memset(src, 1, 64 * MiB);
    memset(dst, 2, 64 * MiB);
    uint64_t mbest = ~0ull;
    for (int i = 0; i < 5; i++) {
        t0 = now();
        memcpy(dst, src, 64 * MiB);
        __asm__ volatile("" ::: "memory");
        uint64_t t = now() - t0;
        if (t < mbest)
            mbest = t;
    }
    printf("half_used_section_offline_ms avg=%.2f best=%.2f memcpy_64mib_ms=%.2f ratio_best=%.2f\n",
           sum / 1e6 / (rounds ? rounds : 1), best / 1e6, mbest / 1e6, (double)best / (double)mbest);
    if (mm_verify())
        printf("verify failed\n");

    /* a 256 GiB hot-add at 2 TiB (lazy descriptors: per free block, not per page) */
    struct mm_offline_report r2;
    t0 = now();
    int ra = mm_add_memory(BIG, BIG_SIZE, 0);
    uint64_t tadd = now() - t0;
    t0 = now();
    int ro = mm_offline_range(BIG, BIG_SIZE, &r2);
    uint64_t toffb = now() - t0;
    t0 = now();
    int rr = mm_remove_memory(BIG, BIG_SIZE);
    uint64_t trm = now() - t0;
    if (ra || ro || rr)
        printf("256 GiB add/offline/remove failed: %d %d %d\n", ra, ro, rr);
    printf("hotadd_256gib_ms add+online=%.2f offline=%.2f remove=%.2f (per GiB: %.1f us) "
           "host_pages_touched=%llu\n",
           tadd / 1e6, toffb / 1e6, trm / 1e6, tadd / 1e3 / 256,
           (unsigned long long)plat_host_ram_touched(BIG, BIG_SIZE));
    return 0;
}
