/* fake_mhpc.h - a fake of QEMU 7.2's ACPI memory hotplug controller (hw/acpi/memory_hotplug.c,
 * I/O ports 0xA00-0xA17) for host tests and amlrun. Header-only: include it in one file.
 *
 * Reads (of the selected slot): 0x0/0x4 address lo/hi, 0x8/0xC size lo/hi, 0x10 proximity,
 * 0x14 status (bit0 enabled, bit1 insert event, bit2 remove event). Writes: 0x0 selector,
 * 0x4 _OST event, 0x8 _OST status (QEMU emits ACPI_DEVICE_OST here: on_ost), 0x14 control:
 * bit1 clears insert, else bit2 clears remove, else bit3 ejects (QEMU deletes the DIMM and
 * emits DEVICE_DELETED: on_eject). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define FAKE_MHPC_BASE 0xa00
#define FAKE_MHPC_LEN 0x18

struct fake_mhpc_slot {
    uint64_t addr, size;
    uint32_t node;
    bool enabled, inserting, removing;
};

struct fake_mhpc {
    struct fake_mhpc_slot *slots;
    unsigned nslots;
    uint32_t selector, ost_event;
    void (*on_ost)(unsigned slot, uint32_t event, uint32_t status); /* optional */
    void (*on_eject)(unsigned slot);                                /* optional */
};

/* Is port one of the controller's? */
static inline bool fake_mhpc_owns(uint16_t port)
{
    return port >= FAKE_MHPC_BASE && port < FAKE_MHPC_BASE + FAKE_MHPC_LEN;
}

/* The 32-bit register at offset off & ~3 of the selected slot (0 if the selector is bad). */
static uint32_t fake_mhpc_reg(const struct fake_mhpc *h, unsigned off)
{
    if (h->selector >= h->nslots)
        return 0;
    const struct fake_mhpc_slot *s = &h->slots[h->selector];
    switch (off & ~3u) {
    case 0x0:
        return (uint32_t)s->addr;
    case 0x4:
        return (uint32_t)(s->addr >> 32);
    case 0x8:
        return (uint32_t)s->size;
    case 0xc:
        return (uint32_t)(s->size >> 32);
    case 0x10:
        return s->node;
    case 0x14:
        return (uint32_t)s->enabled | (uint32_t)s->inserting << 1 | (uint32_t)s->removing << 2;
    }
    return 0;
}

/* A read of width bits at port (one of the controller's). */
static uint32_t fake_mhpc_read(const struct fake_mhpc *h, uint16_t port, int width)
{
    unsigned off = port - FAKE_MHPC_BASE;
    uint32_t v = fake_mhpc_reg(h, off) >> (8 * (off & 3));
    return width < 32 ? v & ((1u << width) - 1) : v;
}

/* A write of v at port (one of the controller's). */
static void fake_mhpc_write(struct fake_mhpc *h, uint16_t port, uint32_t v)
{
    struct fake_mhpc_slot *s = h->selector < h->nslots ? &h->slots[h->selector] : NULL;
    switch (port - FAKE_MHPC_BASE) {
    case 0x0:
        h->selector = v;
        break;
    case 0x4:
        h->ost_event = v;
        break;
    case 0x8:
        if (h->on_ost)
            h->on_ost(h->selector, h->ost_event, v);
        break;
    case 0x14:
        if (!s)
            break;
        if (v & 2) {
            s->inserting = false;
        } else if (v & 4) {
            s->removing = false;
        } else if ((v & 8) && s->enabled) {
            s->enabled = false;
            s->removing = false;
            if (h->on_eject)
                h->on_eject(h->selector);
        }
        break;
    }
}
