/* madt.c - the Multiple APIC Description Table (see tables.h). Entries are walked by their own
 * length byte; an entry shorter than 2 bytes or running past the table ends the walk, an entry
 * too short for its type is skipped; both are logged and counted in nbad. */
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "hotmem/bytes.h"
#include "platform.h"

#define TAG "madt"

struct acpi_madt acpi_madt_info;

enum {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_ISO = 2,
    MADT_NMI_SRC = 3,
    MADT_LAPIC_NMI = 4,
    MADT_LAPIC_OVERRIDE = 5,
    MADT_X2APIC = 9,
    MADT_X2APIC_NMI = 10,
};

/* Minimum length of an entry of the given type (0: unknown type, skipped). */
static unsigned min_len(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC:
        return 8;
    case MADT_IOAPIC:
        return 12;
    case MADT_ISO:
        return 10;
    case MADT_NMI_SRC:
        return 8;
    case MADT_LAPIC_NMI:
        return 6;
    case MADT_LAPIC_OVERRIDE:
        return 12;
    case MADT_X2APIC:
        return 16;
    case MADT_X2APIC_NMI:
        return 12;
    default:
        return 0;
    }
}

/* Log that array name is full (once per table) and remember the error. */
static void full(const char *name, unsigned max, int *rc, bool *logged)
{
    if (!*logged)
        plat_log(LOG_ERR, TAG, "more than %u %s entries: the rest ignored", max, name);
    *logged = true;
    *rc = ACPI_ERR_FULL;
}

/* Parse the MADT at [table, table+size) into *out (see tables.h for return codes). */
int acpi_madt_parse(const void *table, size_t size, struct acpi_madt *out)
{
    const char *why;
    memset(out, 0, sizeof *out);
    int rc = acpi_check_table(table, size, "APIC", 44, &why);
    if (rc != ACPI_OK) {
        plat_log(LOG_ERR, TAG, "MADT: %s: ignored", why);
        return rc;
    }
    const uint8_t *t = table;
    uint32_t len = (uint32_t)get_le(t + 4, 4);
    out->lapic_addr = get_le(t + 36, 4);
    out->flags = (uint32_t)get_le(t + 40, 4);
    rc = ACPI_OK;
    bool full_cpu = false, full_io = false, full_iso = false, full_nmi = false;
    unsigned bad0 = out->nbad;
    uint32_t off = 44;
    for (const uint8_t *e; (e = acpi_subtable_next(t, len, &off, min_len, TAG, &out->nbad));) {
        uint8_t type = e[0];
        switch (type) {
        case MADT_LAPIC:
        case MADT_X2APIC:
            if (out->ncpus >= ACPI_MAX_CPUS) {
                full("processor", ACPI_MAX_CPUS, &rc, &full_cpu);
                break;
            }
            if (type == MADT_LAPIC)
                out->cpu[out->ncpus] = (struct acpi_madt_cpu){
                    .uid = e[2], .apic_id = e[3], .flags = (uint32_t)get_le(e + 4, 4), .x2apic = false};
            else
                out->cpu[out->ncpus] = (struct acpi_madt_cpu){.apic_id = (uint32_t)get_le(e + 4, 4),
                                                              .flags = (uint32_t)get_le(e + 8, 4),
                                                              .uid = (uint32_t)get_le(e + 12, 4),
                                                              .x2apic = true};
            out->ncpus++;
            break;
        case MADT_IOAPIC:
            if (out->nioapics >= ACPI_MAX_IOAPICS) {
                full("IO APIC", ACPI_MAX_IOAPICS, &rc, &full_io);
                break;
            }
            out->ioapic[out->nioapics++] = (struct acpi_madt_ioapic){
                .id = e[2], .address = (uint32_t)get_le(e + 4, 4), .gsi_base = (uint32_t)get_le(e + 8, 4)};
            break;
        case MADT_ISO:
            if (out->nisos >= ACPI_MAX_ISOS) {
                full("interrupt override", ACPI_MAX_ISOS, &rc, &full_iso);
                break;
            }
            if (e[2] != 0)
                plat_log(LOG_WARN, TAG, "interrupt override for bus %u (not ISA)", e[2]);
            out->iso[out->nisos++] = (struct acpi_madt_iso){.bus = e[2],
                                                            .source = e[3],
                                                            .gsi = (uint32_t)get_le(e + 4, 4),
                                                            .flags = (uint16_t)get_le(e + 8, 2)};
            break;
        case MADT_LAPIC_NMI:
        case MADT_X2APIC_NMI:
            if (out->nnmis >= ACPI_MAX_NMIS) {
                full("NMI", ACPI_MAX_NMIS, &rc, &full_nmi);
                break;
            }
            if (type == MADT_LAPIC_NMI)
                out->nmi[out->nnmis++] = (struct acpi_madt_nmi){.uid = e[2] == 0xff ? 0xffffffffu : e[2],
                                                                .flags = (uint16_t)get_le(e + 3, 2),
                                                                .lint = e[5]};
            else
                out->nmi[out->nnmis++] = (struct acpi_madt_nmi){
                    .flags = (uint16_t)get_le(e + 2, 2), .uid = (uint32_t)get_le(e + 4, 4), .lint = e[8]};
            break;
        case MADT_LAPIC_OVERRIDE:
            out->lapic_addr = get_le(e + 4, 8);
            break;
        default: /* NMI source: not needed */
            break;
        }
    }
    if (out->nbad != bad0 && rc == ACPI_OK)
        rc = ACPI_ERR_ENTRY;
    if (!out->lapic_addr)
        plat_log(LOG_WARN, TAG, "no local APIC address");
    out->valid = true;
    return rc;
}

/* Find and parse the MADT ("APIC") into the global acpi_madt_info. With several MADTs the first
 * that parses without error is used; if none does, the first that parsed partially. */
int acpi_madt_init(void)
{
    static struct acpi_madt scratch;
    const struct acpi_sdt_header *h;
    int best_rc = ACPI_ERR_NOT_FOUND;
    uint64_t pa;
    memset(&acpi_madt_info, 0, sizeof acpi_madt_info);
    for (unsigned i = 0; (h = acpi_find_table("APIC", i, &pa)) != NULL; i++) {
        int rc = acpi_madt_parse(h, h->length, &scratch);
        plat_log(rc == ACPI_OK ? LOG_INFO : LOG_ERR, TAG,
                 "MADT at 0x%llx: LAPIC 0x%llx, %u cpus, %u IO APICs, %u overrides, %u bad entries",
                 (unsigned long long)pa, (unsigned long long)scratch.lapic_addr, scratch.ncpus,
                 scratch.nioapics, scratch.nisos, scratch.nbad);
        if (!scratch.valid || best_rc == ACPI_OK)
            continue;
        if (best_rc == ACPI_ERR_NOT_FOUND || rc == ACPI_OK) {
            if (i)
                plat_log(LOG_WARN, TAG, "using the MADT at 0x%llx", (unsigned long long)pa);
            acpi_madt_info = scratch;
            best_rc = rc;
        }
    }
    if (best_rc == ACPI_ERR_NOT_FOUND)
        plat_log(LOG_ERR, TAG, "no usable MADT");
    return best_rc;
}

/* The GSI and MPS flags an ISA IRQ is delivered on (identity, flags 0, if no override). */
uint32_t acpi_madt_irq_to_gsi(const struct acpi_madt *madt, uint8_t irq, uint16_t *flags)
{
    for (unsigned i = 0; i < madt->nisos; i++) {
        if (madt->iso[i].bus == 0 && madt->iso[i].source == irq) {
            if (flags)
                *flags = madt->iso[i].flags;
            return madt->iso[i].gsi;
        }
    }
    if (flags)
        *flags = 0;
    return irq;
}
