/* test_acpi_numa.c - NUMA map from SRAT + memory map: QEMU's one-node and three-node layouts,
 * the hotplug region absent from e820, a cold-plugged DIMM added through ACPI, SRAT ranges that
 * overlap reserved holes or each other, unknown nodes, no SRAT; and the whole boot sequence
 * (multiboot2 block -> memmap -> tables -> FADT/MADT/SRAT -> numa) on tables in simulated RAM. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/acpi/srat_numa.h"
#include "drivers/acpi/tables/tables.h"
#include "kernel/mb2.h"
#include "plat_host.h"
#include "test_acpi_build.h"

static struct memmap mm;
static struct acpi_srat srat;
static struct numa_info ni;
static uint8_t t[16384];

#define E820 MEMMAP_SRC_E820

/* QEMU's e820 for ram_below_4g bytes of RAM under 4 GiB and ram_above bytes above. */
static void qemu_e820(uint64_t below, uint64_t above)
{
    memmap_init(&mm);
    memmap_add(&mm, 0, 0x9fc00, MEMMAP_RAM, E820);
    memmap_add(&mm, 0x9fc00, 0x400, MEMMAP_RESERVED, E820);
    memmap_add(&mm, 0xf0000, 0x10000, MEMMAP_RESERVED, E820);
    memmap_add(&mm, 0x100000, below - 0x100000 - 0x20000, MEMMAP_RAM, E820);
    memmap_add(&mm, below - 0x20000, 0x20000, MEMMAP_RESERVED, E820);
    memmap_add(&mm, 0xfffc0000, 0x40000, MEMMAP_RESERVED, E820);
    if (above)
        memmap_add(&mm, 0x100000000ull, above, MEMMAP_RAM, E820);
    memmap_add(&mm, 0xfd00000000ull, 0x300000000ull, MEMMAP_RESERVED, E820);
}

/* Parse an SRAT built in t. */
static void parse(uint32_t off)
{
    uint32_t len = tb_end(t, off);
    acpi_srat_parse(t, len, &srat);
}

static void test_one_node(void)
{
    /* -m 1G,slots=4,maxmem=8G: hotplug region 0x100000000 + (7G + 4 * 1G). */
    qemu_e820(0x40000000, 0);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_cpu(t, off, 0, 0, 1);
    off = tb_srat_mem(t, off, 0, 0, 0xa0000, 1);
    off = tb_srat_mem(t, off, 0, 0x100000, 0x3ff00000, 1);
    off = tb_srat_mem(t, off, 0, 0, 0, 0);
    off = tb_srat_mem(t, off, 0, 0x100000000ull, 0x2c0000000ull, 3);
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_OK);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK(ni.from_srat);
    CHECK_EQ(ni.nnodes, 1);
    CHECK_EQ(ni.n, 3);
    CHECK_EQ(ni.r[0].base, 0);
    CHECK_EQ(ni.r[0].len, 0x9f000);
    CHECK_EQ(ni.r[0].flags, NUMA_PRESENT);
    CHECK_EQ(ni.r[1].base, 0x100000);
    CHECK_EQ(ni.r[1].len, 0x3fee0000);
    CHECK_EQ(ni.r[2].base, 0x100000000ull);
    CHECK_EQ(ni.r[2].len, 0x2c0000000ull);
    CHECK_EQ(ni.r[2].flags, NUMA_HOTPLUG);
    CHECK_EQ(ni.node[0].present, 0x9f000 + 0x3fee0000);
    CHECK_EQ(ni.node[0].hotplug, 0);
    CHECK_EQ(ni.node[0].hotplug_absent, 0x2c0000000ull);
    CHECK_EQ(ni.node[0].ncpus, 1);
    CHECK(numa_is_hotpluggable(&ni, 0x100800000ull));
    CHECK(!numa_is_hotpluggable(&ni, 0x200000));
    CHECK_EQ(numa_node_of(&ni, 0x200000), 0);
    CHECK_EQ(numa_node_of(&ni, 0xa0000), -1);

    /* A cold-plugged 1 GiB DIMM at 0x100800000 found through ACPI: now present and hotplug. */
    memmap_add(&mm, 0x100800000ull, 0x40000000, MEMMAP_RAM, MEMMAP_SRC_ACPI);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_OK);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(ni.n, 5);
    CHECK_EQ(ni.r[3].base, 0x100800000ull);
    CHECK_EQ(ni.r[3].flags, NUMA_PRESENT | NUMA_HOTPLUG);
    CHECK_EQ(ni.node[0].hotplug, 0x40000000);
    CHECK_EQ(ni.node[0].hotplug_absent, 0x2c0000000ull - 0x40000000);
}

static void test_three_nodes(void)
{
    /* -m 3G, nodes of 512M, 1G, 1.5G; hotplug region on the last node. */
    qemu_e820(0xc0000000, 0);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    for (int i = 0; i < 3; i++)
        off = tb_srat_cpu(t, off, (uint32_t)i, (uint8_t)i, 1);
    off = tb_srat_mem(t, off, 0, 0, 0xa0000, 1);
    off = tb_srat_mem(t, off, 0, 0x100000, 0x1ff00000, 1);
    off = tb_srat_mem(t, off, 1, 0x20000000, 0x40000000, 1);
    off = tb_srat_mem(t, off, 2, 0x60000000, 0x60000000, 1);
    off = tb_srat_mem(t, off, 0, 0, 0, 0);
    off = tb_srat_mem(t, off, 2, 0x100000000ull, 0x140000000ull, 3);
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_OK);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(ni.nnodes, 3);
    CHECK_EQ(ni.node[0].present, 0x9f000 + 0x1ff00000);
    CHECK_EQ(ni.node[1].present, 0x40000000);
    CHECK_EQ(ni.node[2].present, 0x60000000 - 0x20000);
    CHECK_EQ(ni.node[2].hotplug_absent, 0x140000000ull);
    CHECK_EQ(ni.node[1].hotplug_absent, 0);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(ni.node[i].ncpus, 1);
    CHECK_EQ(numa_node_of(&ni, 0x20000000), 1);
    CHECK_EQ(numa_node_of(&ni, 0x1fffffff), 0);
    CHECK_EQ(numa_node_of(&ni, 0x100000000ull), 2);
}

static void test_holes_and_bad_entries(void)
{
    /* -m 5G on pc: 3G below 4G, 2G above; hotplug region rounds up to 0x180000000 boundary. */
    qemu_e820(0xc0000000, 0x80000000);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    /* One entry covering the whole low 4 GiB including the reserved holes (non-hotpluggable). */
    off = tb_srat_mem(t, off, 0, 0, 0x100000000ull, 1);
    off = tb_srat_mem(t, off, 1, 0x100000000ull, 0x80000000, 1);
    /* A hotpluggable range overlapping the reserved 0xfd00000000 hole. */
    off = tb_srat_mem(t, off, 1, 0xfc00000000ull, 0x200000000ull, 3);
    /* Overlapping an earlier range: skipped. */
    off = tb_srat_mem(t, off, 1, 0x80000000, 0x1000000, 1);
    /* Sparse domains: 0, 1, 9 and 12 are nodes 0-3. */
    off = tb_srat_mem(t, off, 9, 0x200000000ull, 0x1000000, 3);
    off = tb_srat_cpu(t, off, 12, 3, 1);
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_ERR_ENTRY);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(ni.nbad, 1);
    CHECK_EQ(numa_node_of(&ni, 0x200000000ull), 2);
    CHECK_EQ(ni.node[3].ncpus, 1);
    CHECK_EQ(ni.node[0].present, 0x9f000 + 0xc0000000 - 0x100000 - 0x20000);
    CHECK_EQ(ni.node[1].present, 0x80000000);
    /* Hotplug part kept only where the map has nothing: [0xfc00000000, 0xfd00000000). */
    CHECK_EQ(ni.node[1].hotplug_absent, 0x100000000ull);
    CHECK(numa_is_hotpluggable(&ni, 0xfc00000000ull));
    CHECK(!numa_is_hotpluggable(&ni, 0xfd00000000ull));
    CHECK_EQ(numa_node_of(&ni, 0xfe000000), -1); /* hole in a non-hotplug range */

    /* RAM outside every SRAT range: node 0, flagged (the SRAT's only domain, 2, is node 1: it
     * declares a processor on domain 0 too). */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 2, 0x100000, 0x10000000, 1);
    off = tb_srat_cpu(t, off, 0, 0, 1);
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_OK);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(ni.node[1].present, 0x10000000);
    CHECK_EQ(numa_node_of(&ni, 0), 0);
    CHECK(numa_find(&ni, 0)->flags & NUMA_NO_SRAT);
    CHECK(numa_find(&ni, 0x20000000)->flags & NUMA_NO_SRAT);
    CHECK_EQ(ni.nnodes, 2);

    /* No SRAT at all. */
    CHECK_EQ(acpi_numa_build(&ni, NULL, &mm), ACPI_OK);
    CHECK(!ni.from_srat);
    CHECK_EQ(ni.nnodes, 1);
    CHECK_EQ(ni.node[0].present, memmap_total(&mm, MEMMAP_RAM));
    CHECK(!(numa_find(&ni, 0)->flags & NUMA_NO_SRAT));
}

static void test_many(void)
{
    /* 128 SRAT ranges over 300 RAM pieces: at most NUMA_MAX_RANGES, an error, no crash. */
    memmap_init(&mm);
    for (int i = 0; i < 250; i++)
        memmap_add(&mm, (uint64_t)i << 24, 1 << 23, MEMMAP_RAM, E820);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    for (int i = 0; i < 128; i++)
        off = tb_srat_mem(t, off, (uint32_t)(i % MAX_NODES), (uint64_t)i << 26, 1ull << 26, (i & 1) ? 3 : 1);
    parse(off);
    int rc = acpi_numa_build(&ni, &srat, &mm);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(rc, ACPI_ERR_FULL); /* 250 RAM pieces cut by 128 SRAT ranges: more than the table holds */
    CHECK_EQ(ni.n, NUMA_MAX_RANGES);
    CHECK(ni.n <= NUMA_MAX_RANGES);
    /* Hotplug-absent gaps between 250 pieces: over the limit. */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 0, 0, 1ull << 40, 3);
    parse(off);
    memmap_init(&mm);
    for (int i = 0; i < 250; i++)
        memmap_add(&mm, (uint64_t)i << 24, 1 << 23, i % 2 ? MEMMAP_RAM : MEMMAP_RESERVED, E820);
    memmap_add(&mm, 0xfd00000000ull, 0x10000000, MEMMAP_RAM, E820);
    rc = acpi_numa_build(&ni, &srat, &mm);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(rc, ACPI_ERR_FULL);
    CHECK_EQ(ni.n, NUMA_MAX_RANGES);
}

/* Proximity domains become nodes by rank, not by value: domains 200, 7, 0 (in that order in the
 * table) are nodes 2, 1, 0; past MAX_NODES domains, the rest have no node and their entries are
 * skipped and counted. */
static void test_sparse_domains(void)
{
    qemu_e820(0x80000000, 0);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 200, 0, 0x40000000, 1);
    off = tb_srat_mem(t, off, 7, 0x40000000, 0x40000000, 1);
    off = tb_srat_cpu(t, off, 0, 0, 1);
    off = tb_srat_cpu(t, off, 300, 1, 0); /* disabled: not a domain */
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_OK);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(acpi_pxm_to_node(&srat, 0), 0);
    CHECK_EQ(acpi_pxm_to_node(&srat, 7), 1);
    CHECK_EQ(acpi_pxm_to_node(&srat, 200), 2);
    CHECK_EQ(acpi_pxm_to_node(&srat, 1), -1);
    CHECK_EQ(acpi_pxm_to_node(&srat, 300), -1);
    CHECK_EQ(acpi_pxm_to_node(NULL, 5), 0); /* no SRAT: one node */
    CHECK_EQ(numa_node_of(&ni, 0x100000), 2);
    CHECK_EQ(numa_node_of(&ni, 0x40000000), 1);
    CHECK_EQ(ni.node[0].ncpus, 1);
    CHECK_EQ(ni.nnodes, 3);

    /* MAX_NODES + 2 domains, 1000, 1010, ...: the two largest have no node */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    for (uint32_t i = 0; i < MAX_NODES + 2; i++)
        off = tb_srat_mem(t, off, 1000 + 10 * i, (uint64_t)i << 26, 1ull << 26, 1);
    parse(off);
    CHECK_EQ(acpi_numa_build(&ni, &srat, &mm), ACPI_ERR_ENTRY);
    CHECK_EQ(numa_check(&ni), 0);
    CHECK_EQ(ni.nbad, 2);
    CHECK_EQ(ni.nnodes, MAX_NODES);
    CHECK_EQ(acpi_pxm_to_node(&srat, 1000 + 10 * (MAX_NODES - 1)), MAX_NODES - 1);
    CHECK_EQ(acpi_pxm_to_node(&srat, 1000 + 10 * MAX_NODES), -1);
    CHECK_EQ(numa_node_of(&ni, (uint64_t)(MAX_NODES - 1) << 26), MAX_NODES - 1);
    CHECK_EQ(numa_node_of(&ni, (uint64_t)MAX_NODES << 26), 0); /* RAM outside every accepted range */
}

/* ---- the boot sequence on simulated RAM ---- */
#define AREA 0x7ffe0000ull
static uint8_t blk[4096];
static uint32_t blen;

static void tag(uint32_t type, const void *p, uint32_t n)
{
    tb_w32(blk + blen, type);
    tb_w32(blk + blen + 4, 8 + n);
    if (p)
        memcpy(blk + blen + 8, p, n);
    blen = (blen + 8 + n + 7) & ~7u;
}

static void test_boot_sequence(void)
{
    plat_host_add_ram(AREA, 0x20000);
    /* Tables: XSDT -> FACP (q35-like), APIC, SRAT; DSDT via FADT. */
    memset(t, 0, sizeof t);
    tb_hdr(t, "FACP", 244, 3);
    tb_w32(t + 40, (uint32_t)(AREA + 0x2000));
    tb_w16(t + 46, 9);
    tb_w32(t + 48, 0xb2);
    t[52] = 2;
    tb_w32(t + 56, 0x600);
    tb_w32(t + 64, 0x604);
    tb_w32(t + 80, 0x620);
    t[88] = 4;
    t[89] = 2;
    t[92] = 16;
    tb_fix(t);
    tb_put(AREA + 0x1000, t, 244);
    memset(t, 0, 64);
    tb_hdr(t, "DSDT", 64, 2);
    tb_fix(t);
    tb_put(AREA + 0x2000, t, 64);
    memset(t, 0, 128);
    tb_hdr(t, "APIC", 44, 1);
    tb_w32(t + 36, 0xfee00000);
    uint8_t lap[] = {0, 8, 0, 0, 1, 0, 0, 0, 2, 10, 0, 9, 9, 0, 0, 0, 0xd, 0};
    memcpy(t + 44, lap, sizeof lap);
    tb_end(t, 44 + sizeof lap);
    tb_put(AREA + 0x3000, t, 44 + sizeof lap);
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_cpu(t, off, 0, 0, 1);
    off = tb_srat_mem(t, off, 0, 0, 0xa0000, 1);
    off = tb_srat_mem(t, off, 0, 0x100000, 0x7ff00000, 1);
    off = tb_srat_mem(t, off, 0, 0x100000000ull, 0x100000000ull, 3);
    tb_end(t, off);
    tb_put(AREA + 0x4000, t, off);
    uint64_t e[] = {AREA + 0x1000, AREA + 0x3000, AREA + 0x4000};
    uint32_t len = tb_root(t, 8, e, 3);
    tb_put(AREA + 0x100, t, len);

    /* The multiboot2 block: e820 for -m 2G, RSDP v2 copy. */
    memset(blk, 0, sizeof blk);
    blen = 8;
    uint8_t mmt[8 + 4 * 24] = {0};
    tb_w32(mmt, 24);
    uint64_t ents[4][3] = {
        {0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0x100000, 0x7fee0000, 1}, {0x7ffe0000, 0x20000, 2}};
    for (int i = 0; i < 4; i++) {
        tb_w64(mmt + 8 + 24 * i, ents[i][0]);
        tb_w64(mmt + 8 + 24 * i + 8, ents[i][1]);
        tb_w32(mmt + 8 + 24 * i + 16, (uint32_t)ents[i][2]);
    }
    tag(MB2_TAG_MMAP, mmt, sizeof mmt);
    uint8_t r[36];
    tb_rsdp(r, 2, 0, AREA + 0x100);
    tag(MB2_TAG_ACPI_NEW, r, 36);
    tag(MB2_TAG_END, NULL, 0);
    tb_w32(blk, blen);

    /* The order kmain follows. */
    struct mb2_info mi;
    CHECK_EQ(mb2_parse(blk, blen, &mi), MB2_OK);
    memmap_init(&memmap_boot);
    CHECK_EQ(mb2_fill_memmap(&mi, &memmap_boot), 0);
    size_t rl;
    const void *rsdp = mb2_rsdp(&mi, &rl);
    CHECK_EQ(acpi_tables_init(rsdp, rl), ACPI_OK);
    CHECK_EQ(acpi_fadt_init(), ACPI_OK);
    CHECK_EQ(acpi_madt_init(), ACPI_OK);
    CHECK_EQ(acpi_srat_init(), ACPI_OK);
    CHECK_EQ(acpi_hpet_init(), ACPI_ERR_NOT_FOUND);
    CHECK_EQ(acpi_mcfg_init(), ACPI_ERR_NOT_FOUND);
    CHECK_EQ(acpi_numa_init(), ACPI_OK);
    CHECK_EQ(acpi_table_count(), 5); /* XSDT FACP APIC SRAT DSDT */
    CHECK(acpi_find_table("DSDT", 0, NULL) != NULL);
    CHECK_EQ(acpi_fadt_info.gpe0.address, 0x620);
    CHECK_EQ(acpi_fadt_info.gpe0.len, 16);
    CHECK_EQ(acpi_fadt_info.dsdt, AREA + 0x2000);
    CHECK_EQ(acpi_madt_info.ncpus, 1);
    uint16_t fl;
    CHECK_EQ(acpi_madt_irq_to_gsi(&acpi_madt_info, acpi_fadt_info.sci_int, &fl), 9);
    CHECK_EQ(fl, 0xd);
    CHECK_EQ(numa_boot.nnodes, 1);
    CHECK_EQ(numa_boot.node[0].present, 0x9f000 + 0x7fee0000);
    CHECK_EQ(numa_boot.node[0].hotplug_absent, 0x100000000ull);
    CHECK_EQ(numa_boot.node[0].ncpus, 1);
}

int main(void)
{
    plat_host_loglevel = -1;
    test_one_node();
    test_three_nodes();
    test_holes_and_bad_entries();
    test_many();
    test_sparse_domains();
    test_boot_sequence();
    CHECK_SUMMARY();
}
