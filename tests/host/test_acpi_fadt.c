/* test_acpi_fadt.c - FADT revisions 1..6 (QEMU pc rev 1 and q35 rev 3 layouts), X_ fields and
 * generic addresses, and malformed FADTs; HPET and MCFG tables too. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/acpi/tables/tables.h"
#include "plat_host.h"
#include "test_acpi_build.h"

static uint8_t t[512];

/* Write a GAS at off. */
static void gas(uint32_t off, uint8_t space, uint8_t width, uint64_t addr)
{
    t[off] = space;
    t[off + 1] = width;
    t[off + 2] = 0;
    t[off + 3] = width == 8 ? 1 : width == 16 ? 2 : 3;
    tb_w64(t + off + 4, addr);
}

/* QEMU pc: rev 1, 116 bytes, GPE0 0xafe0 len 4, PM1a 0x600. */
static uint32_t build_pc(void)
{
    memset(t, 0, sizeof t);
    tb_hdr(t, "FACP", 116, 1);
    tb_w32(t + 36, 0x7ffe0000);
    tb_w32(t + 40, 0x7ffe0040);
    tb_w16(t + 46, 9);
    tb_w32(t + 48, 0xb2);
    t[52] = 0xf1;
    t[53] = 0xf0;
    tb_w32(t + 56, 0x600);
    tb_w32(t + 64, 0x604);
    tb_w32(t + 76, 0x608);
    tb_w32(t + 80, 0xafe0);
    t[88] = 4;
    t[89] = 2;
    t[91] = 4;
    t[92] = 4;
    tb_w32(t + 112, 0x1a5);
    tb_fix(t);
    return 116;
}

/* QEMU q35: rev 3, 244 bytes, X_ blocks filled, GPE0 0x620 len 16. */
static uint32_t build_q35(uint32_t len, uint8_t rev)
{
    memset(t, 0, sizeof t);
    tb_hdr(t, "FACP", len, rev);
    tb_w32(t + 36, 0x7ffe0000);
    tb_w32(t + 40, 0x7ffe0040);
    tb_w16(t + 46, 9);
    tb_w32(t + 48, 0xb2);
    t[52] = 0x02;
    t[53] = 0x03;
    tb_w32(t + 56, 0x600);
    tb_w32(t + 64, 0x604);
    tb_w32(t + 76, 0x608);
    tb_w32(t + 80, 0x620);
    t[88] = 4;
    t[89] = 2;
    t[91] = 4;
    t[92] = 16;
    tb_w32(t + 112, 0x1a5 | (1u << 10));
    gas(116, ACPI_GAS_IO, 8, 0xcf9);
    t[128] = 0x0f;
    tb_w64(t + 132, 0x7ffe0000);
    tb_w64(t + 140, 0x7ffe0040);
    gas(148, ACPI_GAS_IO, 32, 0x600);
    gas(172, ACPI_GAS_IO, 16, 0x604);
    gas(208, ACPI_GAS_IO, 32, 0x608);
    gas(220, ACPI_GAS_IO, 128, 0x620);
    if (len >= 268) {
        gas(244, ACPI_GAS_IO, 8, 0x700);
        gas(256, ACPI_GAS_IO, 8, 0x701);
    }
    tb_fix(t);
    return len;
}

static void test_pc(void)
{
    struct acpi_fadt f;
    uint32_t len = build_pc();
    CHECK_EQ(acpi_fadt_parse(t, len, &f), ACPI_OK);
    CHECK(f.valid);
    CHECK_EQ(f.revision, 1);
    CHECK_EQ(f.dsdt, 0x7ffe0040);
    CHECK_EQ(f.facs, 0x7ffe0000);
    CHECK_EQ(f.sci_int, 9);
    CHECK_EQ(f.smi_cmd, 0xb2);
    CHECK_EQ(f.acpi_enable, 0xf1);
    CHECK_EQ(f.acpi_disable, 0xf0);
    CHECK_EQ(f.pm1a_evt.address, 0x600);
    CHECK_EQ(f.pm1a_evt.len, 4);
    CHECK_EQ(f.pm1a_evt.space_id, ACPI_GAS_IO);
    CHECK_EQ(f.pm1a_cnt.address, 0x604);
    CHECK_EQ(f.pm1a_cnt.len, 2);
    CHECK_EQ(f.pm1b_evt.address, 0);
    CHECK_EQ(f.pm_tmr.address, 0x608);
    CHECK_EQ(f.gpe0.address, 0xafe0);
    CHECK_EQ(f.gpe0.len, 4);
    CHECK_EQ(f.gpe1.address, 0);
    CHECK(!f.has_reset);
    /* The whole table is what may be read: parse from an exact-size heap copy too. */
    uint8_t *c = malloc(len);
    memcpy(c, t, len);
    CHECK_EQ(acpi_fadt_parse(c, len, &f), ACPI_OK);
    free(c);
}

static void test_q35_and_later(void)
{
    struct acpi_fadt f;
    static const uint32_t lens[] = {244, 244, 268, 276};
    static const uint8_t revs[] = {3, 4, 5, 6};
    for (int i = 0; i < 4; i++) {
        uint32_t len = build_q35(lens[i], revs[i]);
        uint8_t *c = malloc(len);
        memcpy(c, t, len);
        CHECK_EQ(acpi_fadt_parse(c, len, &f), ACPI_OK);
        free(c);
        CHECK_EQ(f.revision, revs[i]);
        CHECK_EQ(f.dsdt, 0x7ffe0040);
        CHECK_EQ(f.acpi_enable, 0x02);
        CHECK_EQ(f.gpe0.address, 0x620);
        CHECK_EQ(f.gpe0.len, 16);
        CHECK_EQ(f.pm1a_evt.address, 0x600);
        CHECK_EQ(f.pm1a_evt.len, 4);
        CHECK(f.has_reset);
        CHECK_EQ(f.reset_reg.address, 0xcf9);
        CHECK_EQ(f.reset_value, 0x0f);
        CHECK_EQ(f.sleep_control.address, lens[i] >= 268 ? 0x700 : 0);
    }
    /* X_DSDT preferred over DSDT; X_ block preferred; X_ length when legacy length is 0. */
    build_q35(244, 3);
    tb_w64(t + 140, 0x17ffe0040ull);
    tb_w32(t + 80, 0);
    t[92] = 0;
    gas(220, ACPI_GAS_IO, 32, 0x630);
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 244, &f), ACPI_OK);
    CHECK_EQ(f.dsdt, 0x17ffe0040ull);
    CHECK_EQ(f.gpe0.address, 0x630);
    CHECK_EQ(f.gpe0.len, 4);
    /* X_DSDT zero: DSDT. */
    tb_w64(t + 140, 0);
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 244, &f), ACPI_OK);
    CHECK_EQ(f.dsdt, 0x7ffe0040);
    /* An X_ block in an unsupported space: the legacy port. */
    gas(148, 0x7f, 32, 0x12345678);
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 244, &f), ACPI_OK);
    CHECK_EQ(f.pm1a_evt.address, 0x600);
    CHECK_EQ(f.pm1a_evt.space_id, ACPI_GAS_IO);
    /* A GPE block of odd length is dropped. */
    t[92] = 5;
    tb_w32(t + 80, 0x620);
    gas(220, ACPI_GAS_IO, 0, 0);
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 244, &f), ACPI_OK);
    CHECK_EQ(f.gpe0.address, 0);
    /* Revision 2+ length but rev byte 1 (mislabelled): fields read by length. */
    build_q35(244, 1);
    CHECK_EQ(acpi_fadt_parse(t, 244, &f), ACPI_OK);
    CHECK_EQ(f.gpe0.address, 0x620);
    CHECK(!f.has_reset); /* RESET_REG only trusted from revision 2 */
}

static void test_bad(void)
{
    struct acpi_fadt f;
    uint32_t len = build_pc();
    CHECK_EQ(acpi_fadt_parse(t, len - 1, &f), ACPI_ERR_LENGTH); /* length past the bytes */
    CHECK(!f.valid);
    t[50] ^= 1;
    CHECK_EQ(acpi_fadt_parse(t, len, &f), ACPI_ERR_CHECKSUM);
    CHECK(!f.valid);
    build_pc();
    tb_w32(t + 4, 100); /* truncated: less than rev 1 */
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 116, &f), ACPI_ERR_LENGTH);
    build_pc();
    memcpy(t, "FACQ", 4);
    tb_fix(t);
    CHECK_EQ(acpi_fadt_parse(t, 116, &f), ACPI_ERR_SIGNATURE);
    CHECK_EQ(acpi_fadt_parse(t, 10, &f), ACPI_ERR_LENGTH);
    CHECK_EQ(acpi_fadt_parse(NULL, 0, &f), ACPI_ERR_LENGTH);
    /* Truncations of a valid rev 6 table, each from an exact-size copy: an error or OK, no OOB. */
    len = build_q35(276, 6);
    for (uint32_t n = 0; n <= len; n++) {
        uint8_t *c = malloc(n ? n : 1);
        memcpy(c, t, n);
        if (n >= 36) {
            tb_w32(c + 4, n);
            c[9] = 0;
            c[9] = (uint8_t)(0 - acpi_checksum(c, n));
        }
        int rc = acpi_fadt_parse(c, n, &f);
        CHECK(n >= 116 ? rc == ACPI_OK : rc == ACPI_ERR_LENGTH);
        free(c);
    }
    /* acpi_fadt_init without tables. */
    uint8_t r[36];
    tb_rsdp(r, 0, 0, 0);
    acpi_tables_init(r, 20);
    CHECK_EQ(acpi_fadt_init(), ACPI_ERR_NOT_FOUND);
    CHECK(!acpi_fadt_info.valid);
}

static void test_hpet_mcfg(void)
{
    struct acpi_hpet h;
    memset(t, 0, sizeof t);
    tb_hdr(t, "HPET", 56, 1);
    tb_w32(t + 36, 0x8086a201);
    gas(40, ACPI_GAS_MEMORY, 0, 0xfed00000);
    tb_w16(t + 53, 0x80);
    tb_fix(t);
    CHECK_EQ(acpi_hpet_parse(t, 56, &h), ACPI_OK);
    CHECK(h.valid);
    CHECK_EQ(h.base.address, 0xfed00000);
    CHECK_EQ(h.min_tick, 0x80);
    CHECK_EQ(h.block_id, 0x8086a201);
    CHECK_EQ(acpi_hpet_parse(t, 55, &h), ACPI_ERR_LENGTH);
    t[40] = ACPI_GAS_IO;
    tb_fix(t);
    CHECK_EQ(acpi_hpet_parse(t, 56, &h), ACPI_ERR_ENTRY);
    CHECK(!h.valid);
    tb_w32(t + 4, 50);
    tb_fix(t);
    CHECK_EQ(acpi_hpet_parse(t, 56, &h), ACPI_ERR_LENGTH);

    struct acpi_mcfg m;
    memset(t, 0, sizeof t);
    tb_hdr(t, "MCFG", 60, 1);
    tb_w64(t + 44, 0xb0000000);
    t[55] = 0xff;
    tb_fix(t);
    CHECK_EQ(acpi_mcfg_parse(t, 60, &m), ACPI_OK);
    CHECK_EQ(m.n, 1);
    CHECK_EQ(m.seg[0].base, 0xb0000000);
    CHECK_EQ(m.seg[0].bus_end, 0xff);
    /* Trailing bytes, a segment with end < start, and too many segments. */
    memset(t, 0, sizeof t);
    uint32_t len = 44 + 16 * 20 + 5;
    tb_hdr(t, "MCFG", len, 1);
    for (int i = 0; i < 20; i++) {
        tb_w64(t + 44 + 16 * i, 0xb0000000ull + ((uint64_t)i << 28));
        tb_w16(t + 44 + 16 * i + 8, (uint16_t)i);
        t[44 + 16 * i + 10] = i == 3 ? 9 : 0;
        t[44 + 16 * i + 11] = i == 3 ? 8 : 0xff;
    }
    tb_fix(t);
    CHECK_EQ(acpi_mcfg_parse(t, len, &m), ACPI_ERR_FULL);
    CHECK_EQ(m.n, ACPI_MAX_MCFG);
    CHECK_EQ(m.seg[3].segment, 4);
    CHECK_EQ(acpi_mcfg_parse(t, len - 1, &m), ACPI_ERR_LENGTH);
}

int main(void)
{
    plat_host_loglevel = -1;
    test_pc();
    test_q35_and_later();
    test_bad();
    test_hpet_mcfg();
    CHECK_SUMMARY();
}
