/* fadt.c - the Fixed ACPI Description Table, revisions 1 to 6 (see tables.h).
 * A field exists if the table's length covers it (firmware mislabels revisions; lengths are
 * what bounds the reads): rev 1 is 116 bytes, rev 2-4 244, rev 5 268, rev 6 276. */
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "hotmem/bytes.h"
#include "platform.h"

#define TAG "fadt"

struct acpi_fadt acpi_fadt_info;

/* Offsets of the fields (ACPI 6.4 table 5.9). */
enum {
    F_FIRMWARE_CTRL = 36,
    F_DSDT = 40,
    F_SCI_INT = 46,
    F_SMI_CMD = 48,
    F_ACPI_ENABLE = 52,
    F_ACPI_DISABLE = 53,
    F_PM1A_EVT = 56,
    F_PM1B_EVT = 60,
    F_PM1A_CNT = 64,
    F_PM1B_CNT = 68,
    F_PM2_CNT = 72,
    F_PM_TMR = 76,
    F_GPE0 = 80,
    F_GPE1 = 84,
    F_PM1_EVT_LEN = 88,
    F_PM1_CNT_LEN = 89,
    F_PM2_CNT_LEN = 90,
    F_PM_TMR_LEN = 91,
    F_GPE0_LEN = 92,
    F_GPE1_LEN = 93,
    F_GPE1_BASE = 94,
    F_IAPC_BOOT_ARCH = 109,
    F_FLAGS = 112,
    F_RESET_REG = 116,
    F_RESET_VALUE = 128,
    F_X_FIRMWARE_CTRL = 132,
    F_X_DSDT = 140,
    F_X_PM1A_EVT = 148,
    F_X_PM1B_EVT = 160,
    F_X_PM1A_CNT = 172,
    F_X_PM1B_CNT = 184,
    F_X_PM2_CNT = 196,
    F_X_PM_TMR = 208,
    F_X_GPE0 = 220,
    F_X_GPE1 = 232,
    F_SLEEP_CONTROL = 244,
    F_SLEEP_STATUS = 256,
};
#define FADT_RESET_REG_SUP (1u << 10)

/* Field readers: 0 if [off, off+n) is beyond the table's length. */
static uint64_t rd(const uint8_t *t, uint32_t len, uint32_t off, unsigned n)
{
    return off + n > len ? 0 : get_le(t + off, n);
}

/* The generic address at off, zeroed if beyond the table. */
static struct acpi_gas rd_gas(const uint8_t *t, uint32_t len, uint32_t off)
{
    struct acpi_gas g = {0};
    if (off + 12 > len)
        return g;
    g.space_id = t[off];
    g.bit_width = t[off + 1];
    g.bit_offset = t[off + 2];
    g.access_size = t[off + 3];
    memcpy(&g.address, t + off + 4, 8);
    return g;
}

/* A register block from the legacy 32-bit port, its length byte, and the X_ generic address. */
static struct acpi_block block(const uint8_t *t, uint32_t len, uint32_t legacy_off, uint32_t len_off,
                               uint32_t x_off, const char *name)
{
    struct acpi_block b = {0};
    uint32_t legacy = (uint32_t)rd(t, len, legacy_off, 4);
    uint8_t blen = len_off ? (uint8_t)rd(t, len, len_off, 1) : 0;
    struct acpi_gas x = rd_gas(t, len, x_off);
    if (x.address && (x.space_id == ACPI_GAS_IO || x.space_id == ACPI_GAS_MEMORY)) {
        b.address = x.address;
        b.space_id = x.space_id;
        if (legacy && legacy != x.address)
            plat_log(LOG_WARN, TAG, "%s: X_ address 0x%llx differs from 0x%x: using X_", name,
                     (unsigned long long)x.address, legacy);
        b.len = blen ? blen : x.bit_width / 8;
    } else if (x.address) {
        plat_log(LOG_WARN, TAG, "%s: X_ address space %u unsupported: using the legacy field", name,
                 x.space_id);
    }
    if (!b.address && legacy) {
        b.address = legacy;
        b.space_id = ACPI_GAS_IO;
        b.len = blen;
    }
    return b;
}

/* Parse the FADT at [table, table+size) into *out. ACPI_OK or ACPI_ERR_*. */
int acpi_fadt_parse(const void *table, size_t size, struct acpi_fadt *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = acpi_check_table(table, size, "FACP", ACPI_FADT_MIN_LEN, &why);
    if (rc != ACPI_OK) {
        plat_log(LOG_ERR, TAG, "FADT: %s: ignored", why);
        return rc;
    }
    const uint8_t *t = table;
    uint32_t len;
    memcpy(&len, t + 4, 4);
    out->length = len;
    out->revision = t[8];
    if (out->revision < 1 || out->revision > 6)
        plat_log(LOG_WARN, TAG, "FADT revision %u (length %u): fields read by length", out->revision, len);

    uint64_t x_dsdt = rd(t, len, F_X_DSDT, 8), dsdt = rd(t, len, F_DSDT, 4);
    out->dsdt = x_dsdt ? x_dsdt : dsdt;
    if (x_dsdt && dsdt && x_dsdt != dsdt)
        plat_log(LOG_WARN, TAG, "X_DSDT 0x%llx differs from DSDT 0x%llx: using X_DSDT",
                 (unsigned long long)x_dsdt, (unsigned long long)dsdt);
    uint64_t x_facs = rd(t, len, F_X_FIRMWARE_CTRL, 8);
    out->facs = x_facs ? x_facs : rd(t, len, F_FIRMWARE_CTRL, 4);
    out->sci_int = (uint16_t)rd(t, len, F_SCI_INT, 2);
    out->smi_cmd = (uint32_t)rd(t, len, F_SMI_CMD, 4);
    out->acpi_enable = t[F_ACPI_ENABLE];
    out->acpi_disable = t[F_ACPI_DISABLE];
    out->pm1a_evt = block(t, len, F_PM1A_EVT, F_PM1_EVT_LEN, F_X_PM1A_EVT, "PM1a_EVT");
    out->pm1b_evt = block(t, len, F_PM1B_EVT, F_PM1_EVT_LEN, F_X_PM1B_EVT, "PM1b_EVT");
    out->pm1a_cnt = block(t, len, F_PM1A_CNT, F_PM1_CNT_LEN, F_X_PM1A_CNT, "PM1a_CNT");
    out->pm1b_cnt = block(t, len, F_PM1B_CNT, F_PM1_CNT_LEN, F_X_PM1B_CNT, "PM1b_CNT");
    out->pm2_cnt = block(t, len, F_PM2_CNT, F_PM2_CNT_LEN, F_X_PM2_CNT, "PM2_CNT");
    out->pm_tmr = block(t, len, F_PM_TMR, F_PM_TMR_LEN, F_X_PM_TMR, "PM_TMR");
    out->gpe0 = block(t, len, F_GPE0, F_GPE0_LEN, F_X_GPE0, "GPE0");
    out->gpe1 = block(t, len, F_GPE1, F_GPE1_LEN, F_X_GPE1, "GPE1");
    out->gpe1_base = t[F_GPE1_BASE];
    out->iapc_boot_arch = (uint16_t)rd(t, len, F_IAPC_BOOT_ARCH, 2);
    out->flags = (uint32_t)rd(t, len, F_FLAGS, 4);
    if (out->revision >= 2 && len >= F_RESET_VALUE + 1 && (out->flags & FADT_RESET_REG_SUP)) {
        out->reset_reg = rd_gas(t, len, F_RESET_REG);
        out->reset_value = t[F_RESET_VALUE];
        out->has_reset = out->reset_reg.address != 0;
    }
    out->sleep_control = rd_gas(t, len, F_SLEEP_CONTROL);
    out->sleep_status = rd_gas(t, len, F_SLEEP_STATUS);

    /* Sanity of what the events code relies on: a GPE block length is even (STS + EN halves). */
    if (out->gpe0.len % 2) {
        plat_log(LOG_ERR, TAG, "GPE0 block length %u is odd: GPE0 ignored", out->gpe0.len);
        out->gpe0 = (struct acpi_block){0};
    }
    if (out->gpe1.len % 2) {
        plat_log(LOG_ERR, TAG, "GPE1 block length %u is odd: GPE1 ignored", out->gpe1.len);
        out->gpe1 = (struct acpi_block){0};
    }
    if (!out->pm1a_evt.address || !out->pm1a_cnt.address)
        plat_log(LOG_WARN, TAG, "no PM1a event or control block");
    out->valid = true;
    return ACPI_OK;
}

/* Find and parse the FADT ("FACP") into the global acpi_fadt_info. */
int acpi_fadt_init(void)
{
    const struct acpi_sdt_header *h = acpi_find_table("FACP", 0, NULL);
    memset(&acpi_fadt_info, 0, sizeof acpi_fadt_info);
    if (!h) {
        plat_log(LOG_ERR, TAG, "no FADT");
        return ACPI_ERR_NOT_FOUND;
    }
    int rc = acpi_fadt_parse(h, h->length, &acpi_fadt_info);
    if (rc == ACPI_OK)
        plat_log(LOG_INFO, TAG,
                 "rev %u: SCI %u SMI_CMD 0x%x enable 0x%x PM1a_EVT 0x%llx PM1a_CNT 0x%llx GPE0 0x%llx/%u",
                 acpi_fadt_info.revision, acpi_fadt_info.sci_int, acpi_fadt_info.smi_cmd,
                 acpi_fadt_info.acpi_enable, (unsigned long long)acpi_fadt_info.pm1a_evt.address,
                 (unsigned long long)acpi_fadt_info.pm1a_cnt.address,
                 (unsigned long long)acpi_fadt_info.gpe0.address, acpi_fadt_info.gpe0.len);
    return rc;
}
