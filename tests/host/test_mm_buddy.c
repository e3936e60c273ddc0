/* test_mm_buddy.c - sections, frame database, buddy allocator, heap: host unit tests. */
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/expect_panic.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct mm_zone_stats total(void)
{
    struct mm_zone_stats t;
    mm_total_stats(&t);
    return t;
}

/* Fresh mm with the given boot RAM on node 0 (RAM registered once per base). */
static void boot_simple(uint64_t base, uint64_t size, bool hp)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(base, size, 0, hp), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
}

static bool pa_in(uint64_t pa, uint64_t lo, uint64_t hi)
{
    return pa >= lo && pa < hi;
}

/* Boot: counts, page 0 reserved, memmap reserved on the node. */
static void test_boot(void)
{
    boot_simple(0, 512 * MiB, false);
    struct mm_zone_stats t = total();
    CHECK_EQ(t.present, 512 * MiB / PAGE_SIZE);
    CHECK_EQ(t.online, t.present);
    /* memmap: 256 subsections * 8 KiB = 2 MiB, plus 4 section structs (a page each), plus page 0 */
    CHECK_EQ(t.kernel, 512 + 4 + 1);
    CHECK_EQ(t.free + t.kernel, t.present);
    unsigned owner = 99;
    CHECK_EQ(mm_frame_owner(0, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_FIRMWARE);
    CHECK_EQ(mm_section_state(0), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_present(0), ~0ull);
    CHECK_EQ(mm_section_state(4), MM_SECT_ABSENT);
}

/* Split and merge at every order: alloc, check alignment and section, free, everything restored. */
static void test_every_order(void)
{
    boot_simple(0, 256 * MiB, false);
    struct mm_zone_stats t0 = total();
    uint64_t fp0 = mm_free_fingerprint();
    for (unsigned o = 0; o <= MM_MAX_ORDER; o++) {
        uint64_t pa = mm_alloc_pages(o, MM_ZERO);
        CHECK(pa != 0);
        CHECK_EQ(pa & ((PAGE_SIZE << o) - 1), 0);
        CHECK_EQ(pa >> SECTION_SHIFT, (pa + (PAGE_SIZE << o) - 1) >> SECTION_SHIFT);
        uint8_t *p = plat_phys_to_virt(pa);
        bool zero = true;
        for (uint64_t i = 0; i < (PAGE_SIZE << o); i += 512)
            zero &= p[i] == 0;
        CHECK(zero);
        memset(p, 0xa5, PAGE_SIZE << o);
        CHECK_EQ(total().free, t0.free - (1u << o));
        CHECK_EQ(mm_verify(), 0);
        mm_free_pages(pa, o);
        CHECK_EQ(mm_verify(), 0);
        CHECK_EQ(total().free, t0.free);
        CHECK_EQ(mm_free_fingerprint(), fp0);
    }
    CHECK(mm_alloc_pages(MM_MAX_ORDER + 1, 0) == 0);
    /* many small blocks, freed in another order: merged back */
    uint64_t pas[600];
    for (int i = 0; i < 600; i++) {
        pas[i] = mm_alloc_pages((unsigned)(i % 3), 0);
        CHECK(pas[i] != 0);
    }
    CHECK_EQ(mm_verify(), 0);
    for (int i = 599; i >= 0; i -= 2)
        mm_free_pages(pas[i], (unsigned)(i % 3));
    CHECK_EQ(mm_verify(), 0);
    for (int i = 0; i < 600; i += 2)
        mm_free_pages(pas[i], (unsigned)(i % 3));
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_free_fingerprint(), fp0);
    struct mm_zone_stats t1 = total();
    for (unsigned o = 0; o <= MM_MAX_ORDER; o++)
        CHECK_EQ(t1.nr_blocks[o], t0.nr_blocks[o]);
}

/* Exhaustion and recovery; also checks no block crosses a section and none lands in a hole. */
static void test_exhaustion(void)
{
    mm_reset();
    /* a PC-like map: a hole below 1 MiB, and RAM ending at an odd address */
    CHECK_EQ(mm_boot_add_range(0, 0x9fc00, 0, false), 0);
    CHECK_EQ(mm_boot_add_range(0x100000, 0x7fe0000 - 0x100000 + 0x8000000, 0, false), 0);
    CHECK_EQ(mm_boot_reserve(0x100000, 0x200000, MM_OWN_KERNEL_IMAGE), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats t0 = total();
    uint64_t fp0 = mm_free_fingerprint();
    CHECK_EQ(t0.present, 0x9f + (0xffe0000 - 0x100000) / PAGE_SIZE);
    for (unsigned order = 0; order <= MM_MAX_ORDER; order += 3) {
        uint64_t cap = t0.free >> order, n = 0, fail0 = mm_counters.alloc_fail[order];
        uint64_t *pas = malloc(cap * sizeof *pas + 8);
        bool ok = true;
        uint64_t pa;
        while ((pa = mm_alloc_pages(order, n & 1 ? MM_RESERVE : 0)) != 0 ||
               (pa = mm_alloc_pages(order, MM_RESERVE)) != 0) { /* ordinary ones stop at the minimum */
            if (n >= cap) {
                ok = false;
                break;
            }
            pas[n++] = pa;
            uint64_t end = pa + (PAGE_SIZE << order);
            ok &= (pa >> SECTION_SHIFT) == ((end - 1) >> SECTION_SHIFT);
            ok &= pa_in(pa, 0x1000, 0x9f000) || pa_in(pa, 0x300000, 0xffe0000);
            ok &= pa < 0x9f000 ? end <= 0x9f000 : end <= 0xffe0000; /* a block never spans the gap */
        }
        CHECK(ok);
        CHECK(mm_counters.alloc_fail[order] >= fail0 + 2); /* at least the refused pair that ended the loop */
        struct mm_zone_stats t = total();
        CHECK(t.free < (1u << order) || t.nr_blocks[order] == 0);
        if (order == 0)
            CHECK_EQ(t.free, 0);
        CHECK_EQ(mm_verify(), 0);
        for (uint64_t i = 0; i < n; i++)
            mm_free_pages(pas[i], order);
        free(pas);
        CHECK_EQ(mm_verify(), 0);
        CHECK_EQ(total().free, t0.free);
        CHECK_EQ(mm_free_fingerprint(), fp0);
    }
    /* the kernel image is not handed out and its owner is known */
    unsigned owner;
    CHECK_EQ(mm_frame_owner(0x200000, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_KERNEL_IMAGE);
    CHECK_EQ(mm_frame_owner(0xa0000, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_HOLE);
    mm_dump_sections();
}

/* Partly present sections: boot RAM and a hot-added DIMM sharing sections. */
static void test_partial_sections(void)
{
    boot_simple(0, 256 * MiB, false);
    CHECK_EQ(mm_add_memory(0x100800000ull, 64 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_section_present(32), ((1ull << 32) - 1) << 4 & ((1ull << 36) - 1));
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    mm_dump_sections();
    /* movable allocations land in the DIMM, inside its subsections only */
    bool ok = true;
    uint64_t pas[64];
    for (int i = 0; i < 64; i++) {
        pas[i] = mm_alloc_pages(MM_MAX_ORDER - (unsigned)(i % 4), MM_MOVABLE);
        ok &= pa_in(pas[i], 0x100800000ull, 0x104800000ull);
    }
    CHECK(ok);
    CHECK_EQ(mm_verify(), 0);
    for (int i = 0; i < 64; i++)
        mm_free_pages(pas[i], MM_MAX_ORDER - (unsigned)(i % 4));
    CHECK_EQ(mm_verify(), 0);
    /* the memmap of the DIMM lives on its first pages */
    unsigned owner;
    CHECK_EQ(mm_frame_owner(0x100800000ull, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_MEMMAP);
    CHECK_EQ(mm_add_memory(0x102800000ull, 2 * MiB, 0), MM_EEXIST);
    CHECK_EQ(mm_add_memory(0x100900000ull, 2 * MiB, 0), MM_EINVAL);
}

/* Movable vs unmovable placement across zones. */
/* An order-0 allocation on another thread than the test's (into *arg). */
static void *alloc_elsewhere(void *arg)
{
    *(uint64_t *)arg = mm_alloc_pages(0, 0);
    return NULL;
}

static void test_zones(void)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 128 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_add_range(0x100000000ull, 128 * MiB, 0, true), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats zn, zm;
    mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.present, 128 * MiB / PAGE_SIZE);
    CHECK_EQ(zm.free, zm.present); /* the memmap went to the normal zone */
    /* unmovable never from MOVABLE, even when NORMAL is exhausted; ordinary allocations leave the
     * zone's minimum, which MM_RESERVE allocations and mm_reserve_begin/end may take */
    uint64_t n = 0, pa;
    bool ok = true;
    uint64_t min = mm_zone_min(0, MM_ZONE_NORMAL), amin0 = mm_counters.alloc_min;
    CHECK_EQ(min, MM_ZONE_MIN_PAGES);
    while ((pa = mm_alloc_pages(0, 0)) != 0) {
        ok &= pa < 128 * MiB;
        n++;
    }
    CHECK(ok);
    CHECK_EQ(n, zn.free - min);
    CHECK_EQ(mm_counters.alloc_min, amin0 + 1);
    mm_reserve_begin();
    uint64_t other = 1; /* the reserve is the calling thread's: another one stays above the minimum */
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, alloc_elsewhere, &other), 0);
    CHECK_EQ(pthread_join(th, NULL), 0);
    CHECK_EQ(other, 0);
    pa = mm_alloc_pages(0, 0);
    mm_reserve_end();
    ok &= pa != 0 && pa < 128 * MiB;
    n += pa != 0;
    while ((pa = mm_alloc_pages(0, MM_RESERVE)) != 0) {
        ok &= pa < 128 * MiB;
        n++;
    }
    CHECK(ok);
    CHECK_EQ(n, zn.free);
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.free, zm.present);
    /* movable prefers MOVABLE */
    pa = mm_alloc_pages(3, MM_MOVABLE);
    CHECK(pa >= 0x100000000ull);
    mm_free_pages(pa, 3);
    CHECK_EQ(mm_verify(), 0);
    /* free everything back: walk NORMAL frames */
    for (uint64_t p = 0; p < 128 * MiB; p += PAGE_SIZE) {
        unsigned owner;
        if (mm_frame_owner(p, &owner, NULL) == 0 && owner == MM_OWN_KERNEL)
            mm_free_pages(p, 0);
    }
    CHECK_EQ(mm_verify(), 0);
    mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    CHECK_EQ(zn.free, n);
    /* movable falls back to NORMAL when MOVABLE is exhausted */
    uint64_t cnt = 0;
    ok = true;
    while ((pa = mm_alloc_pages(MM_MAX_ORDER, MM_MOVABLE)) != 0 && cnt < 64) {
        ok &= pa >= 0x100000000ull;
        cnt++;
    }
    CHECK(ok);
    CHECK_EQ(cnt, 64);
    pa = mm_alloc_pages(MM_MAX_ORDER, MM_MOVABLE);
    CHECK(pa != 0 && pa < 128 * MiB);
    CHECK_EQ(mm_verify(), 0);
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.movable, 64 * 512);
    mm_dump_mem();
    mm_dump_buddyinfo();
}

/* Node preference. */
static void test_nodes(void)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 128 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_add_range(128 * MiB, 128 * MiB, 1, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
    uint64_t pa = mm_alloc_pages(0, MM_NODE(1));
    CHECK(pa >= 128 * MiB);
    uint64_t pb = mm_alloc_pages(0, MM_NODE(0));
    CHECK(pb < 128 * MiB);
    /* memmap of node 1 is on node 1 */
    unsigned owner;
    CHECK_EQ(mm_frame_owner(256 * MiB - PAGE_SIZE, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_MEMMAP);
    mm_free_pages(pa, 0);
    mm_free_pages(pb, 0);
    CHECK_EQ(mm_verify(), 0);
}

/* Double free, wrong order, tail, unaligned, outside RAM: all panic. */
static void test_bad_free(void)
{
    boot_simple(0, 128 * MiB, false);
    uint64_t pa = mm_alloc_pages(2, 0);
    uint64_t pb = mm_alloc_pages(0, 0);
    EXPECT_PANIC(mm_free_pages(pa, 1), "wrong order");
    EXPECT_PANIC(mm_free_pages(pa + PAGE_SIZE, 0), "tail");
    EXPECT_PANIC(mm_free_pages(pa + PAGE_SIZE, 2), "not aligned");
    EXPECT_PANIC(mm_free_pages(64ull << 30, 0), "not in present RAM");
    mm_free_pages(pb, 0);
    EXPECT_PANIC(mm_free_pages(pb, 0), "double free");
    char needle[32];
    snprintf(needle, sizeof needle, "frame 0x%llx", (unsigned long long)(pb >> PAGE_SHIFT));
    EXPECT_PANIC(mm_free_pages(pb, 0), needle);
    mm_free_pages(pa, 2);
    CHECK_EQ(mm_verify(), 0);
    /* mm_verify notices corruption */
    plat_host_loglevel = -1;
    mm_zones[0][0].free++;
    CHECK_EQ(mm_verify(), MM_ECORRUPT);
    mm_zones[0][0].free--;
    CHECK_EQ(mm_verify(), 0);
    plat_host_loglevel = LOG_WARN;
}

/* kmalloc/kfree. */
static void test_heap(void)
{
    boot_simple(0, 128 * MiB, false);
    struct mm_zone_stats t0 = total();
    static void *p[3000];
    static size_t sz[3000];
    srand((unsigned)check_seed("test_mm_buddy heap", 1));
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3000; i++) {
            sz[i] = (size_t)(rand() % (i % 10 == 0 ? 20000 : 1100)) + 1;
            p[i] = kmalloc(sz[i]);
            CHECK(p[i] != NULL);
            CHECK_EQ((uintptr_t)p[i] & 15, 0);
            uint8_t *b = p[i];
            bool z = true;
            for (size_t k = 0; k < sz[i]; k++)
                z &= b[k] == 0;
            CHECK(z);
            memset(p[i], i & 0xff, sz[i]);
        }
        bool ok = true;
        for (int i = 0; i < 3000; i++) {
            uint8_t *b = p[i];
            for (size_t k = 0; k < sz[i]; k++)
                ok &= b[k] == (i & 0xff);
        }
        CHECK(ok);
        CHECK_EQ(mm_verify(), 0);
        for (int i = 0; i < 3000; i += 2)
            kfree(p[i]);
        for (int i = 1; i < 3000; i += 2)
            kfree(p[i]);
        CHECK_EQ(mm_verify(), 0);
    }
    CHECK(total().free + 8 >= t0.free); /* at most one cached empty slab per class */
    void *q = kmalloc(100);
    kfree(q);
    EXPECT_PANIC(kfree(q), "double free");
    void *big = kmalloc(100000);
    kfree(big);
    uint64_t kfail0 = mm_counters.kmalloc_fail;
    CHECK(kmalloc(4 * MiB) == NULL);
    CHECK_EQ(mm_counters.kmalloc_fail, kfail0 + 1);
    /* a slab page is owned by the heap; page 0 stays firmware's */
    unsigned owner = MM_OWN_FREE;
    uint8_t *r = kmalloc(64);
    uint64_t rpa = 0;
    for (uint64_t pa = 0; pa < 128 * MiB && !rpa; pa += PAGE_SIZE) {
        uint8_t *v = plat_phys_to_virt(pa);
        if (v && r >= v && r < v + PAGE_SIZE)
            rpa = pa;
    }
    CHECK(rpa != 0);
    CHECK_EQ(mm_frame_owner(rpa, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_HEAP);
    CHECK_EQ(mm_frame_owner(0, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_FIRMWARE);
    kfree(r);
}

int main(void)
{
    plat_host_add_ram(0, 512 * MiB);
    plat_host_add_ram(0x100000000ull, 1 * GiB);
    test_boot();
    test_every_order();
    test_exhaustion();
    test_partial_sections();
    test_zones();
    test_nodes();
    test_bad_free();
    test_heap();
    mm_dump_counters();
    CHECK_SUMMARY();
}
