/* test_mm_random.c - 1000+ random offline/online cycles interleaved with allocations, frees,
 * movable/unmovable objects, pins, DIMM removal and re-add; mm_verify after every step, every
 * object's checksum intact at the end, and the free lists exactly as at the start once
 * everything is freed and onlined again. */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)

static uint64_t rng; /* xorshift state: check_seed (never 0) */
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint64_t rndn(uint64_t n)
{
    return rnd() % n;
}

/* Hot-pluggable DIMMs, unaligned and sharing sections (like QEMU's 2 MiB-aligned placement). */
static const struct {
    uint64_t base, size;
    unsigned node;
} dimms[] = {
    {0x100000000ull, 256 * MiB, 0},
    {0x110800000ull, 130 * MiB, 1},
    {0x118c00000ull, 6 * MiB, 1},
    {0x120200000ull, 64 * MiB, 0},
};
#define NDIMMS (sizeof dimms / sizeof dimms[0])
static bool dimm_added[NDIMMS];

#define MAXALLOC 512
static struct {
    uint64_t pa;
    unsigned order;
} allocs[MAXALLOC];
static unsigned nallocs;

#define MAXOBJ 256
static uint32_t objs[MAXOBJ];
static unsigned nobjs;

static bool poll_hook(void *arg)
{
    (void)arg;
    plat_host_time_offset_ns += 50 * 1000000ull;
    if (nobjs && rndn(4) == 0) {
        unsigned i = (unsigned)rndn(nobjs);
        mm_obj_drop(objs[i]);
        objs[i] = objs[--nobjs];
        return true;
    }
    return false; /* nothing freed: the offline gives up at once (MM_EBUSY) */
}

/* A random 2 MiB-aligned range over the DIMMs or boot RAM. */
static void random_range(uint64_t *base, uint64_t *size)
{
    unsigned d = (unsigned)rndn(NDIMMS);
    switch (rndn(4)) {
    case 0: /* a whole DIMM */
        *base = dimms[d].base;
        *size = dimms[d].size;
        return;
    case 1: /* a whole section of a DIMM */
        *base = (dimms[d].base + rndn(dimms[d].size)) & ~(SECTION_SIZE - 1);
        *size = SECTION_SIZE;
        return;
    case 2: { /* a few subsections of boot RAM */
        uint64_t n = 1 + rndn(8);
        *base = rndn(256 / 2 - n) * SUBSECTION_SIZE;
        *size = n * SUBSECTION_SIZE;
        return;
    }
    default: { /* a few subsections of a DIMM */
        uint64_t subs = dimms[d].size / SUBSECTION_SIZE;
        uint64_t n = 1 + rndn(subs < 16 ? subs : 16);
        *base = dimms[d].base + rndn(subs - n + 1) * SUBSECTION_SIZE;
        *size = n * SUBSECTION_SIZE;
        return;
    }
    }
}

int main(void)
{
    plat_host_loglevel = LOG_ERR;
    rng = check_seed("test_mm_random", 0x1234567887654321ull) | 1;
    plat_host_fake_clock = true; /* the poll hook's time steps alone decide when an offline gives up */
    plat_host_add_ram(0, 256 * MiB);
    for (unsigned d = 0; d < NDIMMS; d++)
        plat_host_add_ram(dimms[d].base, dimms[d].size);
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 192 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_add_range(192 * MiB, 64 * MiB, 1, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    for (unsigned d = 0; d < NDIMMS; d++) {
        CHECK_EQ(mm_add_memory(dimms[d].base, dimms[d].size, dimms[d].node), 0);
        dimm_added[d] = true;
    }
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats t0;
    mm_total_stats(&t0);
    uint64_t fp0 = mm_free_fingerprint();
    mm_set_poll_hook(poll_hook, NULL);

    unsigned offl = 0, onl = 0, offl_ok = 0, steps = 0, verify_bad = 0, removes = 0;
    while (offl < 1000 || onl < 1000) {
        steps++;
        uint64_t base, size;
        switch (rndn(12)) {
        case 0:
        case 1: { /* movable object */
            uint32_t id;
            if (nobjs < MAXOBJ &&
                mm_obj_create((1 + rndn(512)) * PAGE_SIZE, true, (int)rndn(3) - 1, &id) == 0)
                objs[nobjs++] = id;
            break;
        }
        case 2: { /* unmovable object or pin */
            uint32_t id;
            int r;
            if (rndn(3) == 0) {
                random_range(&base, &size);
                r = mm_obj_pin(base, base + size, &id);
            } else {
                r = mm_obj_create((1 + rndn(32)) * PAGE_SIZE, false, (int)rndn(3) - 1, &id);
            }
            if (nobjs < MAXOBJ && r == 0)
                objs[nobjs++] = id;
            else if (r == 0)
                mm_obj_drop(id);
            break;
        }
        case 3:
            if (nobjs) {
                unsigned i = (unsigned)rndn(nobjs);
                CHECK_EQ(mm_obj_drop(objs[i]), 0);
                objs[i] = objs[--nobjs];
            }
            break;
        case 4: { /* raw pages */
            unsigned order = (unsigned)rndn(MM_MAX_ORDER + 1);
            uint64_t pa = mm_alloc_pages(order, rndn(2) ? MM_MOVABLE : 0);
            if (pa && nallocs < MAXALLOC) {
                allocs[nallocs].pa = pa;
                allocs[nallocs++].order = order;
            } else if (pa) {
                mm_free_pages(pa, order);
            }
            break;
        }
        case 5:
            if (nallocs) {
                unsigned i = (unsigned)rndn(nallocs);
                mm_free_pages(allocs[i].pa, allocs[i].order);
                allocs[i] = allocs[--nallocs];
            }
            break;
        case 6:
        case 7:
        case 8: {
            random_range(&base, &size);
            mm_set_offline_timeout_ms(rndn(8) == 0 ? 200 : 0);
            struct mm_offline_report rep;
            int r = mm_offline_range(base, size, &rep);
            offl++;
            if (r == 0)
                offl_ok++;
            else
                CHECK(r == MM_ETIMEDOUT || r == MM_ENOMEM || r == MM_EBUSY);
            break;
        }
        case 9:
        case 10:
            random_range(&base, &size);
            CHECK_EQ(mm_online_range(base, size), 0);
            onl++;
            break;
        default: { /* remove or re-add a DIMM */
            unsigned d = (unsigned)rndn(NDIMMS);
            if (dimm_added[d]) {
                if (mm_remove_memory(dimms[d].base, dimms[d].size) == 0) {
                    dimm_added[d] = false;
                    removes++;
                }
            } else {
                CHECK_EQ(mm_add_memory(dimms[d].base, dimms[d].size, dimms[d].node), 0);
                dimm_added[d] = true;
            }
            break;
        }
        }
        if (mm_verify() != 0 && verify_bad++ < 5)
            CHECK(!"mm_verify failed");
    }
    CHECK_EQ(verify_bad, 0);
    printf("steps %u: offline %u (ok %u), online %u, removes %u, objects %u, allocs %u\n", steps, offl,
           offl_ok, onl, removes, nobjs, nallocs);
    CHECK(offl_ok > 100);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    mm_obj_drop_all();
    for (unsigned i = 0; i < nallocs; i++)
        mm_free_pages(allocs[i].pa, allocs[i].order);
    for (unsigned d = 0; d < NDIMMS; d++)
        if (!dimm_added[d])
            CHECK_EQ(mm_add_memory(dimms[d].base, dimms[d].size, dimms[d].node), 0);
        else
            CHECK_EQ(mm_online_range(dimms[d].base, dimms[d].size), 0);
    CHECK_EQ(mm_online_range(0, 256 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats t1;
    mm_total_stats(&t1);
    CHECK_EQ(t1.free, t0.free);
    CHECK_EQ(t1.online, t0.online);
    CHECK_EQ(t1.present, t0.present);
    CHECK_EQ(mm_free_fingerprint(), fp0);
    mm_dump_counters();
    CHECK_SUMMARY();
}
