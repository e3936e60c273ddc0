/* test_acpi_tables.c - RSDP, RSDT/XSDT and the table registry on tables placed in simulated RAM:
 * valid v1 and v2 layouts, several SSDTs, bad checksums, truncated and oversized lengths, tables
 * past mapped memory or straddling two RAM ranges, duplicates, null entries, overflow, RSDP scan. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "drivers/acpi/tables/tables.h"
#include "plat_host.h"
#include "test_acpi_build.h"

#define AREA 0x7ff00000ull /* 1 MiB of simulated RAM for tables */
#define AREA_LEN 0x100000ull
#define AREA2 0x7fe00000ull /* the 1 MiB just below, a separate host mapping */

static uint8_t buf[65536];

static void clear(void)
{
    memset(plat_phys_to_virt(AREA), 0, AREA_LEN);
    memset(plat_phys_to_virt(AREA2), 0, AREA_LEN);
}

/* A minimal valid table with signature sig at pa, of len bytes (>= 36). */
static void put_table(uint64_t pa, const char *sig, uint32_t len, uint8_t rev)
{
    memset(buf, 0, len);
    tb_hdr(buf, sig, len, rev);
    for (uint32_t i = 36; i < len; i++)
        buf[i] = (uint8_t)i;
    tb_fix(buf);
    tb_put(pa, buf, len);
}

/* A FADT (rev 3, 244 bytes) pointing to a DSDT at dsdt. */
static void put_fadt(uint64_t pa, uint64_t dsdt)
{
    memset(buf, 0, 244);
    tb_hdr(buf, "FACP", 244, 3);
    tb_w32(buf + 40, (uint32_t)dsdt);
    tb_w64(buf + 140, dsdt);
    tb_fix(buf);
    tb_put(pa, buf, 244);
}

/* The standard layout: FACP, APIC, 3 SSDTs, SRAT, DSDT (via FADT). Returns the root's entries. */
static unsigned std_layout(uint64_t *e)
{
    put_fadt(AREA + 0x1000, AREA + 0x2000);
    put_table(AREA + 0x2000, "DSDT", 0x800, 1);
    put_table(AREA + 0x3000, "APIC", 0x78, 1);
    put_table(AREA + 0x3100, "SSDT", 0x40, 1);
    put_table(AREA + 0x3200, "SSDT", 0x50, 2);
    put_table(AREA + 0x3300, "SSDT", 0x60, 3);
    put_table(AREA + 0x3400, "SRAT", 0x30, 1);
    uint64_t l[] = {AREA + 0x1000, AREA + 0x3000, AREA + 0x3100, AREA + 0x3200, AREA + 0x3300, AREA + 0x3400};
    memcpy(e, l, sizeof l);
    return 6;
}

static void test_rsdt(void)
{
    clear();
    uint64_t e[8];
    unsigned n = std_layout(e);
    uint32_t len = tb_root(buf, 4, e, n);
    tb_put(AREA + 0x100, buf, len);
    uint8_t r[36];
    size_t rl = tb_rsdp(r, 0, (uint32_t)(AREA + 0x100), 0);
    CHECK_EQ(acpi_rsdp_validate(r, rl), ACPI_OK);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    const struct acpi_rsdp_info *ri = acpi_rsdp_info();
    CHECK_EQ(ri->revision, 0);
    CHECK(!ri->use_xsdt);
    CHECK_EQ(ri->root_pa, AREA + 0x100);
    CHECK(strcmp(ri->oem_id, "HOTMEM") == 0);
    CHECK_EQ(acpi_table_count(), 8); /* RSDT + 6 + DSDT */
    CHECK(strcmp(acpi_table_get(0)->signature, "RSDT") == 0);
    CHECK(strcmp(acpi_table_get(7)->signature, "DSDT") == 0);
    CHECK(acpi_table_get(8) == NULL);
    for (unsigned i = 0; i < acpi_table_count(); i++) {
        CHECK(acpi_table_get(i)->ok);
        CHECK(acpi_table_get(i)->checksum_ok);
        CHECK(strcmp(acpi_table_get(i)->oem_id, "HOTMEM") == 0);
    }
    uint64_t pa = 0;
    const struct acpi_sdt_header *h = acpi_find_table("SSDT", 1, &pa);
    CHECK(h != NULL);
    CHECK_EQ(pa, AREA + 0x3200);
    CHECK(h && h->revision == 2 && h->length == 0x50);
    CHECK(acpi_find_table("SSDT", 2, NULL) != NULL);
    CHECK(acpi_find_table("SSDT", 3, NULL) == NULL);
    CHECK(acpi_find_table("DSDT", 0, &pa) != NULL);
    CHECK_EQ(pa, AREA + 0x2000);
    CHECK(acpi_find_table("HPET", 0, NULL) == NULL);
}

static void test_xsdt(void)
{
    clear();
    uint64_t e[8];
    unsigned n = std_layout(e);
    uint32_t len = tb_root(buf, 8, e, n);
    tb_put(AREA + 0x104, buf, len);         /* 64-bit entries at 4 mod 8: unaligned reads */
    put_table(AREA + 0x400, "RSDT", 36, 1); /* an empty RSDT: must not be used */
    uint8_t r[36];
    size_t rl = tb_rsdp(r, 2, (uint32_t)(AREA + 0x400), AREA + 0x104);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    CHECK(acpi_rsdp_info()->use_xsdt);
    CHECK_EQ(acpi_table_count(), 8);
    CHECK(strcmp(acpi_table_get(0)->signature, "XSDT") == 0);
    CHECK(acpi_find_table("SRAT", 0, NULL) != NULL);

    /* XSDT with a bad checksum: falls back to the RSDT. */
    uint8_t *x = plat_phys_to_virt(AREA + 0x104);
    x[9] ^= 1;
    len = tb_root(buf, 4, e, 2);
    tb_put(AREA + 0x400, buf, len);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    CHECK(!acpi_rsdp_info()->use_xsdt);
    CHECK(!acpi_table_get(0)->ok && !acpi_table_get(0)->checksum_ok);
    CHECK(strcmp(acpi_table_get(0)->reason, "bad checksum") == 0);
    CHECK(strcmp(acpi_table_get(1)->signature, "RSDT") == 0);
    CHECK(acpi_find_table("APIC", 0, NULL) != NULL);
    CHECK(acpi_find_table("SSDT", 0, NULL) == NULL);

    /* RSDP v2 with a bad extended checksum: RSDT only. */
    x[9] ^= 1;
    r[32] ^= 0x55;
    CHECK_EQ(acpi_rsdp_validate(r, rl), ACPI_ERR_CHECKSUM);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    CHECK(!acpi_rsdp_info()->use_xsdt);
    CHECK(strcmp(acpi_table_get(0)->signature, "RSDT") == 0);
    r[32] ^= 0x55;
    /* Extended length past the copy, or shorter than 36. */
    CHECK_EQ(acpi_rsdp_validate(r, 30), ACPI_ERR_LENGTH);
    tb_w32(r + 20, 40);
    CHECK_EQ(acpi_rsdp_validate(r, 36), ACPI_ERR_LENGTH);
    tb_w32(r + 20, 20);
    CHECK_EQ(acpi_rsdp_validate(r, 36), ACPI_ERR_LENGTH);
}

static void test_bad_rsdp(void)
{
    clear();
    uint8_t r[36];
    size_t rl = tb_rsdp(r, 0, (uint32_t)(AREA + 0x100), 0);
    CHECK_EQ(acpi_tables_init(NULL, 0), ACPI_ERR_LENGTH);
    CHECK_EQ(acpi_tables_init(r, 19), ACPI_ERR_LENGTH);
    r[8] ^= 1;
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_CHECKSUM);
    CHECK_EQ(acpi_table_count(), 0);
    r[8] ^= 1;
    r[0] = 'X';
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_SIGNATURE);
    r[0] = 'R';
    /* Valid RSDP, RSDT missing (all zero at its address), or unmapped, or zero. */
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_NOT_FOUND);
    CHECK_EQ(acpi_table_count(), 1);
    CHECK(!acpi_table_get(0)->ok);
    rl = tb_rsdp(r, 0, 0x12345000, 0);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_NOT_FOUND);
    CHECK(strcmp(acpi_table_get(0)->reason, "header not mapped") == 0);
    rl = tb_rsdp(r, 0, 0, 0);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_NOT_FOUND);
    CHECK_EQ(acpi_table_count(), 0);
    /* v2 RSDP with XSDT = 0 and RSDT = 0. */
    rl = tb_rsdp(r, 2, 0, 0);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_ERR_NOT_FOUND);
}

static void test_bad_tables(void)
{
    clear();
    uint64_t e[16];
    unsigned n = 0;
    put_fadt(AREA + 0x1000, AREA + 0x2000);
    put_table(AREA + 0x2000, "DSDT", 0x100, 1);
    e[n++] = AREA + 0x1000;
    put_table(AREA + 0x3000, "SSDT", 0x40, 1); /* bad checksum */
    ((uint8_t *)plat_phys_to_virt(AREA + 0x3000))[40] ^= 0xff;
    e[n++] = AREA + 0x3000;
    put_table(AREA + 0x3100, "APIC", 0x40, 1); /* length < 36 */
    tb_w32(plat_phys_to_virt(AREA + 0x3100 + 4), 20);
    e[n++] = AREA + 0x3100;
    put_table(AREA + AREA_LEN - 0x40, "SRAT", 0x40, 1); /* length runs past mapped memory */
    tb_w32(plat_phys_to_virt(AREA + AREA_LEN - 0x40 + 4), 0x80);
    e[n++] = AREA + AREA_LEN - 0x40;
    memset(buf, 0, 0x60); /* straddles AREA2 and AREA (two host mappings) */
    tb_hdr(buf, "HPET", 0x60, 1);
    tb_fix(buf);
    tb_put(AREA2 + AREA_LEN - 0x30, buf, 0x30);
    tb_put(AREA, buf + 0x30, 0x30);
    e[n++] = AREA2 + AREA_LEN - 0x30;
    put_table(AREA + 0x3200, "MCFG", 0x40, 1); /* absurd length */
    tb_w32(plat_phys_to_virt(AREA + 0x3200 + 4), 0xffffffff);
    e[n++] = AREA + 0x3200;
    e[n++] = 0;                                /* null entry */
    e[n++] = 0x5000000000ull;                  /* unmapped */
    e[n++] = AREA + 0x1000;                    /* duplicate */
    put_table(AREA + 0x3300, "SSDT", 0x44, 1); /* a good one after all that */
    e[n++] = AREA + 0x3300;
    uint32_t len = tb_root(buf, 8, e, n);
    buf[4] += 3; /* 3 trailing bytes in the XSDT */
    tb_fix(buf);
    tb_put(AREA + 0x100, buf, len + 3);
    uint8_t r[36];
    size_t rl = tb_rsdp(r, 2, 0, AREA + 0x100);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    /* XSDT, FACP, SSDT(bad), APIC(short), SRAT(past), HPET(straddle), MCFG(absurd), unmapped,
     * SSDT(good), DSDT. */
    CHECK_EQ(acpi_table_count(), 10);
    const char *why[] = {"",
                         "",
                         "bad checksum",
                         "length smaller than the header",
                         "length runs past mapped memory",
                         "length runs past mapped memory",
                         "length absurdly large",
                         "header not mapped",
                         "",
                         ""};
    for (unsigned i = 0; i < 10 && i < acpi_table_count(); i++) {
        const struct acpi_table *t = acpi_table_get(i);
        CHECK(strcmp(t->reason, why[i]) == 0);
        CHECK_EQ(t->ok, why[i][0] == 0);
        if (strcmp(t->reason, why[i]) != 0)
            fprintf(stderr, "table %u %s: reason '%s'\n", i, t->signature, t->reason);
    }
    CHECK(acpi_find_table("SSDT", 0, NULL) == plat_phys_to_virt(AREA + 0x3300));
    CHECK(acpi_find_table("SSDT", 1, NULL) == NULL);
    CHECK(acpi_find_table("APIC", 0, NULL) == NULL);
    CHECK(acpi_find_table("SRAT", 0, NULL) == NULL);
    CHECK(acpi_find_table("HPET", 0, NULL) == NULL);
    CHECK(acpi_find_table("MCFG", 0, NULL) == NULL);
    CHECK(acpi_find_table("DSDT", 0, NULL) != NULL);
    /* A DSDT pointer to something else is refused. */
    put_fadt(AREA + 0x1000, AREA + 0x3300);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    CHECK(acpi_find_table("DSDT", 0, NULL) == NULL);
}

static void test_overflow(void)
{
    clear();
    static uint64_t e[100];
    for (unsigned i = 0; i < 100; i++) {
        e[i] = AREA + 0x1000 + 0x100 * i;
        put_table(e[i], "SSDT", 0x40, 1);
    }
    uint32_t len = tb_root(buf, 4, e, 100);
    tb_put(AREA + 0x100, buf, len);
    uint8_t r[36];
    size_t rl = tb_rsdp(r, 0, (uint32_t)(AREA + 0x100), 0);
    CHECK_EQ(acpi_tables_init(r, rl), ACPI_OK);
    CHECK_EQ(acpi_table_count(), ACPI_MAX_TABLES);
    CHECK(acpi_find_table("SSDT", ACPI_MAX_TABLES - 2, NULL) != NULL);
    CHECK(acpi_find_table("SSDT", ACPI_MAX_TABLES - 1, NULL) == NULL);
}

static void test_check_table(void)
{
    const char *why;
    memset(buf, 0, 64);
    tb_hdr(buf, "TEST", 64, 1);
    tb_fix(buf);
    CHECK_EQ(acpi_check_table(buf, 64, "TEST", 40, &why), ACPI_OK);
    CHECK_EQ(acpi_check_table(buf, 64, NULL, 0, NULL), ACPI_OK);
    CHECK_EQ(acpi_check_table(buf, 63, "TEST", 40, &why), ACPI_ERR_LENGTH);
    CHECK(strcmp(why, "length runs past the table") == 0);
    CHECK_EQ(acpi_check_table(buf, 35, "TEST", 40, &why), ACPI_ERR_LENGTH);
    CHECK_EQ(acpi_check_table(buf, 64, "TEST", 65, &why), ACPI_ERR_LENGTH);
    CHECK_EQ(acpi_check_table(buf, 64, "APIC", 40, &why), ACPI_ERR_SIGNATURE);
    CHECK_EQ(acpi_check_table(NULL, 64, "APIC", 40, &why), ACPI_ERR_LENGTH);
    buf[50] = 1;
    CHECK_EQ(acpi_check_table(buf, 64, "TEST", 40, &why), ACPI_ERR_CHECKSUM);
    CHECK(acpi_map(AREA, 0) == NULL);
    CHECK(acpi_map(~0ull - 4, 10) == NULL);
    CHECK(acpi_map(AREA + AREA_LEN - 1, 1) != NULL);
    CHECK(acpi_map(AREA + AREA_LEN - 1, 2) == NULL);
}

static void test_scan(void)
{
    CHECK_EQ(acpi_rsdp_scan(), 0); /* low memory all zero */
    uint8_t r[36];
    tb_rsdp(r, 2, 0x1000, 0x2000);
    tb_put(0xf5a10, r, 36);
    CHECK_EQ(acpi_rsdp_scan(), 0xf5a10);
    /* One in the EBDA wins; the BDA's word at 0x40e gives the EBDA segment. */
    tb_w16(plat_phys_to_virt(0x40e), 0x9fc0);
    tb_rsdp(r, 0, 0x1000, 0);
    tb_put(0x9fc00 + 0x20, r, 20);
    CHECK_EQ(acpi_rsdp_scan(), 0x9fc20);
    /* A bad checksum is skipped. */
    ((uint8_t *)plat_phys_to_virt(0x9fc20))[8] ^= 1;
    CHECK_EQ(acpi_rsdp_scan(), 0xf5a10);
    ((uint8_t *)plat_phys_to_virt(0xf5a10 + 32))[0] ^= 1; /* extended checksum broken */
    CHECK_EQ(acpi_rsdp_scan(), 0);
}

int main(void)
{
    plat_host_loglevel = -1;
    plat_host_add_ram(0, 0x100000);
    plat_host_add_ram(AREA2, AREA_LEN);
    plat_host_add_ram(AREA, AREA_LEN);
    test_rsdt();
    test_xsdt();
    test_bad_rsdp();
    test_bad_tables();
    test_overflow();
    test_check_table();
    test_scan();
    CHECK_SUMMARY();
}
