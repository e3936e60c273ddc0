/* test_acpi_madt.c - MADT: QEMU's layout (LAPICs, IO APIC, overrides, NMI), x2APIC, LAPIC address
 * override, and malformed entries: zero length, past the end, too short for the type, overflow;
 * acpi_madt_init choosing between a malformed and a good MADT. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/acpi/tables/tables.h"
#include "plat_host.h"
#include "test_acpi_build.h"

static uint8_t t[8192];

static uint32_t begin(void)
{
    memset(t, 0, sizeof t);
    tb_hdr(t, "APIC", 44, 1);
    tb_w32(t + 36, 0xfee00000);
    tb_w32(t + 40, 1);
    return 44;
}

static uint32_t lapic(uint32_t off, uint8_t uid, uint8_t id, uint32_t flags)
{
    t[off] = 0;
    t[off + 1] = 8;
    t[off + 2] = uid;
    t[off + 3] = id;
    tb_w32(t + off + 4, flags);
    return off + 8;
}

static uint32_t ioapic(uint32_t off, uint8_t id, uint32_t addr, uint32_t gsi)
{
    t[off] = 1;
    t[off + 1] = 12;
    t[off + 2] = id;
    tb_w32(t + off + 4, addr);
    tb_w32(t + off + 8, gsi);
    return off + 12;
}

static uint32_t iso(uint32_t off, uint8_t src, uint32_t gsi, uint16_t flags)
{
    t[off] = 2;
    t[off + 1] = 10;
    t[off + 2] = 0;
    t[off + 3] = src;
    tb_w32(t + off + 4, gsi);
    tb_w16(t + off + 8, flags);
    return off + 10;
}

/* QEMU's MADT with 2 CPUs. */
static uint32_t build_qemu(void)
{
    uint32_t off = begin();
    off = lapic(off, 0, 0, 1);
    off = lapic(off, 1, 1, 1);
    off = ioapic(off, 0, 0xfec00000, 0);
    off = iso(off, 0, 2, 0);
    off = iso(off, 5, 5, 0xd);
    off = iso(off, 9, 9, 0xd);
    off = iso(off, 10, 10, 0xd);
    off = iso(off, 11, 11, 0xd);
    t[off] = 4; /* LAPIC NMI, all CPUs, LINT1 */
    t[off + 1] = 6;
    t[off + 2] = 0xff;
    t[off + 5] = 1;
    off += 6;
    return tb_end(t, off);
}

static void test_qemu(void)
{
    static struct acpi_madt m;
    uint32_t len = build_qemu();
    uint8_t *c = malloc(len);
    memcpy(c, t, len);
    CHECK_EQ(acpi_madt_parse(c, len, &m), ACPI_OK);
    free(c);
    CHECK(m.valid);
    CHECK_EQ(m.lapic_addr, 0xfee00000);
    CHECK_EQ(m.flags, 1);
    CHECK_EQ(m.ncpus, 2);
    CHECK_EQ(m.cpu[1].apic_id, 1);
    CHECK_EQ(m.cpu[1].flags, 1);
    CHECK(!m.cpu[1].x2apic);
    CHECK_EQ(m.nioapics, 1);
    CHECK_EQ(m.ioapic[0].address, 0xfec00000);
    CHECK_EQ(m.nisos, 5);
    CHECK_EQ(m.nnmis, 1);
    CHECK_EQ(m.nmi[0].uid, 0xffffffffu);
    CHECK_EQ(m.nmi[0].lint, 1);
    CHECK_EQ(m.nbad, 0);
    uint16_t fl;
    CHECK_EQ(acpi_madt_irq_to_gsi(&m, 0, &fl), 2);
    CHECK_EQ(fl, 0);
    CHECK_EQ(acpi_madt_irq_to_gsi(&m, 9, &fl), 9);
    CHECK_EQ(fl, 0xd); /* active high, level */
    CHECK_EQ(acpi_madt_irq_to_gsi(&m, 4, &fl), 4);
    CHECK_EQ(fl, 0);
}

static void test_x2apic_override(void)
{
    static struct acpi_madt m;
    uint32_t off = begin();
    t[off] = 9;
    t[off + 1] = 16;
    tb_w32(t + off + 4, 0x1234);
    tb_w32(t + off + 8, 1);
    tb_w32(t + off + 12, 77);
    off += 16;
    t[off] = 5;
    t[off + 1] = 12;
    tb_w64(t + off + 4, 0x1fee00000ull);
    off += 12;
    t[off] = 10; /* x2APIC NMI */
    t[off + 1] = 12;
    tb_w16(t + off + 2, 5);
    tb_w32(t + off + 4, 77);
    t[off + 8] = 1;
    off += 12;
    t[off] = 0x7f; /* unknown type: skipped */
    t[off + 1] = 3;
    off += 3;
    uint32_t len = tb_end(t, off);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_OK);
    CHECK_EQ(m.ncpus, 1);
    CHECK(m.cpu[0].x2apic);
    CHECK_EQ(m.cpu[0].apic_id, 0x1234);
    CHECK_EQ(m.cpu[0].uid, 77);
    CHECK_EQ(m.lapic_addr, 0x1fee00000ull);
    CHECK_EQ(m.nnmis, 1);
    CHECK_EQ(m.nmi[0].uid, 77);
    CHECK_EQ(m.nmi[0].flags, 5);
}

static void test_malformed(void)
{
    static struct acpi_madt m;
    /* Entry of length 0: the walk stops there (never loops), what came before is kept. */
    uint32_t off = begin();
    off = lapic(off, 0, 0, 1);
    t[off] = 1;
    t[off + 1] = 0;
    off += 12;
    off = lapic(off, 1, 1, 1);
    uint32_t len = tb_end(t, off);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_ENTRY);
    CHECK(m.valid);
    CHECK_EQ(m.ncpus, 1);
    CHECK_EQ(m.nbad, 1);
    /* Entry of length 1. */
    t[52] = 0;
    t[53] = 1;
    tb_fix(t);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_ENTRY);
    /* Entry running past the table's end. */
    off = begin();
    off = lapic(off, 0, 0, 1);
    off = ioapic(off, 0, 0xfec00000, 0);
    t[off - 11] = 200; /* the IO APIC's length */
    len = tb_end(t, off);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_ENTRY);
    CHECK_EQ(m.ncpus, 1);
    CHECK_EQ(m.nioapics, 0);
    /* A lone byte after the last entry. */
    off = begin();
    off = lapic(off, 0, 0, 1);
    t[off] = 0;
    len = tb_end(t, off + 1);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_ENTRY);
    CHECK_EQ(m.ncpus, 1);
    /* An IO APIC entry too short for its type: skipped, the next one used. */
    off = begin();
    t[off] = 1;
    t[off + 1] = 6;
    off += 6;
    off = lapic(off, 3, 3, 1);
    len = tb_end(t, off);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_ENTRY);
    CHECK_EQ(m.nioapics, 0);
    CHECK_EQ(m.ncpus, 1);
    CHECK_EQ(m.cpu[0].apic_id, 3);
    /* Too short a table, bad checksum, length past the bytes. */
    len = tb_end(t, 40);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_LENGTH);
    CHECK(!m.valid);
    len = build_qemu();
    CHECK_EQ(acpi_madt_parse(t, len - 1, &m), ACPI_ERR_LENGTH);
    t[50]++;
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_CHECKSUM);
    /* 300 processors: 256 kept, an error returned. */
    off = begin();
    for (int i = 0; i < 300; i++)
        off = lapic(off, (uint8_t)i, (uint8_t)i, 1);
    for (int i = 0; i < 40; i++)
        off = iso(off, (uint8_t)i, (uint32_t)i, 0);
    len = tb_end(t, off);
    CHECK_EQ(acpi_madt_parse(t, len, &m), ACPI_ERR_FULL);
    CHECK_EQ(m.ncpus, ACPI_MAX_CPUS);
    CHECK_EQ(m.nisos, ACPI_MAX_ISOS);
}

#define AREA 0x7ff00000ull
static void test_init_two_madts(void)
{
    static struct acpi_madt m;
    plat_host_add_ram(AREA, 0x100000);
    /* A malformed MADT (zero-length entry after one CPU), then QEMU's. */
    uint32_t off = begin();
    off = lapic(off, 0, 7, 1);
    t[off + 1] = 0;
    uint32_t len = tb_end(t, off + 8);
    tb_put(AREA + 0x1000, t, len);
    len = build_qemu();
    tb_put(AREA + 0x2000, t, len);
    uint64_t e[] = {AREA + 0x1000, AREA + 0x2000};
    len = tb_root(t, 4, e, 2);
    tb_put(AREA + 0x100, t, len);
    uint8_t r[36];
    tb_rsdp(r, 0, (uint32_t)(AREA + 0x100), 0);
    CHECK_EQ(acpi_tables_init(r, 20), ACPI_OK);
    CHECK_EQ(acpi_madt_init(), ACPI_OK);
    CHECK_EQ(acpi_madt_info.ncpus, 2);
    CHECK_EQ(acpi_madt_info.nisos, 5);
    /* Only the malformed one: it is used, partially. */
    tb_rsdp(r, 0, (uint32_t)(AREA + 0x100), 0);
    len = tb_root(t, 4, e, 1);
    tb_put(AREA + 0x100, t, len);
    CHECK_EQ(acpi_tables_init(r, 20), ACPI_OK);
    CHECK_EQ(acpi_madt_init(), ACPI_ERR_ENTRY);
    CHECK_EQ(acpi_madt_info.ncpus, 1);
    CHECK_EQ(acpi_madt_info.cpu[0].apic_id, 7);
    /* None. */
    len = tb_root(t, 4, e, 0);
    tb_put(AREA + 0x100, t, len);
    CHECK_EQ(acpi_tables_init(r, 20), ACPI_OK);
    CHECK_EQ(acpi_madt_init(), ACPI_ERR_NOT_FOUND);
    CHECK(!acpi_madt_info.valid);
    (void)m;
}

int main(void)
{
    plat_host_loglevel = -1;
    test_qemu();
    test_x2apic_override();
    test_malformed();
    test_init_two_madts();
    CHECK_SUMMARY();
}
