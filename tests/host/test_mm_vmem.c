/* test_mm_vmem.c - per-subsection hot-add for virtio-mem: mm_add_subsections,
 * mm_remove_subsections, mm_range_usage. */
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define DEV 0x120000000ull /* where QEMU put the virtio-mem region after a 512 MiB DIMM */

static struct mm_zone_stats zone(unsigned z)
{
    struct mm_zone_stats st;
    mm_zone_stats(0, z, &st);
    return st;
}

static void setup(void)
{
    mm_reset();
    CHECK_EQ(mm_boot_add_range(0, 256 * MiB, 0, false), 0);
    CHECK_EQ(mm_boot_finish(), 0);
}

/* Add 64 MiB, frame database from the normal zone, the memory itself is whole free blocks. */
static void test_add(void)
{
    setup();
    uint64_t normal_free = zone(MM_ZONE_NORMAL).free;
    CHECK_EQ(mm_add_subsections(DEV, 64 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(zone(MM_ZONE_MOVABLE).free, 64 * MiB / PAGE_SIZE);
    CHECK_EQ(zone(MM_ZONE_MOVABLE).nr_blocks[MM_MAX_ORDER], 32u);
    /* 2 pages of frames per subsection (plus section bookkeeping from the heap) */
    CHECK(normal_free - zone(MM_ZONE_NORMAL).free >= 32 * 2);
    CHECK(normal_free - zone(MM_ZONE_NORMAL).free <= 32 * 2 + 16);
    struct mm_range_usage u;
    CHECK_EQ(mm_range_usage(DEV, 64 * MiB, &u), 0);
    CHECK_EQ(u.free, 64 * MiB / PAGE_SIZE);
    CHECK_EQ(u.movable + u.unmovable + u.offline, 0);
    CHECK_EQ(mm_add_subsections(DEV + 2 * MiB, 2 * MiB, 0), MM_EEXIST);
    CHECK_EQ(mm_add_subsections(DEV + 1, 2 * MiB, 0), MM_EINVAL);
    CHECK_EQ(mm_add_subsections(DEV, 2 * MiB, MAX_NODES), MM_EINVAL);
}

/* Usage names unmovable pages, counts movable ones; any single subsection goes alone. */
static void test_usage_and_remove(void)
{
    setup();
    CHECK_EQ(mm_add_subsections(DEV, 16 * MiB, 0), 0);
    uint64_t pin = mm_alloc_pages_in(DEV + 4 * MiB, DEV + 6 * MiB, 0, 0, MM_OWN_TEST_PIN, 77);
    CHECK(pin >= DEV + 4 * MiB && pin < DEV + 6 * MiB);
    uint32_t id;
    CHECK_EQ(mm_obj_create(1 * MiB, true, 0, &id), 0);
    struct mm_range_usage u;
    CHECK_EQ(mm_range_usage(DEV + 4 * MiB, 2 * MiB, &u), 0);
    CHECK_EQ(u.unmovable, 1);
    CHECK_EQ(u.first_unmov_pfn, pin >> PAGE_SHIFT);
    CHECK_EQ(u.first_unmov_owner, MM_OWN_TEST_PIN);
    CHECK_EQ(u.first_unmov_cookie, 77);
    CHECK_EQ(mm_range_usage(DEV, 16 * MiB, &u), 0);
    CHECK_EQ(u.movable, 256); /* the object's pages */
    CHECK_EQ(u.free + u.movable + u.unmovable, 16 * MiB / PAGE_SIZE);
    /* the middle subsection: offline (the object's pages move out), remove, then its neighbours */
    uint64_t mid = DEV + 8 * MiB;
    CHECK_EQ(mm_remove_subsections(mid, 2 * MiB), MM_EBUSY); /* online */
    CHECK_EQ(mm_offline_range(mid, 2 * MiB, NULL), 0);
    CHECK_EQ(mm_remove_subsections(mid, 2 * MiB), 0);
    CHECK_EQ(mm_section_present((unsigned)(DEV >> SECTION_SHIFT)) >> 4 & 1, 0);
    CHECK_EQ(mm_section_present((unsigned)(DEV >> SECTION_SHIFT)) & 0xff, 0xef);
    CHECK_EQ(mm_range_usage(mid, 2 * MiB, &u), 0);
    CHECK_EQ(u.free + u.movable + u.unmovable + u.offline, 0);
    CHECK_EQ(mm_remove_subsections(mid, 2 * MiB), MM_EINVAL); /* gone */
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_obj_check_all(NULL), 0);
    /* the pinned subsection cannot go; the rest can, and comes back */
    CHECK_EQ(mm_offline_range(DEV + 10 * MiB, 6 * MiB, NULL), 0);
    CHECK_EQ(mm_remove_subsections(DEV + 10 * MiB, 6 * MiB), 0);
    CHECK_EQ(mm_add_subsections(DEV + 8 * MiB, 8 * MiB, 0), 0);
    CHECK_EQ(mm_verify(), 0);
    mm_free_pages(pin, 0);
    CHECK_EQ(mm_obj_drop(id), 0);
    CHECK_EQ(mm_offline_range(DEV, 16 * MiB, NULL), 0);
    CHECK_EQ(mm_remove_subsections(DEV, 16 * MiB), 0);
    CHECK_EQ(mm_section_state((unsigned)(DEV >> SECTION_SHIFT)), MM_SECT_ABSENT);
    CHECK_EQ(zone(MM_ZONE_MOVABLE).present, 0);
    CHECK_EQ(mm_verify(), 0);
}

/* Only subsections added this way: not a DIMM range, not boot RAM. */
static void test_remove_refuses_others(void)
{
    setup();
    CHECK_EQ(mm_add_memory(0x100000000ull, 2 * MiB, 0), 0);
    CHECK_EQ(mm_offline_range(0x100000000ull, 2 * MiB, NULL), 0);
    CHECK_EQ(mm_remove_subsections(0x100000000ull, 2 * MiB), MM_EINVAL);
    CHECK_EQ(mm_remove_memory(0x100000000ull, 2 * MiB), 0);
    CHECK_EQ(mm_offline_range(128 * MiB, 2 * MiB, NULL), 0);
    CHECK_EQ(mm_remove_subsections(128 * MiB, 2 * MiB), MM_EINVAL);
    CHECK_EQ(mm_online_range(128 * MiB, 2 * MiB), 0);
    CHECK_EQ(mm_verify(), 0);
}

int main(void)
{
    plat_host_add_ram(0, 256 * MiB);
    plat_host_add_ram(0x100000000ull, 2 * MiB);
    plat_host_add_ram(DEV, 64 * MiB);
    test_add();
    test_usage_and_remove();
    test_remove_refuses_others();
    CHECK_SUMMARY();
}
