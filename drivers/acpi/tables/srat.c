/* srat.c - the System Resource Affinity Table (see tables.h). Entries start at offset 48 and are
 * walked by their own length byte, as in madt.c. Memory entries whose base + length wraps, and
 * enabled entries of length 0, are malformed (skipped, counted in nbad). Disabled entries (QEMU
 * emits a zero filler with flags 0) are stored, so the shell can list them, but used by nobody. */
#include <stdio.h>
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "hotmem/bytes.h"
#include "platform.h"

#define TAG "srat"
#define SRAT_HDR_LEN 48

struct acpi_srat acpi_srat_info;

enum { SRAT_CPU = 0, SRAT_MEM = 1, SRAT_X2APIC = 2 };

/* Minimum length of an entry of the given type (0: GICC, ITS, generic initiator: not x86
 * memory, skipped). */
static unsigned min_len(uint8_t type)
{
    return type == SRAT_CPU ? 16 : type == SRAT_MEM ? 40 : type == SRAT_X2APIC ? 24 : 0;
}

/* "enabled,hotpluggable,non-volatile" (or "disabled") for memory affinity flags, into buf. */
char *acpi_srat_flags_str(uint32_t flags, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s", flags & ACPI_SRAT_MEM_ENABLED ? "enabled" : "disabled",
             flags & ACPI_SRAT_MEM_HOTPLUGGABLE ? ",hotpluggable" : "",
             flags & ACPI_SRAT_MEM_NONVOLATILE ? ",non-volatile" : "", (flags & ~7u) ? ",other" : "");
    return buf;
}

/* Parse the SRAT at [table, table+size) into *out (see tables.h for return codes). */
int acpi_srat_parse(const void *table, size_t size, struct acpi_srat *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = acpi_check_table(table, size, "SRAT", SRAT_HDR_LEN, &why);
    if (rc != ACPI_OK) {
        plat_log(LOG_ERR, TAG, "SRAT: %s: ignored", why);
        return rc;
    }
    const uint8_t *t = table;
    uint32_t len = (uint32_t)get_le(t + 4, 4);
    bool full_mem = false, full_cpu = false;
    unsigned bad0 = out->nbad;
    uint32_t off = SRAT_HDR_LEN;
    for (const uint8_t *e; (e = acpi_subtable_next(t, len, &off, min_len, TAG, &out->nbad));) {
        uint8_t type = e[0];
        if (type == SRAT_MEM) {
            struct acpi_srat_mem m = {.node = (uint32_t)get_le(e + 2, 4),
                                      .base = get_le(e + 8, 8),
                                      .len = get_le(e + 16, 8),
                                      .flags = (uint32_t)get_le(e + 28, 4)};
            if (m.base + m.len < m.base) {
                plat_log(LOG_ERR, TAG,
                         "memory entry at offset %u: base 0x%llx + length 0x%llx wraps: skipped",
                         (unsigned)(e - t), (unsigned long long)m.base, (unsigned long long)m.len);
                out->nbad++;
                rc = ACPI_ERR_ENTRY;
                continue;
            }
            if (m.len == 0 && (m.flags & ACPI_SRAT_MEM_ENABLED)) {
                plat_log(LOG_ERR, TAG, "memory entry at offset %u: enabled with length 0: skipped",
                         (unsigned)(e - t));
                out->nbad++;
                rc = ACPI_ERR_ENTRY;
                continue;
            }
            if (out->nmem >= ACPI_SRAT_MAX_MEM) {
                if (!full_mem)
                    plat_log(LOG_ERR, TAG, "more than %d memory entries: the rest ignored",
                             ACPI_SRAT_MAX_MEM);
                full_mem = true;
                rc = ACPI_ERR_FULL;
                continue;
            }
            out->mem[out->nmem++] = m;
        } else {
            struct acpi_srat_cpu c;
            if (type == SRAT_CPU)
                c = (struct acpi_srat_cpu){.node = e[2] | (uint32_t)get_le(e + 9, 3) << 8,
                                           .apic_id = e[3],
                                           .flags = (uint32_t)get_le(e + 4, 4),
                                           .x2apic = false};
            else
                c = (struct acpi_srat_cpu){.node = (uint32_t)get_le(e + 4, 4),
                                           .apic_id = (uint32_t)get_le(e + 8, 4),
                                           .flags = (uint32_t)get_le(e + 12, 4),
                                           .x2apic = true};
            if (out->ncpu >= ACPI_SRAT_MAX_CPU) {
                if (!full_cpu)
                    plat_log(LOG_ERR, TAG, "more than %d processor entries: the rest ignored",
                             ACPI_SRAT_MAX_CPU);
                full_cpu = true;
                rc = ACPI_ERR_FULL;
                continue;
            }
            out->cpu[out->ncpu++] = c;
        }
    }
    if (out->nbad != bad0 && rc == ACPI_OK)
        rc = ACPI_ERR_ENTRY;
    out->valid = true;
    return rc;
}

/* Find and parse the SRAT into the global acpi_srat_info (ACPI_ERR_NOT_FOUND if none). With
 * several SRATs (e.g. an extra one from QEMU's -acpitable) the first that parses without error is
 * used; if none does, the first that parsed partially. */
int acpi_srat_init(void)
{
    static struct acpi_srat scratch;
    const struct acpi_sdt_header *h;
    int best_rc = ACPI_ERR_NOT_FOUND;
    uint64_t pa;
    memset(&acpi_srat_info, 0, sizeof acpi_srat_info);
    for (unsigned i = 0; (h = acpi_find_table("SRAT", i, &pa)) != NULL; i++) {
        int rc = acpi_srat_parse(h, h->length, &scratch);
        plat_log(rc == ACPI_OK ? LOG_INFO : LOG_ERR, TAG,
                 "SRAT at 0x%llx: %u memory, %u processor entries, %u bad", (unsigned long long)pa,
                 scratch.nmem, scratch.ncpu, scratch.nbad);
        if (!scratch.valid || best_rc == ACPI_OK)
            continue;
        if (best_rc == ACPI_ERR_NOT_FOUND || rc == ACPI_OK) {
            if (i)
                plat_log(LOG_WARN, TAG, "using the SRAT at 0x%llx", (unsigned long long)pa);
            acpi_srat_info = scratch;
            best_rc = rc;
        }
    }
    if (best_rc == ACPI_ERR_NOT_FOUND)
        plat_log(LOG_INFO, TAG, "no usable SRAT: one node");
    return best_rc;
}
