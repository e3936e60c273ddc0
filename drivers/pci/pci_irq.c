/* pci_irq.c - shared level-triggered INTx lines through the IO APIC (kernel only). */
#include "drivers/pci/pci.h"
#include "kernel/apic.h"
#include "kernel/kernel.h"

#define NLINES 16 /* ISA IRQ numbers a firmware writes into config 0x3C */

uint64_t pci_irq_count, pci_irq_unclaimed;

/* Handlers per line; a line is routed once, when its first handler arrives. */
static struct {
    unsigned n;
    pci_irq_fn fn[PCI_IRQ_SHARERS];
    void *arg[PCI_IRQ_SHARERS];
    uint32_t gsi;
} lines[NLINES];

/* Run every handler of the line of vector v (each reads its own status), wake the worker thread
 * if one claimed it, EOI. A line nobody claims is still acknowledged: its device deasserts once a
 * handler reads its status later. */
static void line_irq(unsigned line)
{
    bool mine = false;
    pci_irq_count++;
    for (unsigned i = 0; i < lines[line].n; i++)
        mine |= lines[line].fn[i](lines[line].arg[i]);
    if (mine)
        kern_work_kick(); /* the handlers record (virtio-mem: a config change); the worker acts */
    else
        pci_irq_unclaimed++;
    lapic_eoi();
}

#define LINE_STUB(n)                                                                                         \
    static void line_irq_##n(void)                                                                           \
    {                                                                                                        \
        line_irq(n);                                                                                         \
    }
LINE_STUB(3)
LINE_STUB(5)
LINE_STUB(7)
LINE_STUB(9)
LINE_STUB(10)
LINE_STUB(11)
LINE_STUB(14)
LINE_STUB(15)
/* Entry points per line (NULL: a line PCI never gets, e.g. the timer or COM1). */
static void (*const stubs[NLINES])(void) = {
    [3] = line_irq_3,   [5] = line_irq_5,   [7] = line_irq_7,   [9] = line_irq_9,
    [10] = line_irq_10, [11] = line_irq_11, [14] = line_irq_14, [15] = line_irq_15};

int pci_irq_attach(const struct pci_dev *d, pci_irq_fn fn, void *arg)
{
    unsigned line = d->irq_line;
    if (!d->irq_pin || line >= NLINES || !stubs[line] || line == 9 /* the SCI */) {
        plat_log(LOG_WARN, "pci", "%02x:%02x.%u: interrupt line %u pin %u unusable: polling", d->bus, d->dev,
                 d->fn, line, d->irq_pin);
        return -1;
    }
    if (lines[line].n == PCI_IRQ_SHARERS)
        return -1;
    unsigned long f = plat_irq_save();
    unsigned i = lines[line].n++;
    lines[line].fn[i] = fn;
    lines[line].arg[i] = arg;
    if (i == 0) {
        uint32_t gsi;
        bool level, low;
        apic_isa_to_gsi((int)line, &gsi, &level, &low);
        lines[line].gsi = gsi;
        irq_set_handler(VECTOR_IRQ_BASE + (int)line, stubs[line]);
        /* PCI INTx is level-triggered and active-high at the IO APIC on QEMU (MADT overrides). */
        ioapic_route_gsi(gsi, VECTOR_IRQ_BASE + (int)line, true, false);
    }
    plat_irq_restore(f);
    plat_log(LOG_INFO, "pci", "%02x:%02x.%u: INT%c on line %u (GSI %u, level, active-high, %u sharer%s)",
             d->bus, d->dev, d->fn, 'A' + d->irq_pin - 1, line, lines[line].gsi, i + 1, i ? "s" : "");
    return 0;
}

int pci_irq_detach(const struct pci_dev *d, pci_irq_fn fn, void *arg)
{
    unsigned line = d->irq_line;
    if (line >= NLINES)
        return -1;
    unsigned long f = plat_irq_save();
    int r = -1;
    for (unsigned i = 0; i < lines[line].n; i++) {
        if (lines[line].fn[i] != fn || lines[line].arg[i] != arg)
            continue;
        lines[line].n--;
        lines[line].fn[i] = lines[line].fn[lines[line].n];
        lines[line].arg[i] = lines[line].arg[lines[line].n];
        if (!lines[line].n)
            ioapic_mask_gsi(lines[line].gsi, true);
        r = 0;
        break;
    }
    plat_irq_restore(f);
    return r;
}
