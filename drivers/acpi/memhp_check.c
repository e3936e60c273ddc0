/* memhp_check.c - is a memory device's _CRS range ours to add? (memhp_check_range, memhp.h)
 *
 * A range is refused, before anything is mapped, when it is not where hot-pluggable memory can
 * be: beyond the physical address width (the CPU's: plat_phys_limit); outside every hot-pluggable
 * SRAT window (when the SRAT has any); over another memory device's range; over a range of the
 * memory map (boot RAM, reserved, ACPI, NVS: every range there is the firmware's or already ours);
 * over a platform device's MMIO window (local APIC, I/O APICs, HPET, PCI ECAM from the MCFG).
 */
#include <stdio.h>

#include "drivers/acpi/memhp.h"
#include "drivers/acpi/srat_numa.h"
#include "drivers/acpi/tables/tables.h"
#include "mm/memmap.h"
#include "platform.h"

#define TAG "memhp"

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

/* Log the refusal of [base, base+size) of d because of what (at [wb, wb+wlen) if wlen); -1. */
static int refuse(const struct memdev *d, uint64_t base, uint64_t size, const char *what, uint64_t wb,
                  uint64_t wlen)
{
    memhp_counters.crs_refused++;
    if (wlen)
        plat_log(LOG_ERR, TAG, "slot %u: _CRS range 0x%llx-0x%llx refused: overlaps %s 0x%llx-0x%llx",
                 d->slot, (unsigned long long)base, (unsigned long long)(base + size), what,
                 (unsigned long long)wb, (unsigned long long)(wb + wlen));
    else
        plat_log(LOG_ERR, TAG, "slot %u: _CRS range 0x%llx-0x%llx refused: %s", d->slot,
                 (unsigned long long)base, (unsigned long long)(base + size), what);
    return -1;
}

/* Is [base, base+size) covered by the enabled hot-pluggable SRAT entries? true if the SRAT has
 * none (nothing to check against). */
static bool in_srat_windows(uint64_t base, uint64_t size)
{
    const struct acpi_srat *s = &acpi_srat_info;
    const uint32_t hp = ACPI_SRAT_MEM_ENABLED | ACPI_SRAT_MEM_HOTPLUGGABLE;
    bool any = false;
    for (unsigned i = 0; s->valid && i < s->nmem; i++)
        any |= (s->mem[i].flags & hp) == hp;
    if (!any)
        return true;
    uint64_t at = base, end = base + size;
    for (bool moved = true; at < end && moved;) { /* walk forward through touching windows */
        moved = false;
        for (unsigned i = 0; i < s->nmem; i++) {
            const struct acpi_srat_mem *m = &s->mem[i];
            if ((m->flags & hp) == hp && m->base <= at && at < m->base + m->len) {
                at = m->base + m->len;
                moved = true;
            }
        }
    }
    return at >= end;
}

/* The first platform MMIO window over [base, base+size): its name and extent, or NULL. */
static const char *mmio_window(uint64_t base, uint64_t size, uint64_t *wb, uint64_t *wlen)
{
    const struct acpi_madt *madt = &acpi_madt_info;
    *wb = madt->valid && madt->lapic_addr ? madt->lapic_addr : LAPIC_MMIO_DEFAULT;
    *wlen = LAPIC_MMIO_SIZE;
    if (overlaps(base, size, *wb, *wlen))
        return "the local APIC";
    for (unsigned i = 0; i < (madt->valid && madt->nioapics ? madt->nioapics : 1); i++) {
        *wb = madt->valid && madt->nioapics ? madt->ioapic[i].address : IOAPIC_MMIO_DEFAULT;
        *wlen = IOAPIC_MMIO_SIZE;
        if (overlaps(base, size, *wb, *wlen))
            return "an I/O APIC";
    }
    *wb = acpi_hpet_info.base.address;
    *wlen = HPET_MMIO_SIZE;
    if (acpi_hpet_info.valid && overlaps(base, size, *wb, *wlen))
        return "the HPET";
    for (unsigned i = 0; acpi_mcfg_info.valid && i < acpi_mcfg_info.n; i++) {
        const struct acpi_mcfg_seg *g = &acpi_mcfg_info.seg[i];
        *wb = g->base + (uint64_t)g->bus_start * ECAM_BUS_SIZE;
        *wlen = ((uint64_t)g->bus_end - g->bus_start + 1) * ECAM_BUS_SIZE;
        if (overlaps(base, size, *wb, *wlen))
            return "PCI ECAM (MCFG)";
    }
    return NULL;
}

/* 0 if [base, base+size) of device d may be added; else -1, logged, counted. */
int memhp_check_range(const struct memdev *d, uint64_t base, uint64_t size)
{
    if (!size || base + size < base || base + size > plat_phys_limit())
        return refuse(d, base, size, "beyond the physical address width (the CPU's, at most MAX_PHYS_BITS)",
                      0, 0);
    if (!in_srat_windows(base, size))
        return refuse(d, base, size, "outside every hot-pluggable SRAT memory range", 0, 0);
    for (unsigned i = 0; i < memhp_count(); i++) {
        const struct memdev *o = memhp_get(i);
        for (unsigned k = 0; o != d && o->state != MEMDEV_ABSENT && k < o->nranges; k++)
            if (overlaps(base, size, o->r[k].base, o->r[k].size))
                return refuse(d, base, size, "another memory device's range", o->r[k].base, o->r[k].size);
    }
    for (unsigned i = 0; i < memmap_boot.n; i++) {
        const struct memmap_range *m = &memmap_boot.r[i];
        if (overlaps(base, size, m->base, m->len)) {
            char what[48]; /* RAM, reserved, ACPI tables or NVS, unusable, pmem: named by type */
            snprintf(what, sizeof what, "the memory map's %s range", memmap_type_name(m->type));
            return refuse(d, base, size, what, m->base, m->len);
        }
    }
    uint64_t wb, wlen;
    const char *w = mmio_window(base, size, &wb, &wlen);
    if (w)
        return refuse(d, base, size, w, wb, wlen);
    return 0;
}

/* The node of proximity domain pxm through the boot SRAT (acpi_pxm_to_node); -1 if it has none. */
int memhp_pxm_to_node(uint64_t pxm)
{
    return acpi_pxm_to_node(&acpi_srat_info, pxm);
}
