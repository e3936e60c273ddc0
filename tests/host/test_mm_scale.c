/* test_mm_scale.c - memory work proportional to blocks, not pages (lazy frame descriptors), the
 * frame state machine, and physical addresses past 1 TiB.
 *
 * What a boot / hot-add / online / offline / remove of free memory writes is counted through the
 * platform layer: plat_host_ram_touched() asks the host which pages of the simulated RAM were
 * ever touched (mincore), so any descriptor write into a memmap shows up. */
#include <setjmp.h>
#include <string.h>

#include "mm/mm_internal.h"
#include "tests/host/check.h"
#include "tests/host/expect_panic.h"
#include "tests/host/plat_host.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)
#define NODE_RAM (16 * GiB) /* 4 nodes: 64 GiB of boot RAM */
#define DIMM (2 * TiB)      /* a hot-added range above 1 TiB (46-bit space) */
#define DIMM_SIZE (64 * GiB)

/* Pages of the section structs of size bytes of memory (what boot must touch, at most). */
static uint64_t sect_pages(uint64_t bytes)
{
    return (bytes / SECTION_SIZE) * sizeof(struct mm_section) / PAGE_SIZE + 1;
}

/* Boot of 64 GiB over 4 nodes touches the section structs and a few partial subsections, not
 * the 128 MiB of descriptors (32768 pages) its frame database spans. */
static void test_boot_touches_heads_only(void)
{
    mm_reset();
    for (unsigned n = 0; n < 4; n++)
        CHECK_EQ(mm_boot_add_range(n * NODE_RAM, NODE_RAM, n, false), 0);
    CHECK_EQ(mm_boot_reserve(0, MiB, MM_OWN_FIRMWARE), 0);
    CHECK_EQ(mm_boot_reserve(MiB + 12 * 4096, 3 * MiB, MM_OWN_KERNEL_IMAGE), 0);
    CHECK_EQ(mm_boot_finish(), 0);
    uint64_t touched = plat_host_ram_touched(0, 4 * NODE_RAM);
    uint64_t memmap_pages = 4 * NODE_RAM / PAGE_SIZE * sizeof(struct frame) / PAGE_SIZE;
    printf("boot 64 GiB: %llu host pages touched (frame database spans %llu pages, section structs %llu)\n",
           (unsigned long long)touched, (unsigned long long)memmap_pages,
           (unsigned long long)sect_pages(4 * NODE_RAM));
    CHECK(touched <= sect_pages(4 * NODE_RAM) + 16);
    CHECK(touched * 64 < memmap_pages);
    struct mm_zone_stats t;
    mm_total_stats(&t);
    CHECK_EQ(t.present, 4 * NODE_RAM / PAGE_SIZE);
    CHECK(t.free > t.present - (memmap_pages + 2048)); /* the frame database, 4 MiB reserved */
    CHECK_EQ(mm_verify(), 0);
    CHECK(plat_host_ram_touched(0, 4 * NODE_RAM) <= sect_pages(4 * NODE_RAM) + 16);
}

/* Pages of metadata a hot-added range of size bytes puts on itself: memmap + section structs. */
static uint64_t meta_pages(uint64_t size)
{
    return (size / SUBSECTION_SIZE * SUB_MEMMAP_BYTES + size / SECTION_SIZE * SECT_BYTES + PAGE_SIZE - 1) /
           PAGE_SIZE;
}

/* Hot-add, online, offline, online, offline, remove of a free 64 GiB range at 2 TiB write only
 * its section structs (on its own first pages, after the memmap) and the heads of the one
 * subsection where that metadata ends: every other head lives in a section struct. */
static void test_hotplug_touches_nothing(void)
{
    struct mm_zone_stats t0, t;
    uint64_t memmap_bytes = DIMM_SIZE / SUBSECTION_SIZE * SUB_MEMMAP_BYTES;
    mm_total_stats(&t0);
    CHECK_EQ(mm_add_memory(DIMM, DIMM_SIZE, 3), 0);
    /* the memmap: only that of the subsection where the metadata ends (its heads: 8 KiB) */
    CHECK(plat_host_ram_touched(DIMM, memmap_bytes) <= 2);
    CHECK(plat_host_ram_touched(DIMM, DIMM_SIZE) <= sect_pages(DIMM_SIZE) + 3);
    mm_total_stats(&t);
    CHECK_EQ(t.present - t0.present, DIMM_SIZE / PAGE_SIZE);
    uint64_t memmap = meta_pages(DIMM_SIZE);
    CHECK_EQ(t.free - t0.free, DIMM_SIZE / PAGE_SIZE - memmap);
    CHECK_EQ(mm_verify(), 0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, DIMM_SIZE, &rep), 0);
    CHECK_EQ(rep.pages_free, DIMM_SIZE / PAGE_SIZE - memmap);
    CHECK_EQ(mm_online_range(DIMM + GiB, GiB), 0);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_offline_range(DIMM, DIMM_SIZE, &rep), 0);
    CHECK_EQ(mm_verify(), 0);
    /* the memmap: only that of the subsection where the metadata ends (its heads: 8 KiB) */
    CHECK(plat_host_ram_touched(DIMM, memmap_bytes) <= 2);
    CHECK(plat_host_ram_touched(DIMM, DIMM_SIZE) <= sect_pages(DIMM_SIZE) + 3);
    CHECK_EQ(mm_remove_memory(DIMM, DIMM_SIZE), 0);
    CHECK_EQ(mm_section_state((unsigned)(DIMM >> SECTION_SHIFT)), MM_SECT_ABSENT);
    mm_total_stats(&t);
    CHECK_EQ(t.present, t0.present);
    CHECK_EQ(mm_verify(), 0);
}

/* Using memory does write descriptors (the counter can fail): a split of a hot-added block and
 * an allocated order-3 block's tails. Frees at and above 1 TiB work (48-bit list links). */
static void test_use_touches(void)
{
    CHECK_EQ(mm_add_memory(DIMM, 4 * GiB, 0), 0);
    uint64_t pa = mm_alloc_pages_in(DIMM + 3 * GiB, DIMM + 4 * GiB, 3, 0, MM_OWN_KERNEL, 7);
    CHECK(pa >= DIMM + 3 * GiB && pa < DIMM + 4 * GiB);
    CHECK(plat_host_ram_touched(DIMM, 4 * GiB) >= 1);
    unsigned owner = 0;
    uint32_t cookie = 0;
    CHECK_EQ(mm_frame_owner(pa + 5 * PAGE_SIZE, &owner, &cookie), 0); /* a tail: its block's owner */
    CHECK_EQ(owner, MM_OWN_KERNEL);
    CHECK_EQ(cookie, 7);
    CHECK_EQ(pfn_frame((pa >> PAGE_SHIFT) + 5)->state, FS_TAIL);
    /* movable prefers the hot-added MOVABLE zone, lowest block first (past its own metadata) */
    uint64_t pb = mm_alloc_pages(MM_MAX_ORDER, MM_MOVABLE | MM_NODE(0));
    CHECK_EQ(pb, DIMM + ((meta_pages(4 * GiB) * PAGE_SIZE + SUBSECTION_SIZE - 1) & ~(SUBSECTION_SIZE - 1)));
    CHECK_EQ(mm_verify(), 0);
    mm_free_pages(pa, 3);
    mm_free_pages(pb, MM_MAX_ORDER);
    CHECK_EQ(mm_verify(), 0);
    struct mm_offline_report rep;
    CHECK_EQ(mm_offline_range(DIMM, 4 * GiB, &rep), 0);
    CHECK_EQ(mm_remove_memory(DIMM, 4 * GiB), 0);
    CHECK_EQ(mm_verify(), 0);
}

/* Two ranges sharing a section: the struct lives on the first; removing the first moves it to
 * the heap (the second still uses it); removing the second drops it. */
static void test_shared_section_struct(void)
{
    uint64_t idx = DIMM >> SECTION_SHIFT;
    struct mm_offline_report rep;
    CHECK_EQ(mm_add_memory(DIMM, 64 * MiB, 1), 0);
    CHECK_EQ(sect_at(idx)->home, SECT_ON_RANGE);
    CHECK_EQ(mm_add_memory(DIMM + 64 * MiB, 128 * MiB, 1), 0);
    CHECK_EQ(sect_at(idx)->home, SECT_ON_RANGE);
    CHECK_EQ(sect_at(idx + 1)->home, SECT_ON_RANGE);
    CHECK((uint8_t *)sect_at(idx + 1) >= (uint8_t *)plat_phys_to_virt(DIMM + 64 * MiB));
    CHECK_EQ(mm_offline_range(DIMM, 64 * MiB, &rep), 0);
    CHECK_EQ(mm_remove_memory(DIMM, 64 * MiB), 0);
    CHECK_EQ(sect_at(idx)->home, SECT_HEAP);
    CHECK_EQ(sect_at(idx)->present, ~0ull << 32);
    CHECK_EQ(mm_verify(), 0);
    CHECK_EQ(mm_offline_range(DIMM + 64 * MiB, 128 * MiB, &rep), 0);
    CHECK_EQ(mm_remove_memory(DIMM + 64 * MiB, 128 * MiB), 0);
    CHECK(sect_at(idx) == NULL && sect_at(idx + 1) == NULL);
    CHECK_EQ(mm_verify(), 0);
}

/* The state machine: legal transitions pass, illegal ones panic (MM_DEBUG), naming the frame. */
static void test_state_machine(void)
{
    CHECK(fs_legal[FS_FREE] >> FS_HELD & 1);
    CHECK(fs_legal[FS_HELD] >> FS_OFFLINE & 1);
    CHECK(!(fs_legal[FS_FREE] >> FS_OFFLINE & 1));
    CHECK(!(fs_legal[FS_OFFLINE] >> FS_USED & 1));
    CHECK_EQ(fs_legal[FS_FIXED], 0);
    CHECK_EQ(fs_legal[FS_HOLE], 0);
    struct frame f;
    memset(&f, 0, sizeof f);
    frame_init(&f, FS_FREE, 2);
    frame_set(0x1234, &f, FS_USED);
    CHECK_EQ(f.state, FS_USED);
    EXPECT_PANIC(frame_set(0x1234, &f, FS_OFFLINE), "frame 0x1234 state used order 2");
    frame_init(&f, FS_HOLE, 0);
    EXPECT_PANIC(frame_set(0x55, &f, FS_FREE), "frame 0x55 state hole");
    /* a free of a page inside a free block is caught (release: it reads uninit; debug: the walk) */
    uint64_t pa = mm_alloc_pages(1, 0);
    CHECK(pa != 0);
    mm_free_pages(pa, 1);
    EXPECT_PANIC(mm_free_pages(pa + PAGE_SIZE, 0), "tail");
    CHECK_EQ(mm_verify(), 0);
    CHECK(strcmp(frame_state_name(FS_OFFLINE), "offline") == 0);
    CHECK(strcmp(frame_state_name(99), "?") == 0);
}

int main(void)
{
    plat_host_add_ram(0, 4 * NODE_RAM);
    plat_host_add_ram(DIMM, DIMM_SIZE);
    test_boot_touches_heads_only();
    test_hotplug_touches_nothing();
    test_use_touches();
    test_shared_section_struct();
    test_state_machine();
    mm_reset();
    CHECK_SUMMARY();
}
