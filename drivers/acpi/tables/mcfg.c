/* mcfg.c - the PCI Express memory-mapped configuration table (see tables.h): one entry of 16
 * bytes per segment group after an 8-byte reserved field. */
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "platform.h"

#define TAG "mcfg"
#define MCFG_HDR_LEN 44

struct acpi_mcfg acpi_mcfg_info;

/* Parse the MCFG at [table, table+size). ACPI_OK, ACPI_ERR_ENTRY/FULL (partial) or ACPI_ERR_*. */
int acpi_mcfg_parse(const void *table, size_t size, struct acpi_mcfg *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = acpi_check_table(table, size, "MCFG", MCFG_HDR_LEN, &why);
    if (rc != ACPI_OK) {
        plat_log(LOG_ERR, TAG, "MCFG: %s: ignored", why);
        return rc;
    }
    const uint8_t *t = table;
    uint32_t len;
    memcpy(&len, t + 4, 4);
    if ((len - MCFG_HDR_LEN) % 16) {
        plat_log(LOG_WARN, TAG, "MCFG: %u trailing bytes ignored", (len - MCFG_HDR_LEN) % 16);
        rc = ACPI_ERR_ENTRY;
    }
    for (uint32_t off = MCFG_HDR_LEN; len - off >= 16 && off < len; off += 16) {
        const uint8_t *e = t + off;
        struct acpi_mcfg_seg s;
        memcpy(&s.base, e, 8);
        memcpy(&s.segment, e + 8, 2);
        s.bus_start = e[10];
        s.bus_end = e[11];
        if (s.bus_end < s.bus_start || !s.base) {
            plat_log(LOG_ERR, TAG, "segment %u: base 0x%llx buses %u-%u: skipped", s.segment,
                     (unsigned long long)s.base, s.bus_start, s.bus_end);
            rc = ACPI_ERR_ENTRY;
            continue;
        }
        if (out->n >= ACPI_MAX_MCFG) {
            plat_log(LOG_ERR, TAG, "more than %d segments: the rest ignored", ACPI_MAX_MCFG);
            rc = ACPI_ERR_FULL;
            break;
        }
        out->seg[out->n++] = s;
    }
    out->valid = true;
    return rc;
}

/* Find and parse the MCFG into acpi_mcfg_info (ACPI_ERR_NOT_FOUND if none: pc has none). */
int acpi_mcfg_init(void)
{
    const struct acpi_sdt_header *h = acpi_find_table("MCFG", 0, NULL);
    if (!h) {
        memset(&acpi_mcfg_info, 0, sizeof acpi_mcfg_info);
        return ACPI_ERR_NOT_FOUND;
    }
    return acpi_mcfg_parse(h, h->length, &acpi_mcfg_info);
}
