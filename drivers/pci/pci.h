/* pci.h - PCI enumeration and configuration space (kernel only).
 *
 * pci_init() walks the buses the firmware numbered, from bus 0 through bridges, using ECAM (the
 * MCFG's first segment, q35) or configuration mechanism #1 (ports 0xCF8/0xCFC, pc). Each function
 * found is one struct pci_dev in pci_devs[]: ids, class, header type, the firmware's interrupt line
 * and pin, and its BARs sized (64-bit BARs as one entry, the upper BAR index left empty). Memory
 * BARs and the ECAM window are recorded in memmap_boot as reserved, so they never pass for RAM.
 * Nothing is enabled at enumeration: drivers call pci_enable() for the devices they own.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "hotmem/params.h"

struct pci_bar {
    uint64_t base; /* bus address (0: not assigned by the firmware) */
    uint64_t size; /* 0: BAR not implemented */
    bool io;       /* I/O space (else memory) */
    bool is64;     /* 64-bit memory BAR (occupies this index and the next) */
    bool prefetch;
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t cls, subcls, progif, rev;
    uint8_t hdr;      /* header type without the multi-function bit: 0 device, 1 bridge */
    uint8_t irq_line; /* config 0x3C as the firmware wrote it (0xff: none) */
    uint8_t irq_pin;  /* config 0x3D: 0 none, 1..4 INTA..INTD */
    struct pci_bar bar[6];
};

extern struct pci_dev pci_devs[PCI_MAX_DEVS];
extern unsigned pci_ndevs;
/* Counters of what went wrong (shell `pci` prints them). */
struct pci_counters {
    uint64_t too_many;  /* functions beyond PCI_MAX_DEVS: ignored */
    uint64_t bad_bar;   /* BARs with an impossible size or address */
    uint64_t bad_cap;   /* capability lists that loop or leave config space */
    uint64_t map_fails; /* BARs that could not be mapped */
};
extern struct pci_counters pci_counters;
/* "ecam" or "ports" (after pci_init). */
extern const char *pci_mechanism;

/* Enumerate every bus (once); returns the number of functions found. */
int pci_init(void);
/* Config space read/write of width 8, 16 or 32 bits at off (aligned to the width). */
uint32_t pci_cfg_read(const struct pci_dev *d, unsigned off, int width);
void pci_cfg_write(const struct pci_dev *d, unsigned off, int width, uint32_t v);
/* The idx-th function with vendor:device, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned idx);
/* Offset of the first capability of type id after offset after (0: from the start), or 0. */
unsigned pci_next_cap(const struct pci_dev *d, uint8_t id, unsigned after);
/* Turn on memory decoding (mem), I/O decoding (io) and bus mastering (master). */
void pci_enable(const struct pci_dev *d, bool mem, bool io, bool master);
/* Kernel address of [off, off+len) inside memory BAR b (mapped into the direct map), or NULL. */
volatile void *pci_map_bar(const struct pci_dev *d, unsigned b, uint64_t off, uint64_t len);
/* Print one line per function (the `pci` command). */
void pci_dump(void);

/* ---- interrupts (drivers/pci/pci_irq.c) ---- */
/* A handler of a shared level-triggered line: reads its device's status, returns true if the
 * interrupt was its device's (status was non-zero), false ("not mine") otherwise. Runs in
 * interrupt context: records and wakes, nothing more. */
typedef bool (*pci_irq_fn)(void *arg);
/* Route d's INTx line (config 0x3C) through the IO APIC, level and active-high as QEMU's MADT
 * says for PCI lines, and add fn to the handlers of that line. 0, or -1 (no line: poll). */
int pci_irq_attach(const struct pci_dev *d, pci_irq_fn fn, void *arg);
/* Remove fn (with arg) from d's line; the line is masked when no handler is left. 0 or -1. */
int pci_irq_detach(const struct pci_dev *d, pci_irq_fn fn, void *arg);
/* Interrupts taken / claimed by nobody on lines with PCI handlers. */
extern uint64_t pci_irq_count, pci_irq_unclaimed;
