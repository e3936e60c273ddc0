/* pci.c - PCI configuration access, enumeration and BARs (see pci.h). */
#include <string.h>

#include "drivers/acpi/tables/tables.h"
#include "drivers/pci/pci.h"
#include "mm/memmap.h"
#include "platform.h"

#define TAG "pci"
#define PCI_CMD 0x04
#define PCI_STATUS_CAPS 0x10 /* status bit 4: capability list present */
#define ECAM_BUS_SHIFT 20

struct pci_dev pci_devs[PCI_MAX_DEVS];
unsigned pci_ndevs;
struct pci_counters pci_counters;
const char *pci_mechanism = "none";

/* ECAM window of segment 0 (NULL: use the ports). */
static volatile uint8_t *ecam;
static uint8_t ecam_bus_start, ecam_bus_end;
static bool inited;

/* Config address of (bus, dev, fn, off) inside the ECAM window, or NULL if outside it. */
static volatile uint8_t *ecam_addr(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    if (!ecam || bus < ecam_bus_start || bus > ecam_bus_end)
        return NULL;
    return ecam + ((uint64_t)(bus - ecam_bus_start) << ECAM_BUS_SHIFT) + (dev << 15) + (fn << 12) + off;
}

/* Raw config read by location. */
static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, int width)
{
    volatile uint8_t *p = ecam_addr(bus, dev, fn, off);
    if (p)
        return width == 8 ? *p : width == 16 ? *(volatile uint16_t *)p : *(volatile uint32_t *)p;
    if (off >= 256)
        return ~0u;
    plat_io_write(PCI_CONF_ADDR, 32, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
    return plat_io_read((uint16_t)(PCI_CONF_DATA + (off & 3)), width);
}

/* Raw config write by location. */
static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, int width, uint32_t v)
{
    volatile uint8_t *p = ecam_addr(bus, dev, fn, off);
    if (p) {
        if (width == 8)
            *p = (uint8_t)v;
        else if (width == 16)
            *(volatile uint16_t *)p = (uint16_t)v;
        else
            *(volatile uint32_t *)p = v;
        return;
    }
    if (off >= 256)
        return;
    plat_io_write(PCI_CONF_ADDR, 32, 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
    plat_io_write((uint16_t)(PCI_CONF_DATA + (off & 3)), width, v);
}

uint32_t pci_cfg_read(const struct pci_dev *d, unsigned off, int width)
{
    return cfg_read(d->bus, d->dev, d->fn, off, width);
}

void pci_cfg_write(const struct pci_dev *d, unsigned off, int width, uint32_t v)
{
    cfg_write(d->bus, d->dev, d->fn, off, width, v);
}

/* Size BAR i of d (decoding off meanwhile); returns how many BAR slots it used (1 or 2). */
static unsigned size_bar(struct pci_dev *d, unsigned i)
{
    unsigned off = 0x10 + 4 * i;
    struct pci_bar *b = &d->bar[i];
    uint32_t lo = pci_cfg_read(d, off, 32);
    pci_cfg_write(d, off, 32, ~0u);
    uint32_t mlo = pci_cfg_read(d, off, 32);
    pci_cfg_write(d, off, 32, lo);
    if (lo & 1) { /* I/O */
        uint32_t mask = mlo & ~3u;
        b->io = true;
        b->base = lo & ~3u;
        b->size = mask ? (uint64_t)((~mask + 1) & 0xffff) : 0;
        return 1;
    }
    b->is64 = ((lo >> 1) & 3) == 2;
    b->prefetch = lo & 8;
    uint64_t mask = mlo & ~0xfull, base = lo & ~0xfull;
    if (b->is64 && i < 5) {
        uint32_t hi = pci_cfg_read(d, off + 4, 32);
        pci_cfg_write(d, off + 4, 32, ~0u);
        uint32_t mhi = pci_cfg_read(d, off + 4, 32);
        pci_cfg_write(d, off + 4, 32, hi);
        mask |= (uint64_t)mhi << 32;
        base |= (uint64_t)hi << 32;
    } else if (mask) {
        mask |= 0xffffffff00000000ull; /* a 32-bit BAR: the upper half reads as all ones */
    }
    b->base = base;
    b->size = mask ? ~mask + 1 : 0; /* 0: the BAR is not implemented */
    if (b->size & (b->size - 1) || (b->size && base & (b->size - 1))) {
        pci_counters.bad_bar++;
        plat_log(LOG_WARN, TAG, "%02x:%02x.%u BAR%u: base 0x%llx size 0x%llx impossible: ignored", d->bus,
                 d->dev, d->fn, i, (unsigned long long)base, (unsigned long long)b->size);
        b->size = 0;
    }
    return b->is64 ? 2 : 1;
}

/* Read every BAR of a type-0 (or the two of a type-1) header with decoding off. */
static void read_bars(struct pci_dev *d)
{
    unsigned n = d->hdr == 0 ? 6 : d->hdr == 1 ? 2 : 0;
    uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_CMD, 16);
    pci_cfg_write(d, PCI_CMD, 16, cmd & ~3u);
    for (unsigned i = 0; i < n;)
        i += size_bar(d, i);
    pci_cfg_write(d, PCI_CMD, 16, cmd);
    for (unsigned i = 0; i < n; i++) {
        struct pci_bar *b = &d->bar[i];
        if (!b->io && b->size && b->base)
            memmap_add(&memmap_boot, b->base, b->size, MEMMAP_RESERVED, MEMMAP_SRC_KERNEL);
    }
}

static void scan_bus(unsigned bus, unsigned depth, uint8_t *seen);

/* Record function (bus, dev, fn); follow it if it is a bridge. */
static void add_fn(unsigned bus, unsigned dev, unsigned fn, unsigned depth, uint8_t *seen)
{
    if (pci_ndevs == PCI_MAX_DEVS) {
        pci_counters.too_many++;
        return;
    }
    struct pci_dev *d = &pci_devs[pci_ndevs++];
    memset(d, 0, sizeof *d);
    d->bus = (uint8_t)bus;
    d->dev = (uint8_t)dev;
    d->fn = (uint8_t)fn;
    uint32_t id = pci_cfg_read(d, 0, 32), cls = pci_cfg_read(d, 8, 32);
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    d->rev = (uint8_t)cls;
    d->progif = (uint8_t)(cls >> 8);
    d->subcls = (uint8_t)(cls >> 16);
    d->cls = (uint8_t)(cls >> 24);
    d->hdr = (uint8_t)pci_cfg_read(d, 0x0e, 8) & 0x7f;
    d->irq_line = (uint8_t)pci_cfg_read(d, 0x3c, 8);
    d->irq_pin = (uint8_t)pci_cfg_read(d, 0x3d, 8);
    read_bars(d);
    if (d->hdr == 1) { /* PCI-to-PCI bridge: the firmware numbered its secondary bus */
        unsigned sec = pci_cfg_read(d, 0x19, 8);
        if (sec > bus)
            scan_bus(sec, depth + 1, seen);
    }
}

/* Enumerate bus (each bus once, bounded depth: junk bus numbers cannot loop). */
static void scan_bus(unsigned bus, unsigned depth, uint8_t *seen)
{
    if (bus > 255 || depth > 16 || (seen[bus / 8] >> (bus % 8) & 1))
        return;
    seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (unsigned dev = 0; dev < 32; dev++) {
        if ((uint16_t)cfg_read(bus, dev, 0, 0, 16) == 0xffff)
            continue;
        bool multi = cfg_read(bus, dev, 0, 0x0e, 8) & 0x80;
        for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++)
            if ((uint16_t)cfg_read(bus, dev, fn, 0, 16) != 0xffff)
                add_fn(bus, dev, fn, depth, seen);
    }
}

/* Use segment 0 of the MCFG when there is one (mapped into the direct map). */
static void setup_ecam(void)
{
    const struct acpi_mcfg *m = &acpi_mcfg_info;
    for (unsigned i = 0; m->valid && i < m->n; i++) {
        const struct acpi_mcfg_seg *s = &m->seg[i];
        if (s->segment != 0)
            continue;
        uint64_t len = (uint64_t)(s->bus_end - s->bus_start + 1) << ECAM_BUS_SHIFT;
        if (!plat_phys_to_virt(s->base) && plat_map_mmio(s->base, len)) {
            plat_log(LOG_ERR, TAG, "ECAM 0x%llx: cannot map: using ports", (unsigned long long)s->base);
            return;
        }
        ecam = plat_phys_to_virt(s->base);
        ecam_bus_start = s->bus_start;
        ecam_bus_end = s->bus_end;
        memmap_add(&memmap_boot, s->base, len, MEMMAP_RESERVED, MEMMAP_SRC_KERNEL);
        pci_mechanism = "ecam";
        return;
    }
}

int pci_init(void)
{
    if (inited)
        return (int)pci_ndevs;
    inited = true;
    pci_mechanism = "ports";
    setup_ecam();
    uint8_t seen[32] = {0};
    scan_bus(ecam ? ecam_bus_start : 0, 0, seen);
    plat_log(LOG_INFO, TAG, "%u functions (config through %s)%s", pci_ndevs, pci_mechanism,
             pci_counters.too_many ? ", some ignored: table full" : "");
    return (int)pci_ndevs;
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned idx)
{
    for (unsigned i = 0; i < pci_ndevs; i++)
        if (pci_devs[i].vendor == vendor && pci_devs[i].device == device && idx-- == 0)
            return &pci_devs[i];
    return NULL;
}

unsigned pci_next_cap(const struct pci_dev *d, uint8_t id, unsigned after)
{
    if (!(pci_cfg_read(d, 0x06, 16) & PCI_STATUS_CAPS))
        return 0;
    unsigned off = after ? pci_cfg_read(d, after + 1, 8) : pci_cfg_read(d, 0x34, 8);
    for (unsigned n = 0; off; n++) {
        off &= 0xfc;
        if (off < 0x40 || n >= 48) { /* 48 = (256 - 64) / 4: more entries means a loop */
            pci_counters.bad_cap++;
            plat_log(LOG_WARN, TAG, "%02x:%02x.%u: capability list broken at 0x%x", d->bus, d->dev, d->fn,
                     off);
            return 0;
        }
        if (pci_cfg_read(d, off, 8) == id)
            return off;
        off = pci_cfg_read(d, off + 1, 8);
    }
    return 0;
}

void pci_enable(const struct pci_dev *d, bool mem, bool io, bool master)
{
    uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_CMD, 16);
    cmd |= (io ? 1 : 0) | (mem ? 2 : 0) | (master ? 4 : 0);
    pci_cfg_write(d, PCI_CMD, 16, cmd);
}

volatile void *pci_map_bar(const struct pci_dev *d, unsigned b, uint64_t off, uint64_t len)
{
    if (b >= 6 || d->bar[b].io || !d->bar[b].size || !d->bar[b].base || off > d->bar[b].size ||
        len > d->bar[b].size - off) {
        pci_counters.map_fails++;
        return NULL;
    }
    uint64_t pa = d->bar[b].base + off;
    if (!plat_phys_to_virt(pa) && plat_map_mmio(pa, len)) {
        pci_counters.map_fails++;
        plat_log(LOG_ERR, TAG, "%02x:%02x.%u BAR%u: cannot map 0x%llx", d->bus, d->dev, d->fn, b,
                 (unsigned long long)pa);
        return NULL;
    }
    return plat_phys_to_virt(pa);
}

void pci_dump(void)
{
    plat_printf("pci mechanism=%s functions=%u too_many=%llu bad_bar=%llu bad_cap=%llu irqs=%llu "
                "unclaimed=%llu\n",
                pci_mechanism, pci_ndevs, (unsigned long long)pci_counters.too_many,
                (unsigned long long)pci_counters.bad_bar, (unsigned long long)pci_counters.bad_cap,
                (unsigned long long)pci_irq_count, (unsigned long long)pci_irq_unclaimed);
    for (unsigned i = 0; i < pci_ndevs; i++) {
        const struct pci_dev *d = &pci_devs[i];
        plat_printf("%02x:%02x.%u id=%04x:%04x class=%02x%02x%02x rev=%u hdr=%u irq=%u pin=%u\n", d->bus,
                    d->dev, d->fn, d->vendor, d->device, d->cls, d->subcls, d->progif, d->rev, d->hdr,
                    d->irq_line, d->irq_pin);
        for (unsigned b = 0; b < 6; b++)
            if (d->bar[b].size)
                plat_printf("  bar%u %s base=0x%llx size=0x%llx%s%s\n", b, d->bar[b].io ? "io" : "mem",
                            (unsigned long long)d->bar[b].base, (unsigned long long)d->bar[b].size,
                            d->bar[b].is64 ? " 64bit" : "", d->bar[b].prefetch ? " prefetch" : "");
    }
}
