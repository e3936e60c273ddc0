/* test_acpi_srat.c - SRAT parser: QEMU's layout (zero filler, hotplug region), x2APIC affinity,
 * non-volatile flags, malformed entries (zero length, past the end, too short, wrap-around,
 * enabled with length 0), hundreds of entries, and acpi_srat_init with two SRATs. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/acpi/tables/tables.h"
#include "plat_host.h"
#include "test_acpi_build.h"

static uint8_t t[16384];

/* QEMU -m 1G,slots=4,maxmem=8G, one CPU. */
static uint32_t build_qemu(void)
{
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_cpu(t, off, 0, 0, 1);
    off = tb_srat_mem(t, off, 0, 0, 0xa0000, 1);
    off = tb_srat_mem(t, off, 0, 0x100000, 0x3ff00000, 1);
    off = tb_srat_mem(t, off, 0, 0, 0, 0);
    off = tb_srat_mem(t, off, 0, 0x100000000ull, 0x2c0000000ull, 3);
    return tb_end(t, off);
}

static void test_qemu(void)
{
    static struct acpi_srat s;
    uint32_t len = build_qemu();
    uint8_t *c = malloc(len);
    memcpy(c, t, len);
    CHECK_EQ(acpi_srat_parse(c, len, &s), ACPI_OK);
    free(c);
    CHECK(s.valid);
    CHECK_EQ(s.nmem, 4);
    CHECK_EQ(s.ncpu, 1);
    CHECK_EQ(s.nbad, 0);
    CHECK_EQ(s.mem[1].base, 0x100000);
    CHECK_EQ(s.mem[1].len, 0x3ff00000);
    CHECK_EQ(s.mem[2].flags, 0); /* the filler is kept (listed as disabled) */
    CHECK_EQ(s.mem[3].base, 0x100000000ull);
    CHECK_EQ(s.mem[3].len, 0x2c0000000ull);
    CHECK_EQ(s.mem[3].flags, ACPI_SRAT_MEM_ENABLED | ACPI_SRAT_MEM_HOTPLUGGABLE);
    char buf[64];
    CHECK(strcmp(acpi_srat_flags_str(s.mem[3].flags, buf, sizeof buf), "enabled,hotpluggable") == 0);
    CHECK(strcmp(acpi_srat_flags_str(0, buf, sizeof buf), "disabled") == 0);
    CHECK(strcmp(acpi_srat_flags_str(7, buf, sizeof buf), "enabled,hotpluggable,non-volatile") == 0);
    CHECK(strcmp(acpi_srat_flags_str(0x11, buf, sizeof buf), "enabled,other") == 0);
}

static void test_cpu_entries(void)
{
    static struct acpi_srat s;
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_cpu(t, off, 0x01020304, 5, 1); /* proximity domain in 4 bytes: lo + hi[3] */
    uint8_t *e = t + off;
    e[0] = 2;
    e[1] = 24;
    tb_w32(e + 4, 3);
    tb_w32(e + 8, 0x10001);
    tb_w32(e + 12, 1);
    off += 24;
    e = t + off; /* GICC affinity (type 3): skipped */
    e[0] = 3;
    e[1] = 18;
    off += 18;
    off = tb_srat_mem(t, off, 2, 0x200000000ull, 0x40000000, 7);
    uint32_t len = tb_end(t, off);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_OK);
    CHECK_EQ(s.ncpu, 2);
    CHECK_EQ(s.cpu[0].node, 0x01020304);
    CHECK_EQ(s.cpu[0].apic_id, 5);
    CHECK(s.cpu[1].x2apic);
    CHECK_EQ(s.cpu[1].node, 3);
    CHECK_EQ(s.cpu[1].apic_id, 0x10001);
    CHECK_EQ(s.nmem, 1);
    CHECK_EQ(s.mem[0].flags, 7);
}

static void test_malformed(void)
{
    static struct acpi_srat s;
    /* Zero-length entry: stops the walk, earlier entries kept. */
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 0, 0, 0xa0000, 1);
    uint32_t bad = off;
    off = tb_srat_mem(t, off, 0, 0x100000, 0x1000000, 1);
    t[bad + 1] = 0;
    uint32_t len = tb_end(t, off);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_ENTRY);
    CHECK(s.valid);
    CHECK_EQ(s.nmem, 1);
    CHECK_EQ(s.nbad, 1);
    /* Entry running past the end. */
    t[bad + 1] = 41;
    tb_fix(t);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_ENTRY);
    CHECK_EQ(s.nmem, 1);
    /* A memory entry too short for its type (24 < 40): skipped, the walk goes on. */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    t[off] = 1;
    t[off + 1] = 24;
    off += 24;
    off = tb_srat_mem(t, off, 1, 0x100000, 0x1000000, 1);
    len = tb_end(t, off);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_ENTRY);
    CHECK_EQ(s.nmem, 1);
    CHECK_EQ(s.mem[0].node, 1);
    /* Wrapping range, enabled zero-length range: skipped. */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 0, 0xfffffffffff00000ull, 0x200000, 1);
    off = tb_srat_mem(t, off, 0, 0x1000, 0, 1);
    off = tb_srat_mem(t, off, 0, 0x100000, 0x100000, 1);
    len = tb_end(t, off);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_ENTRY);
    CHECK_EQ(s.nmem, 1);
    CHECK_EQ(s.nbad, 2);
    /* Header problems. */
    CHECK_EQ(acpi_srat_parse(t, len - 1, &s), ACPI_ERR_LENGTH);
    CHECK(!s.valid);
    len = tb_end(t, 44);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_LENGTH);
    len = build_qemu();
    t[60] ^= 1;
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_CHECKSUM);
    /* Hundreds of entries: 128 memory and 256 processor entries kept. */
    memset(t, 0, sizeof t);
    off = tb_srat_begin(t);
    for (int i = 0; i < 200; i++)
        off = tb_srat_mem(t, off, (uint32_t)(i % 4), (uint64_t)i << 30, 1ull << 30, 1);
    for (int i = 0; i < 300; i++)
        off = tb_srat_cpu(t, off, 0, (uint8_t)i, 1);
    len = tb_end(t, off);
    CHECK_EQ(acpi_srat_parse(t, len, &s), ACPI_ERR_FULL);
    CHECK_EQ(s.nmem, ACPI_SRAT_MAX_MEM);
    CHECK_EQ(s.ncpu, ACPI_SRAT_MAX_CPU);
    /* Every truncation of QEMU's SRAT (length and checksum fixed), from an exact-size copy. */
    len = build_qemu();
    int ok = 0;
    for (uint32_t n = 0; n <= len; n++) {
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, t, n);
        if (n >= 36) {
            tb_w32(c + 4, n);
            c[9] = 0;
            c[9] = (uint8_t)(0 - acpi_checksum(c, n));
        }
        int rc = acpi_srat_parse(c, n, &s);
        ok += (n < 48 && rc == ACPI_ERR_LENGTH) || (n >= 48 && (rc == ACPI_OK || rc == ACPI_ERR_ENTRY));
        free(c);
    }
    CHECK_EQ(ok, len + 1);
}

#define AREA 0x7ff00000ull
static void test_init(void)
{
    plat_host_add_ram(AREA, 0x100000);
    /* An extra SRAT (as from -acpitable) whose second entry runs past its end, then QEMU's. */
    memset(t, 0, sizeof t);
    uint32_t off = tb_srat_begin(t);
    off = tb_srat_mem(t, off, 1, 0x100000, 0x1000, 1);
    off = tb_srat_mem(t, off, 1, 0x200000, 0x1000, 1);
    t[off - 39] = 80;
    uint32_t len = tb_end(t, off);
    tb_put(AREA + 0x1000, t, len);
    len = build_qemu();
    tb_put(AREA + 0x2000, t, len);
    uint64_t e[] = {AREA + 0x1000, AREA + 0x2000};
    len = tb_root(t, 8, e, 2);
    tb_put(AREA + 0x100, t, len);
    uint8_t r[36];
    tb_rsdp(r, 2, 0, AREA + 0x100);
    CHECK_EQ(acpi_tables_init(r, 36), ACPI_OK);
    CHECK_EQ(acpi_srat_init(), ACPI_OK);
    CHECK_EQ(acpi_srat_info.nmem, 4);
    CHECK_EQ(acpi_srat_info.mem[3].len, 0x2c0000000ull);
    len = tb_root(t, 8, e, 1);
    tb_put(AREA + 0x100, t, len);
    CHECK_EQ(acpi_tables_init(r, 36), ACPI_OK);
    CHECK_EQ(acpi_srat_init(), ACPI_ERR_ENTRY);
    CHECK_EQ(acpi_srat_info.nmem, 1);
    CHECK_EQ(acpi_srat_info.nbad, 1);
}

int main(void)
{
    plat_host_loglevel = -1;
    test_qemu();
    test_cpu_entries();
    test_malformed();
    test_init();
    CHECK_SUMMARY();
}
