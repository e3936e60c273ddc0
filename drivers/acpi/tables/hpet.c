/* hpet.c - the HPET description table (see tables.h): the timer block's address. */
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "platform.h"

#define TAG "hpet"
#define HPET_LEN 56

struct acpi_hpet acpi_hpet_info;

/* Parse the HPET table at [table, table+size). ACPI_OK or ACPI_ERR_*. */
int acpi_hpet_parse(const void *table, size_t size, struct acpi_hpet *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = acpi_check_table(table, size, "HPET", HPET_LEN, &why);
    if (rc != ACPI_OK) {
        plat_log(LOG_ERR, TAG, "HPET: %s: ignored", why);
        return rc;
    }
    const uint8_t *t = table;
    memcpy(&out->block_id, t + 36, 4);
    out->base.space_id = t[40];
    out->base.bit_width = t[41];
    out->base.bit_offset = t[42];
    out->base.access_size = t[43];
    memcpy(&out->base.address, t + 44, 8);
    out->number = t[52];
    memcpy(&out->min_tick, t + 53, 2);
    if (out->base.space_id != ACPI_GAS_MEMORY || !out->base.address) {
        plat_log(LOG_ERR, TAG, "HPET: base address 0x%llx in space %u: ignored",
                 (unsigned long long)out->base.address, out->base.space_id);
        return ACPI_ERR_ENTRY;
    }
    out->valid = true;
    return ACPI_OK;
}

/* Find and parse the HPET table into acpi_hpet_info (ACPI_ERR_NOT_FOUND if none). */
int acpi_hpet_init(void)
{
    const struct acpi_sdt_header *h = acpi_find_table("HPET", 0, NULL);
    if (!h) {
        memset(&acpi_hpet_info, 0, sizeof acpi_hpet_info);
        return ACPI_ERR_NOT_FOUND;
    }
    return acpi_hpet_parse(h, h->length, &acpi_hpet_info);
}
