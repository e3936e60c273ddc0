/* test_mm_rmap.c - user pages and their reverse map (mm/rmap.c): an offline migrates every user
 * page of the range through every mapping (isolate before the copy, remap after), data intact;
 * a pinned page blocks the offline and the report names its holder and pin; unpinned, the
 * offline succeeds; nothing leaks. */
#include <stdio.h>
#include <string.h>

#include "hotmem/trace.h"
#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define DIMM 0x100000000ull
#define NPAGES 100
#define NSHARED 10

/* A fake address space: the page each key maps, and the isolation state of each key. */
struct fake {
    int id;
    uint64_t pa[NPAGES];
    int isolated[NPAGES];
    int remaps, bad_remaps;
};

static void f_isolate(void *h, uint64_t key)
{
    ((struct fake *)h)->isolated[key] = 1;
}

static void f_remap(void *h, uint64_t key, uint64_t new_pa)
{
    struct fake *f = h;
    f->bad_remaps += !f->isolated[key]; /* remap without isolate: a writer could have raced */
    f->isolated[key] = 0;
    f->pa[key] = new_pa;
    f->remaps++;
}

static void f_describe(void *h, char *buf, size_t n)
{
    snprintf(buf, n, "fake=%d", ((struct fake *)h)->id);
}

static uint64_t f_id(void *h)
{
    return (uint64_t)((struct fake *)h)->id;
}

static const struct mm_rmap_ops ops = {f_isolate, f_remap, f_describe, f_id};
static struct fake a = {.id = 1}, b = {.id = 2};

/* The offline's wait: time passes (the fake clock), so an offline that waits ends in a timeout. */
static bool poll_hook(void *arg)
{
    (void)arg;
    plat_host_time_offset_ns += 100 * 1000000ull;
    return true;
}

static uint64_t word(uint64_t key)
{
    return 0x5eed0000ull + key * 0x9e3779b97f4a7c15ull;
}

/* Fresh mm with a 128 MiB DIMM on node 1; a maps NPAGES user pages there, each holding word(k). */
static void setup_pages(void)
{
    mm_reset();
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.id = 1;
    b.id = 2;
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 1), 0);
    mm_set_poll_hook(poll_hook, NULL);
    mm_set_offline_timeout_ms(300);
    for (uint64_t k = 0; k < NPAGES; k++) {
        a.pa[k] = mm_user_page_alloc(1, &ops, &a, k);
        CHECK(a.pa[k] >= DIMM && a.pa[k] < DIMM + 128 * MiB); /* node 1's movable zone: the DIMM */
        *(uint64_t *)plat_phys_to_virt(a.pa[k]) = word(k);
    }
}

/* mm_offline_range of the DIMM into rep_last; checks that the offline's user-migrate events
 * account for exactly the user pages it migrated (its last, partial batch included). */
static struct mm_offline_report rep_last;
static int offline_traced(void)
{
    struct mm_user_stats st;
    mm_user_stats(&st);
    uint64_t migrated0 = st.migrated, events0 = plat_host_trace_count[TRACE_USER_MIGRATE];
    int r = mm_offline_range(DIMM, 128 * MiB, &rep_last);
    mm_user_stats(&st);
    uint64_t moved = st.migrated - migrated0, events = plat_host_trace_count[TRACE_USER_MIGRATE] - events0;
    CHECK_EQ(events, (moved + RMAP_TRACE_BATCH - 1) / RMAP_TRACE_BATCH);
    if (moved)
        CHECK_EQ(plat_host_trace_last[TRACE_USER_MIGRATE][0], (moved - 1) % RMAP_TRACE_BATCH + 1);
    return r;
}

static void test_migrate_and_pin(void)
{
    setup_pages();
    for (uint64_t k = 0; k < NSHARED; k++) { /* b maps the first pages too: two mappings each */
        CHECK_EQ(mm_rmap_add(a.pa[k], &ops, &b, k), 0);
        b.pa[k] = a.pa[k];
    }
    struct mm_user_stats st;
    mm_user_stats(&st);
    CHECK_EQ(st.pages, NPAGES);
    CHECK_EQ(st.mappings, NPAGES + NSHARED);
    CHECK_EQ(mm_user_zone_pages(1, MM_ZONE_MOVABLE), NPAGES);
    CHECK_EQ(mm_rmap_count(a.pa[0]), 2);

    /* a pin blocks the offline at once (nothing can unpin it during a wait); the report names the
     * holder and the pin */
    CHECK_EQ(mm_rmap_pin(a.pa[5], +1, "dma"), 1);
    uint64_t pinned0 = plat_host_trace_count[TRACE_USER_PINNED];
    CHECK_EQ(offline_traced(), MM_EBUSY);
    CHECK(strstr(rep_last.owner_name, "user(") && strstr(rep_last.owner_name, "pin=dma,pins=1"));
    CHECK_EQ(mm_section_online(DIMM >> SECTION_SHIFT), ~0ull);
    CHECK_EQ(mm_verify(), 0);
    /* the refusal is traced once per pin: a second failed offline adds no event (an offline's
     * retries would otherwise fill the trace ring with it); a new pin is traced again */
    CHECK_EQ(plat_host_trace_count[TRACE_USER_PINNED] - pinned0, 1);
    CHECK_EQ(plat_host_trace_last[TRACE_USER_PINNED][0], a.pa[5]);
    CHECK_EQ(offline_traced(), MM_EBUSY);
    CHECK_EQ(plat_host_trace_count[TRACE_USER_PINNED] - pinned0, 1);
    CHECK_EQ(mm_rmap_pin(a.pa[5], -1, NULL), 0);
    CHECK_EQ(mm_rmap_pin(a.pa[5], +1, "dma"), 1);
    CHECK_EQ(offline_traced(), MM_EBUSY);
    CHECK_EQ(plat_host_trace_count[TRACE_USER_PINNED] - pinned0, 2);
    CHECK_EQ(mm_rmap_pin(a.pa[5], -1, NULL), 0);
    CHECK_EQ(mm_rmap_pin(a.pa[5], -1, NULL), MM_ENOENT); /* not pinned any more */

    /* unpinned: every page moves, through every mapping, with its data (the pages before the
     * pinned one already moved during the failed offline: each page is remapped once in all) */
    CHECK_EQ(offline_traced(), 0);
    CHECK_EQ(a.bad_remaps + b.bad_remaps, 0);
    CHECK_EQ(a.remaps, NPAGES);
    CHECK_EQ(b.remaps, NSHARED);
    for (uint64_t k = 0; k < NPAGES; k++) {
        CHECK(a.pa[k] < DIMM);
        CHECK_EQ(*(uint64_t *)plat_phys_to_virt(a.pa[k]), word(k));
        if (k < NSHARED)
            CHECK_EQ(b.pa[k], a.pa[k]);
    }
    mm_user_stats(&st);
    CHECK_EQ(st.migrated, NPAGES);
    CHECK(st.migrate_busy >= 1);
    CHECK_EQ(mm_user_zone_pages(1, MM_ZONE_MOVABLE), 0);

    /* unmap everything: the last mapping's removal frees the page */
    for (uint64_t k = 0; k < NPAGES; k++) {
        if (k < NSHARED)
            CHECK_EQ(mm_rmap_remove(b.pa[k], &b, k), 1);
        CHECK_EQ(mm_rmap_remove(a.pa[k], &a, k), 0);
        mm_user_page_free(a.pa[k]);
    }
    CHECK_EQ(mm_rmap_remove(a.pa[0], &a, 0), MM_ENOENT);
    mm_user_stats(&st);
    CHECK_EQ(st.pages, 0);
    CHECK_EQ(st.mappings, 0);
    CHECK_EQ(mm_remove_memory(DIMM, 128 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
}

/* In the offline's first TLB wait (pages isolated, mm_lock released): pin one isolated page, unmap
 * and free another, map a third once more (as a fault of another process would: a migration entry
 * too). */
static uint64_t kpin = NPAGES, kgone = NPAGES, kmap = NPAGES;
static void wait_hook(void)
{
    if (kpin < NPAGES)
        return;
    for (uint64_t k = 0; k < NPAGES; k++) {
        if (!a.isolated[k])
            continue;
        if (kpin == NPAGES)
            kpin = k;
        else if (kgone == NPAGES)
            kgone = k;
        else if (kmap == NPAGES)
            kmap = k;
    }
    CHECK(kmap < NPAGES);
    CHECK(mm_rmap_isolated(a.pa[kpin]) && mm_rmap_isolated(a.pa[kmap]));
    CHECK_EQ(mm_rmap_pin(a.pa[kpin], +1, "late"), 1);
    CHECK_EQ(mm_rmap_remove(a.pa[kgone], &a, kgone), 0);
    mm_user_page_free(a.pa[kgone]);
    a.pa[kgone] = 0;
    a.isolated[kgone] = 0;
    CHECK_EQ(mm_rmap_add(a.pa[kmap], &ops, &b, kmap), 0);
    b.pa[kmap] = a.pa[kmap];
    b.isolated[kmap] = 1;
}

/* Pages change between isolate and remap (mm_lock is released to wait for the shootdowns and
 * copy): a page pinned meanwhile gets its mappings back at the old page and blocks the offline,
 * one freed meanwhile is dropped, one mapped once more is remapped with its other mappings. */
static void test_changes_while_isolated(void)
{
    setup_pages();
    uint64_t freed0 = mm_counters.migrate_freed;
    plat_host_tlb_wait_hook = wait_hook;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), MM_EBUSY);
    plat_host_tlb_wait_hook = NULL;
    CHECK(strstr(rep.owner_name, "pin=late,pins=1") != NULL);
    uint64_t old = a.pa[kpin];
    CHECK(old >= DIMM);                                 /* it stayed */
    CHECK(!a.isolated[kpin] && !mm_rmap_isolated(old)); /* its mapping is back */
    CHECK_EQ(mm_counters.migrate_freed - freed0, 1);
    CHECK(b.pa[kmap] == a.pa[kmap] && b.pa[kmap] < DIMM && !b.isolated[kmap]);
    CHECK_EQ(a.bad_remaps + b.bad_remaps, 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_rmap_pin(old, -1, NULL), 0);
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    for (uint64_t k = 0; k < NPAGES; k++) {
        CHECK(k == kgone || (a.pa[k] < DIMM && *(uint64_t *)plat_phys_to_virt(a.pa[k]) == word(k)));
        CHECK(!a.isolated[k]);
    }
    CHECK_EQ(a.bad_remaps + b.bad_remaps, 0);
    CHECK_EQ(mm_verify(), 0);
}

int main(void)
{
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(DIMM, 128 * MiB);
    plat_host_loglevel = LOG_ERR;
    plat_host_fake_clock = true; /* the poll hook's time steps alone decide when an offline gives up */
    test_migrate_and_pin();
    test_changes_while_isolated();
    CHECK_SUMMARY();
}
