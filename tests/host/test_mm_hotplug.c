/* test_mm_hotplug.c - cage, offline/online, hot-add/remove, migration of movable objects. */
#include <stdlib.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define DIMM 0x100000000ull /* 4 GiB: where QEMU's device memory starts */

static struct mm_zone_stats total(void)
{
    struct mm_zone_stats t;
    mm_total_stats(&t);
    return t;
}

/* Snapshot of everything a rollback must restore. */
struct snap {
    struct mm_zone_stats z[MAX_NODES][MM_NR_ZONES];
    uint64_t fp;
    uint64_t online[64];
};

static void snap_take(struct snap *s)
{
    memset(s, 0, sizeof *s);
    for (unsigned n = 0; n < MAX_NODES; n++)
        for (unsigned z = 0; z < MM_NR_ZONES; z++)
            mm_zone_stats(n, z, &s->z[n][z]);
    s->fp = mm_free_fingerprint();
    for (unsigned i = 0; i < 64; i++)
        s->online[i] = mm_section_online(i);
}

static bool snap_eq(const struct snap *a, const struct snap *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

/* 256 MiB of boot RAM on node 0 plus DIMMs registered as simulated RAM. */
static void setup(void)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
}

/* The simulated physical address of host pointer p (searched in [0, limit)), or 0. */
static uint64_t host_pa_of(const void *p, uint64_t limit)
{
    for (uint64_t pa = 0; pa < limit; pa += PAGE_SIZE) {
        const uint8_t *v = plat_phys_to_virt(pa);
        if (v && (const uint8_t *)p >= v && (const uint8_t *)p < v + PAGE_SIZE)
            return pa;
    }
    return 0;
}

static int polls;
static uint32_t drop_after_polls_id;
static int drop_after_polls;
/* Poll hook of a busy event loop (it always reports work, so the offline waits to the timeout):
 * time moves 100 ms per call; optionally drop an object after some calls. */
static bool poll_hook(void *arg)
{
    (void)arg;
    polls++;
    plat_host_time_offset_ns += 100 * 1000000ull;
    if (drop_after_polls && polls == drop_after_polls)
        CHECK_EQ(mm_obj_drop(drop_after_polls_id), 0);
    return true;
}

/* Poll hook of an idle event loop: it never has work that could free a page. */
static bool idle_hook(void *arg)
{
    (void)arg;
    polls++;
    return false;
}

/* A caged section intercepts frees; undo restores the lists exactly. */
static void test_cage(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint64_t pas[100];
    for (int i = 0; i < 100; i++) {
        pas[i] = mm_alloc_pages((unsigned)(i % 4), MM_MOVABLE);
        CHECK(pas[i] >= DIMM);
    }
    struct snap before, after;
    snap_take(&before);
    uint64_t spfn = DIMM >> PAGE_SHIFT, epfn = (DIMM + 128 * MiB) >> PAGE_SHIFT;
    struct mm_zone_stats zm0;
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm0);
    uint64_t taken = cage_start_locked(spfn, epfn);
    CHECK_EQ(taken, zm0.free);
    CHECK_EQ(mm_section_state(32), MM_SECT_CAGED);
    CHECK_EQ(mm_verify(), 0);
    /* nothing allocates from the cage: movable requests now go to NORMAL */
    uint64_t pa = mm_alloc_pages(0, MM_MOVABLE);
    CHECK(pa && pa < DIMM);
    mm_free_pages(pa, 0);
    /* frees inside the cage become held, not free */
    mm_free_pages(pas[5], 5 % 4);
    struct mm_zone_stats zm;
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.free, 0);
    CHECK_EQ(zm.caged, taken + 2);
    CHECK_EQ(pfn_frame(pas[5] >> PAGE_SHIFT)->state, FS_HELD);
    uint64_t blocker = 0;
    CHECK_EQ(cage_test_locked(spfn, epfn, &blocker), MM_EBUSY);
    CHECK_EQ(blocker, pas[0] >> PAGE_SHIFT); /* the first allocated frame: the lowest in the cage */
    CHECK_EQ(mm_verify(), 0);
    cage_undo_locked(spfn, epfn);
    CHECK_EQ(mm_verify(), 0);
    pas[5] = mm_alloc_pages_in(pas[5], pas[5] + 2 * PAGE_SIZE, 1, MM_MOVABLE, MM_OWN_KERNEL, 0);
    CHECK(pas[5] != 0);
    snap_take(&after);
    CHECK_EQ(after.z[0][MM_ZONE_MOVABLE].free, before.z[0][MM_ZONE_MOVABLE].free);
    CHECK_EQ(after.fp, before.fp);
    /* plain cage + undo without any change: exactly the same */
    cage_start_locked(spfn, epfn);
    cage_undo_locked(spfn, epfn);
    struct snap again;
    snap_take(&again);
    CHECK(snap_eq(&after, &again));
    for (int i = 0; i < 100; i++)
        mm_free_pages(pas[i], (unsigned)(i % 4));
    CHECK_EQ(mm_verify(), 0);
}

/* Offline and online of a free section, of the whole DIMM, remove and re-add. */
static void test_offline_free(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 512 * MiB, 0), 0);
    struct snap s0, s1;
    snap_take(&s0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM + 128 * MiB, 128 * MiB, &rep), 0);
    CHECK_EQ(rep.pages_free, 32768);
    CHECK_EQ(rep.pages_migrated, 0);
    CHECK_EQ(mm_section_state(33), MM_SECT_OFFLINE);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats zm;
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.online, s0.z[0][1].online - 32768);
    CHECK_EQ(zm.free, s0.z[0][1].free - 32768);
    CHECK_EQ(zm.present, s0.z[0][1].present);
    /* never allocated from while offline */
    bool ok = true;
    uint64_t pa;
    unsigned n = 0;
    uint64_t *pas = malloc(4096 * sizeof *pas);
    while (n < 4096 && (pa = mm_alloc_pages(MM_MAX_ORDER, MM_MOVABLE)) != 0) {
        ok &= !(pa >= DIMM + 128 * MiB && pa < DIMM + 256 * MiB);
        pas[n++] = pa;
    }
    CHECK(ok);
    CHECK_EQ(mm_verify(), 0);
    for (unsigned i = 0; i < n; i++)
        mm_free_pages(pas[i], MM_MAX_ORDER);
    free(pas);
    /* offline again: nothing to do */
    CHECK_EQ(mm_offline_range(DIMM + 128 * MiB, 128 * MiB, NULL), 0);
    CHECK_EQ(mm_online_range(DIMM + 128 * MiB, 128 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    /* remove needs offline */
    CHECK_EQ(mm_remove_memory(DIMM, 512 * MiB), MM_EBUSY);
    CHECK_EQ(mm_offline_range(DIMM, 512 * MiB, &rep), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_remove_memory(DIMM + 128 * MiB, 128 * MiB), MM_ENOENT);
    CHECK_EQ(mm_remove_memory(DIMM, 512 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    for (unsigned i = 32; i < 36; i++)
        CHECK_EQ(mm_section_state(i), MM_SECT_ABSENT);
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.present, 0);
    CHECK_EQ(mm_add_memory(DIMM, 512 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    /* boot RAM: a 2 MiB subsection in the middle, then a whole boot section (memmap pins it?) */
    CHECK_EQ(mm_offline_range(64 * MiB, 2 * MiB, &rep), 0);
    CHECK_EQ(mm_section_state(0), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_online(0), ~(1ull << 32));
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_online_range(0, 256 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_set_offline_timeout_ms(0);
    CHECK_EQ(mm_offline_range(0, 128 * MiB, &rep), MM_ETIMEDOUT);
    CHECK_EQ(rep.block_owner, MM_OWN_FIRMWARE);
    CHECK_EQ(rep.block_pfn, 0);
    CHECK_EQ(mm_verify(), 0);
    mm_set_offline_timeout_ms(1000);
}

/* Offline of a section half used by movable objects, and of a fully used one. */
static void test_offline_movable(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    struct mm_zone_stats zm;
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    uint32_t a, b, c;
    CHECK_EQ(mm_obj_create(32 * MiB, true, -1, &a), 0);
    CHECK_EQ(mm_obj_create(32 * MiB, true, 0, &b), 0);
    CHECK_EQ(mm_obj_create(1 * MiB, false, -1, &c), 0); /* unmovable: NORMAL, not in the DIMM */
    struct mm_zone_stats zm2;
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm2);
    CHECK_EQ(zm2.movable, 16384);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(rep.pages_migrated, 16384);
    CHECK_EQ(rep.pages_free + rep.pages_migrated, zm.free);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats zn;
    mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    CHECK_EQ(zn.movable, 16384);
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);

    /* fully used: fill every free page of the DIMM with movable objects */
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    uint64_t left = zm.free;
    uint32_t id;
    while (left) {
        uint64_t chunk = left > 4096 ? 4096 : left;
        CHECK_EQ(mm_obj_create(chunk * PAGE_SIZE, true, -1, &id), 0);
        left -= chunk;
    }
    mm_zone_stats(0, MM_ZONE_MOVABLE, &zm);
    CHECK_EQ(zm.free, 0);
    /* all but the DIMM's metadata on itself: memmap (512 KiB) and its section struct */
    CHECK_EQ(zm.movable, zm.online - (64 * SUB_MEMMAP_BYTES + SECT_BYTES + PAGE_SIZE - 1) / PAGE_SIZE);
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(rep.pages_free, 0);
    CHECK_EQ(rep.pages_migrated, zm.movable);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_remove_memory(DIMM, 128 * MiB), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(total().movable, 0);
    /* migration target exhausted: offline fails and rolls back */
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    CHECK_EQ(mm_obj_create(64 * MiB, true, -1, &id), 0);
    uint64_t n = 0;
    static uint64_t hog[70000];
    uint64_t pa;
    while (n < 70000 && (pa = mm_alloc_pages(0, 0)) != 0)
        hog[n++] = pa;
    /* the data has nowhere to go: the offline fails at once (no wait, nothing migrated) and
     * leaves everything exactly as it was */
    struct snap before, after;
    snap_take(&before);
    mm_set_poll_hook(poll_hook, NULL);
    int polls_before = polls;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), MM_ENOMEM);
    CHECK_EQ(polls, polls_before);
    CHECK_EQ(rep.pages_migrated, 0);
    snap_take(&after);
    CHECK(snap_eq(&before, &after));
    mm_set_poll_hook(NULL, NULL);
    CHECK_EQ(rep.block_owner, MM_OWN_MOVABLE_OBJ);
    CHECK_EQ(rep.block_cookie, id);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    for (uint64_t i = 0; i < n; i++)
        mm_free_pages(hog[i], 0);
    mm_set_offline_timeout_ms(1000);
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_obj_drop_all();
}

/* Pinned by an unmovable page: times out (poll hook moves time), rolls back exactly; a pin
 * dropped while the offline waits lets it succeed. */
static void test_pinned(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 256 * MiB, 0), 0);
    uint32_t a, pin;
    CHECK_EQ(mm_obj_create(16 * MiB, true, -1, &a), 0);
    CHECK_EQ(mm_obj_pin(DIMM + 128 * MiB + 5 * PAGE_SIZE, DIMM + 256 * MiB, &pin), 0);
    uint64_t pin_pa = (DIMM + 128 * MiB + 5 * PAGE_SIZE);
    unsigned owner;
    uint32_t cookie;
    CHECK_EQ(mm_frame_owner(pin_pa, &owner, &cookie), 0);
    CHECK_EQ(owner, MM_OWN_TEST_PIN);
    CHECK_EQ(cookie, pin);
    CHECK_EQ(mm_verify(), 0);
    struct snap s0, s1;
    snap_take(&s0);
    mm_set_poll_hook(poll_hook, NULL);
    polls = 0;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 256 * MiB, &rep), MM_ETIMEDOUT);
    /* fake clock: 1000 ms timeout, 100 ms per poll (+1 us per clock read) -> exactly 10 polls */
    CHECK_EQ(polls, 10);
    CHECK_EQ(rep.block_pfn, pin_pa >> PAGE_SHIFT);
    CHECK(strcmp(rep.owner_name, "test-pin") == 0);
    CHECK_EQ(rep.block_cookie, pin);
    CHECK_EQ(rep.pages_migrated, 0);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_state(33), MM_SECT_ONLINE);
    CHECK_EQ(mm_verify(), 0);
    snap_take(&s1);
    CHECK(snap_eq(&s0, &s1));
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    /* the other section of the DIMM offlines fine */
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    /* the pin goes away during the wait */
    polls = 0;
    drop_after_polls = 3;
    drop_after_polls_id = pin;
    CHECK_EQ(mm_offline_range(DIMM, 256 * MiB, &rep), 0);
    CHECK_EQ(rep.pages_waited, 1);
    CHECK_EQ(polls, 3);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    drop_after_polls = 0;
    mm_set_poll_hook(NULL, NULL);
    CHECK_EQ(mm_online_range(DIMM, 256 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
    /* heap memory in NORMAL blocks a boot section and is named */
    void *h = kmalloc(100);
    uint64_t hpa = host_pa_of(h, 256 * MiB);
    CHECK(hpa != 0);
    mm_set_offline_timeout_ms(0);
    uint64_t hsub = hpa & ~(SUBSECTION_SIZE - 1);
    CHECK_EQ(mm_offline_range(hsub, SUBSECTION_SIZE, &rep), MM_ETIMEDOUT);
    unsigned howner = MM_OWN_FREE;
    CHECK_EQ(mm_frame_owner(rep.block_pfn << PAGE_SHIFT, &howner, NULL), 0);
    CHECK_EQ(howner, rep.block_owner);
    /* the heap page itself is the first frame of its subsection that cannot move */
    CHECK_EQ(rep.block_pfn, hpa >> PAGE_SHIFT);
    CHECK_EQ(rep.block_owner, MM_OWN_HEAP);
    CHECK_EQ(mm_frame_owner(hpa, &howner, NULL), 0);
    CHECK_EQ(howner, MM_OWN_HEAP);
    mm_set_offline_timeout_ms(1000);
    kfree(h);
    mm_obj_drop_all();
    plat_host_time_offset_ns = 0;
}

/* Subsection-granular DIMMs at unaligned 2 MiB boundaries sharing sections. */
static void test_subsections(void)
{
    setup();
    uint64_t a = 0x100800000ull, as = 128 * MiB; /* sections 32 (sub 4..63) and 33 (sub 0..3) */
    uint64_t b = 0x108800000ull, bs = 16 * MiB;  /* section 33, sub 4..11 */
    CHECK_EQ(mm_add_memory(a, as, 0), 0);
    CHECK_EQ(mm_add_memory(b, bs, 1), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_section_present(33), 0xfffull);
    uint32_t pb;
    CHECK_EQ(mm_obj_pin(b, b + bs, &pb), 0);
    uint32_t ids[8];
    for (int i = 0; i < 8; i++)
        CHECK_EQ(mm_obj_create(16 * MiB, true, -1, &ids[i]), 0);
    struct mm_offline_report rep;
    /* B is pinned: fails (timeout 0) */
    mm_set_offline_timeout_ms(0);
    CHECK_EQ(mm_offline_range(b, bs, &rep), MM_ETIMEDOUT);
    CHECK_EQ(rep.block_owner, MM_OWN_TEST_PIN);
    mm_set_offline_timeout_ms(1000);
    /* A offlines; B's subsections in section 33 stay online */
    CHECK_EQ(mm_offline_range(a, as, &rep), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_section_state(32), MM_SECT_OFFLINE);
    CHECK_EQ(mm_section_state(33), MM_SECT_ONLINE);
    CHECK_EQ(mm_section_online(33), 0xff0ull);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_remove_memory(a, as), 0);
    CHECK_EQ(mm_section_state(32), MM_SECT_ABSENT);
    CHECK_EQ(mm_section_present(33), 0xff0ull);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    /* offline a 2 MiB-granular piece of B that does not hold the pin or the memmap */
    uint64_t pin_pa = 0;
    for (uint64_t p = b; p < b + bs; p += PAGE_SIZE) {
        unsigned o;
        if (mm_frame_owner(p, &o, NULL) == 0 && o == MM_OWN_TEST_PIN)
            pin_pa = p;
    }
    CHECK(pin_pa != 0);
    uint64_t piece = (pin_pa & ~(SUBSECTION_SIZE - 1)) == b + 14 * MiB ? b + 12 * MiB : b + 14 * MiB;
    CHECK_EQ(mm_offline_range(piece, 2 * MiB, &rep), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_online_range(piece, 2 * MiB), 0);
    CHECK_EQ(mm_obj_drop(pb), 0);
    CHECK_EQ(mm_offline_range(b, bs, &rep), 0);
    CHECK_EQ(mm_remove_memory(b, bs), 0);
    CHECK_EQ(mm_section_state(33), MM_SECT_ABSENT);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    /* add again in another layout over the same addresses */
    CHECK_EQ(mm_add_memory(0x100000000ull, 160 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);
    mm_dump_sections();
    mm_dump_mem();
}

/* Bad arguments are refused with clear errors. */
static void test_bad_args(void)
{
    setup();
    plat_host_loglevel = -1;
    CHECK_EQ(mm_offline_range(0x1000, 2 * MiB, NULL), MM_EINVAL);
    CHECK_EQ(mm_offline_range(0, 0, NULL), MM_EINVAL);
    CHECK_EQ(mm_online_range(MAX_PHYS_ADDR, 2 * MiB), MM_EINVAL);
    CHECK_EQ(mm_add_memory(MAX_PHYS_ADDR - 2 * MiB, 4 * MiB, 0), MM_EINVAL);
    CHECK_EQ(mm_add_memory(DIMM, 2 * MiB, MAX_NODES), MM_EINVAL);
    CHECK_EQ(mm_add_memory(0, 2 * MiB, 0), MM_EEXIST);
    CHECK_EQ(mm_remove_memory(0, 2 * MiB), MM_ENOENT);
    CHECK_EQ(mm_obj_create(0, true, -1, NULL), MM_EINVAL);
    CHECK_EQ(mm_obj_drop(12345), MM_ENOENT);
    CHECK_EQ(mm_obj_pin(DIMM, DIMM + 2 * MiB, NULL), MM_ENOMEM);
    plat_host_loglevel = LOG_WARN;
    CHECK_EQ(mm_verify(), 0);
}

/* Boot RAM that ends 0x21000 bytes below a subsection's end (the rest of it firmware's tables, as
 * on QEMU): an offline of that subsection is refused and the tables stay mapped and intact; the
 * RAM-only subsections before it offline, are unmapped, and come back. */
static void test_partly_ram(void)
{
    mm_reset();
    uint64_t ram_end = 64 * MiB - 0x21000, sub = 64 * MiB - SUBSECTION_SIZE;
    CHECK_EQ(mm_boot_add_range(0, ram_end, 0, false), 0);
    CHECK_EQ(mm_boot_add_range(64 * MiB, 192 * MiB, 0, false), 0); /* the frame database goes here */
    CHECK_EQ(mm_boot_finish(), 0);
    CHECK_EQ(mm_verify(), 0);
    uint8_t *tables = plat_phys_to_virt(ram_end);
    memset(tables, 0xac, 0x21000);
    uint64_t fail0 = mm_counters.offline_not_ram, unmaps0 = plat_host_unmap_calls;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(sub, SUBSECTION_SIZE, &rep), MM_EINVAL);
    CHECK_EQ(mm_offline_range(sub - 4 * SUBSECTION_SIZE, 5 * SUBSECTION_SIZE, &rep), MM_EINVAL);
    CHECK_EQ(mm_counters.offline_not_ram, fail0 + 2);
    CHECK_EQ(plat_host_unmap_calls, unmaps0);
    CHECK_EQ(mm_section_online(0) >> 31 & 1, 1); /* the subsection at 62 MiB */
    bool intact = true;
    for (unsigned i = 0; i < 0x21000; i++) /* crashes (SEGV) if the offline unmapped them */
        intact &= tables[i] == 0xac;
    CHECK(intact);
    CHECK_EQ(mm_verify(), 0);
    /* the whole-RAM subsections before it: offline, unmapped (not readable), online again */
    CHECK_EQ(mm_offline_range(sub - 4 * SUBSECTION_SIZE, 4 * SUBSECTION_SIZE, &rep), 0);
    CHECK_EQ(plat_host_unmap_calls, unmaps0 + 1);
    CHECK_EQ(mm_online_range(sub - 4 * SUBSECTION_SIZE, 4 * SUBSECTION_SIZE), 0);
    CHECK_EQ(mm_verify(), 0);
}

/* A map failure half way leaves nothing mapped or added that was not before: in an online, the
 * runs already mapped are unmapped again; in a hot-add, the range is removed again. */
static void test_map_failure_undo(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM + 4 * MiB, 4 * MiB, &rep), 0);
    CHECK_EQ(mm_offline_range(DIMM + 12 * MiB, 4 * MiB, &rep), 0);
    CHECK(!plat_host_mapped(DIMM + 4 * MiB) && !plat_host_mapped(DIMM + 12 * MiB));
    plat_host_map_calls = 0;
    plat_host_map_fail_at = 1; /* the second run (12-16 MiB) cannot be mapped */
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), MM_ENOMEM);
    CHECK(!plat_host_mapped(DIMM + 4 * MiB)); /* the first run was unmapped again */
    CHECK(!plat_host_mapped(DIMM + 12 * MiB));
    CHECK_EQ(mm_section_online(32), ~0ull & ~(0x3ull << 2) & ~(0x3ull << 6));
    CHECK_EQ(mm_verify(), 0);
    plat_host_map_fail_at = -1;
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    CHECK(plat_host_mapped(DIMM + 4 * MiB) && plat_host_mapped(DIMM + 12 * MiB));
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(mm_remove_memory(DIMM, 128 * MiB), 0);
    /* hot-add whose online cannot map: nothing added, nothing mapped */
    struct mm_zone_stats t0 = total();
    uint64_t fail0 = mm_counters.add_fail;
    plat_host_map_calls = 0;
    plat_host_map_fail_at = 1; /* the add maps the range, its online fails */
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), MM_ENOMEM);
    plat_host_map_fail_at = -1;
    CHECK_EQ(mm_counters.add_fail, fail0 + 1);
    CHECK_EQ(mm_section_state(32), MM_SECT_ABSENT);
    CHECK_EQ(total().present, t0.present);
    CHECK(!plat_host_mapped(DIMM) && !plat_host_mapped(DIMM + 64 * MiB));
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0); /* and it can be added afterwards */
    CHECK_EQ(mm_verify(), 0);
    /* hot-add whose first map (its memmap) fails: the platform undid its part (plat_map_range's
     * contract); mm adds nothing, maps nothing, and the same range adds afterwards */
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(mm_remove_memory(DIMM, 128 * MiB), 0);
    plat_host_map_calls = 0;
    plat_host_map_fail_at = 0;
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), MM_ENOMEM);
    plat_host_map_fail_at = -1;
    CHECK_EQ(plat_host_map_calls, 1);
    CHECK_EQ(mm_counters.add_fail, fail0 + 2);
    CHECK_EQ(mm_section_state(32), MM_SECT_ABSENT);
    CHECK_EQ(total().present, t0.present);
    CHECK(!plat_host_mapped(DIMM));
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
}

/* After an offline that moved a 1 MiB object out of the DIMM: its 256 pages migrated, intact;
 * then free the *n order-0 pages held in pages[] and drop the objects. */
static void moved_then_release(const struct mm_offline_report *rep, uint64_t *pages, uint64_t *n)
{
    CHECK_EQ(rep->pages_migrated, 256);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    while (*n)
        mm_free_pages(pages[--*n], 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);
}

/* An offline whose movable data would have to go below the zones' minimum is refused at once:
 * no wait, nothing migrated, everything as it was; with room above the minimum it succeeds. */
static void test_offline_keeps_minimum(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint32_t id;
    CHECK_EQ(mm_obj_create(1 * MiB, true, -1, &id), 0); /* 256 pages, in the DIMM's movable zone */
    uint64_t min = mm_zone_min(0, MM_ZONE_NORMAL);
    CHECK_EQ(min, MM_ZONE_MIN_PAGES);
    static uint64_t hog[70000];
    uint64_t n = 0, pa;
    struct mm_zone_stats zn;
    mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    while (zn.free > min + 128 && n < 70000 && (pa = mm_alloc_pages(0, 0)) != 0) {
        hog[n++] = pa;
        mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    }
    CHECK_EQ(zn.free, min + 128); /* room for the 256 pages, but only by eating the minimum */
    struct snap before, after;
    snap_take(&before);
    uint64_t refused0 = mm_counters.offline_min;
    mm_set_poll_hook(poll_hook, NULL);
    int polls0 = polls;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), MM_ENOMEM);
    CHECK_EQ(polls, polls0);
    CHECK_EQ(rep.pages_migrated, 0);
    CHECK_EQ(rep.block_owner, MM_OWN_MOVABLE_OBJ);
    CHECK_EQ(mm_counters.offline_min, refused0 + 1);
    snap_take(&after);
    CHECK(snap_eq(&before, &after));
    mm_set_poll_hook(NULL, NULL);
    for (uint64_t i = 0; i < 256; i++)
        mm_free_pages(hog[--n], 0);
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    moved_then_release(&rep, hog, &n);
}

/* In the offline's first TLB wait (mm_lock released), take every NORMAL page above the minimum,
 * as another CPU's allocations could. */
static uint64_t eaten[70000], neaten;
static void eat_to_minimum(void)
{
    uint64_t pa;
    if (neaten)
        return;
    while (neaten < 70000 && (pa = mm_alloc_pages(0, 0)) != 0)
        eaten[neaten++] = pa;
}

/* Migration targets may use the zones' minimum (MM_RESERVE): the room check passes, then other
 * allocations take the zone down to its minimum between two batches; the later batches' targets
 * come from the minimum and the offline succeeds. Without MM_RESERVE on the targets it fails
 * MM_ENOMEM half way. */
static void test_migration_targets_use_minimum(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint32_t id;
    CHECK_EQ(mm_obj_create(1 * MiB, true, -1, &id), 0); /* 256 pages: 8 batches, in the DIMM */
    neaten = 0;
    plat_host_tlb_wait_hook = eat_to_minimum;
    struct mm_offline_report rep;
    int r = mm_offline_range(DIMM, 128 * MiB, &rep);
    plat_host_tlb_wait_hook = NULL;
    CHECK(neaten > 0);
    struct mm_zone_stats zn;
    mm_zone_stats(0, MM_ZONE_NORMAL, &zn);
    CHECK(zn.free < mm_zone_min(0, MM_ZONE_NORMAL)); /* the targets took some of the minimum */
    CHECK_EQ(r, 0);
    moved_then_release(&rep, eaten, &neaten);
}

/* The wait means something: with an idle event loop an offline pinned by an unmovable page fails
 * at once (no sleeping to the timeout); a page whose owner queued its free (mm_free_pages_deferred)
 * is freed during the wait by mm's deferred work, not by the test, and the offline succeeds. */
static void test_wait_runs_deferred_work(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint64_t pa = mm_alloc_pages_in(DIMM, DIMM + 128 * MiB, 0, 0, MM_OWN_KERNEL, 0);
    CHECK(pa >= DIMM && pa < DIMM + 128 * MiB);
    mm_set_offline_timeout_ms(1000);
    mm_set_poll_hook(idle_hook, NULL);
    polls = 0;
    uint64_t nowait0 = mm_counters.offline_nowait, t0 = plat_now_ns();
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), MM_EBUSY);
    CHECK_EQ(polls, 1);
    CHECK(plat_now_ns() - t0 < 1000 * 1000000ull); /* fake clock: it never reached the deadline */
    CHECK_EQ(mm_counters.offline_nowait, nowait0 + 1);
    CHECK_EQ(rep.block_pfn, pa >> PAGE_SHIFT);
    CHECK_EQ(mm_section_state(32), MM_SECT_ONLINE);
    /* its owner queues the free: the offline's wait runs it */
    uint64_t freed0 = mm_counters.deferred_freed;
    CHECK_EQ(mm_free_pages_deferred(pa, 0), 0);
    unsigned owner = MM_OWN_FREE;
    CHECK_EQ(mm_frame_owner(pa, &owner, NULL), 0);
    CHECK_EQ(owner, MM_OWN_KERNEL); /* still allocated when the offline starts */
    polls = 0;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(polls, 1);
    CHECK_EQ(rep.pages_waited, 1);
    CHECK_EQ(mm_counters.deferred_freed, freed0 + 1);
    CHECK_EQ(mm_section_state(32), MM_SECT_OFFLINE);
    CHECK_EQ(mm_verify(), 0);
    mm_set_poll_hook(NULL, NULL);
    CHECK_EQ(mm_run_deferred(), 0);
}

/* The deadline of a whole offline is checked inside the migration loop: an offline past it
 * stops migrating, fails with MM_ETIMEDOUT and rolls back exactly. */
static void test_deadline_while_migrating(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint32_t a;
    CHECK_EQ(mm_obj_create(32 * MiB, true, -1, &a), 0); /* in the DIMM: 8192 pages to migrate */
    struct snap before, after;
    snap_take(&before);
    mm_set_offline_deadline_ms(0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), MM_ETIMEDOUT);
    CHECK_EQ(rep.pages_migrated, 0);
    CHECK_EQ(rep.block_owner, MM_OWN_MOVABLE_OBJ); /* names the block it did not move */
    snap_take(&after);
    CHECK(snap_eq(&before, &after));
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_set_offline_deadline_ms(MM_OFFLINE_DEADLINE_MS);
    uint64_t batches = plat_host_tlb_batches;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    CHECK_EQ(rep.pages_migrated, 8192);
    /* migrated up to MM_MIGRATE_BATCH blocks at a time (fewer when picking them makes the hold
     * long: the fake clock ticks 1 us per look): two TLB batches (two shootdowns: isolate, remap)
     * per migration batch, far fewer than one per page */
    batches = plat_host_tlb_batches - batches;
    CHECK(batches >= 2 * ((8192 + MM_MIGRATE_BATCH - 1) / MM_MIGRATE_BATCH) && batches <= 2 * 8192 / 4);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);
}

/* The TLB-wait hook: counts the waits of an offline and those made with mm_lock held (there must
 * be none: a wait for other CPUs' acknowledgements runs with interrupts on); optionally frees the
 * object of the first MIGRATING block it sees (its owner destroying it between isolate and remap). */
static uint64_t waits, waits_locked, drop_seen_migrating, drop_id;
static bool drop_armed;
static void tlb_wait_hook(void)
{
    waits++;
    waits_locked += plat_spin_held(&mm_lock);
    if (!drop_armed)
        return;
    drop_armed = false;
    for (uint64_t pfn = DIMM >> PAGE_SHIFT; pfn < (DIMM + 128 * MiB) >> PAGE_SHIFT && !drop_id; pfn++) {
        struct frame *f = pfn_frame(pfn);
        if (f->state == FS_MIGRATING)
            drop_id = f->use.cookie;
    }
    CHECK(drop_id != 0);
    for (uint64_t pfn = DIMM >> PAGE_SHIFT; pfn < (DIMM + 128 * MiB) >> PAGE_SHIFT; pfn++) {
        struct frame *f = pfn_frame(pfn);
        drop_seen_migrating += f->state == FS_MIGRATING && f->use.cookie == drop_id;
    }
    CHECK_EQ(mm_obj_drop((uint32_t)drop_id), 0);
    uint64_t freed = 0;
    for (uint64_t pfn = DIMM >> PAGE_SHIFT; pfn < (DIMM + 128 * MiB) >> PAGE_SHIFT; pfn++)
        freed += pfn_frame(pfn)->state == FS_MIG_FREED;
    CHECK_EQ(freed, drop_seen_migrating); /* freed, but left to the offline */
    CHECK_EQ(mm_verify(), 0);             /* a consistent state in the middle of a batch */
}

/* An owner destroys its object while the offline copies some of its pages (between the isolate
 * and the remap callbacks, mm_lock not held): those blocks are dropped (copy discarded, target
 * freed, counted), the others migrate, and nothing leaks. */
static void test_freed_while_migrating(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint32_t a, b;
    CHECK_EQ(mm_obj_create(1 * MiB, true, -1, &a), 0); /* 256 pages each, in the DIMM */
    CHECK_EQ(mm_obj_create(1 * MiB, true, -1, &b), 0);
    struct mm_zone_stats t0;
    mm_total_stats(&t0);
    uint64_t freed0 = mm_counters.migrate_freed, ok0 = mm_counters.migrate_ok;
    waits = waits_locked = drop_seen_migrating = drop_id = 0;
    drop_armed = true;
    plat_host_tlb_wait_hook = tlb_wait_hook;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    plat_host_tlb_wait_hook = NULL;
    CHECK(drop_id == a || drop_id == b);
    CHECK(drop_seen_migrating > 0 && drop_seen_migrating <= MM_MIGRATE_BATCH);
    CHECK_EQ(mm_counters.migrate_freed - freed0, drop_seen_migrating);
    CHECK_EQ(rep.pages_migrated, 256); /* the other object's pages only */
    CHECK_EQ(mm_counters.migrate_ok - ok0, 256);
    CHECK_EQ(waits_locked, 0);
    CHECK_EQ(mm_obj_count(), 1);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_verify(), 0);
    struct mm_zone_stats t1;
    mm_total_stats(&t1);
    CHECK_EQ(t1.movable, t0.movable - 256); /* the dropped object's pages, targets included, are free */
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    mm_obj_drop_all();
    mm_total_stats(&t1);
    CHECK_EQ(t1.free, t0.free + 512);
    CHECK_EQ(mm_verify(), 0);
}

/* No TLB shootdown is waited for with mm_lock held: every wait of a migrating offline (two per
 * batch on the host, which always queues: isolations and remaps) comes with the lock released. */
static void test_no_shootdown_wait_locked(void)
{
    setup();
    CHECK_EQ(mm_add_memory(DIMM, 128 * MiB, 0), 0);
    uint32_t a;
    CHECK_EQ(mm_obj_create(4 * MiB, true, -1, &a), 0); /* 1024 pages: 32 batches */
    waits = waits_locked = 0;
    plat_host_tlb_wait_hook = tlb_wait_hook;
    uint64_t w0 = plat_host_tlb_waits, b0 = plat_host_tlb_batches;
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 128 * MiB, &rep), 0);
    plat_host_tlb_wait_hook = NULL;
    CHECK_EQ(rep.pages_migrated, 1024);
    CHECK(waits >= 2 * 1024 / MM_MIGRATE_BATCH);
    CHECK_EQ(plat_host_tlb_batches - b0, waits); /* every queued batch waited for, unlocked */
    CHECK_EQ(plat_host_tlb_waits - w0, waits);
    CHECK_EQ(waits_locked, 0);
    CHECK(rep.lock_breaks >= waits); /* the lock was released for each */
    CHECK(rep.holds >= rep.lock_breaks + 1);
    CHECK(rep.p99_hold_ns > 0 && rep.p99_hold_ns <= rep.max_hold_ns);
    CHECK(rep.holds_over_aim <= rep.holds);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    CHECK_EQ(mm_online_range(DIMM, 128 * MiB), 0);
    mm_obj_drop_all();
    CHECK_EQ(mm_verify(), 0);
}

/* The hold histogram of an offline's report: 99 short holds and one long one. */
static void test_holdhist(void)
{
    struct mm_holdhist h;
    holdhist_reset(&h);
    CHECK_EQ(holdhist_percentile(&h, 990, 1000), 0);
    for (int i = 0; i < 99; i++)
        holdhist_add(&h, 10000 + (uint64_t)i * 10, MM_IRQOFF_AIM_NS); /* 10.0-11.0 us */
    holdhist_add(&h, 5000000, MM_IRQOFF_AIM_NS);                      /* 5 ms */
    CHECK_EQ(h.count, 100);
    CHECK_EQ(h.over, 1);
    uint64_t p99 = holdhist_percentile(&h, 990, 5000000);
    CHECK(p99 >= 10990 && p99 <= 10990 + 10990 / 8 + 1024);    /* the bucket of the 99th, within 1/8 */
    CHECK_EQ(holdhist_percentile(&h, 1000, 5000000), 5000000); /* capped at the longest */
    CHECK(holdhist_percentile(&h, 500, 5000000) <= 12288);
}

int main(void)
{
    plat_host_fake_clock = true; /* deadlines and poll counts depend on the poll hook alone */
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(DIMM, 1 * GiB);
    test_cage();
    test_offline_free();
    test_offline_movable();
    test_pinned();
    test_subsections();
    test_bad_args();
    test_partly_ram();
    test_map_failure_undo();
    test_offline_keeps_minimum();
    test_migration_targets_use_minimum();
    test_wait_runs_deferred_work();
    test_deadline_while_migrating();
    test_holdhist();
    test_freed_while_migrating();
    test_no_shootdown_wait_locked();
    mm_dump_counters();
    CHECK_SUMMARY();
}
